/*
 * Expectations ('expect:' and --require-all): what the run did against
 * what each rule asked for, and what that does to the exit status. The
 * bound itself is the rule's (fl_rule_expect_met() in src/rules); the
 * lines saying which rule missed are log lines (fl_log_unmet() in log.c).
 */
#include <inttypes.h>
#include <stdio.h>

#include "faultline/base.h"
#include "faultline/report.h"
#include "faultline/rules.h"

size_t fl_format_expect(char *buf, size_t size, const struct fl_rule *r)
{
	int n;

	if (!r->has_expect)
		n = snprintf(buf, size, "%s", "");
	else if (r->expect_max == FL_TIMES_UNLIMITED)
		n = snprintf(buf, size, ">=%" PRIu64, r->expect_min);
	else if (r->expect_min == r->expect_max)
		n = snprintf(buf, size, "=%" PRIu64, r->expect_min);
	else if (r->expect_min == 0)
		n = snprintf(buf, size, "<=%" PRIu64, r->expect_max);
	else
		n = snprintf(buf, size, "%" PRIu64 "..%" PRIu64, r->expect_min, r->expect_max);
	return n < 0 ? 0 : (size_t)n;
}

size_t fl_expect_unmet(const struct fl_rule_set *set, const struct fl_rule_stats *stats)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n_rules; i++)
		n += !fl_rule_expect_met(&set->rules[i], stats[i].injected);
	return n;
}

int fl_expect_verdict(const struct fl_rule_set *set, const struct fl_rule_stats *stats,
		      int status, FILE *log, FILE *err)
{
	size_t unmet = fl_expect_unmet(set, stats);

	if (!unmet)
		return status;
	if (log && log != err)
		fl_log_unmet(log, set, stats);
	fl_log_unmet(err, set, stats);
	if (status != 0) {
		fprintf(err, "faultline: %zu expectation%s not met; the program's own exit status "
			"%d stands\n", unmet, unmet == 1 ? "" : "s", status);
		return status;
	}
	fprintf(err, "faultline: %zu expectation%s not met: exit status %d although the "
		"program exited 0\n", unmet, unmet == 1 ? "" : "s", FL_EXIT_EXPECTATION);
	return FL_EXIT_EXPECTATION;
}
