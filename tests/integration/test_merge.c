/*
 * faultline report merge: real reports of real runs (one rule file, several
 * "pods" each seeing part of the calls) summed per rule; expectations
 * checked against the sums (122); reports of other rule sets, non-JSON and
 * wrong shapes refused with 125 and where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#define EXIT_UNMET 122

/*
 * Rule 1 fails the victim's open of *.cfg files, and expects at least 3
 * such failures; rule 2 never acts and expects nothing; rule 3 fails
 * unlink, at most once.
 */
static const char rules_text[] =
	"version: 1\n"
	"rules:\n"
	"  - name: cfg-missing\n"
	"    syscall: " FL_OPEN_NAME "\n"
	"    path: /**/*.cfg\n"
	"    error: ENOENT\n"
	"    expect: {min: 3}\n"
	"  - name: never\n"
	"    syscall: acct\n"
	"    error: EPERM\n"
	"  - name: unlink-once\n"
	"    syscall: " FL_UNLINK_NAME "\n"
	"    error: EROFS\n"
	"    expect: {max: 1}\n";

/* One "pod": opens @n_cfg .cfg files (and a .txt), unlinks @n_unlink times. */
static char *pod(const char *rules, const char *name, int n_cfg, int n_unlink)
{
	const char *args[64] = { "run", "-r", rules, "--report", NULL, "--", fl_victim() };
	size_t n = 7;
	char *report = fl_path(fl_strf("%s.json", name));
	struct fl_result r;

	args[4] = report;
	for (int i = 0; i < n_cfg; i++) {
		if (n > 7)
			args[n++] = "+";
		args[n++] = "open";
		args[n++] = fl_mkfile(fl_strf("%s-%d.cfg", name, i), "x\n");
	}
	if (n > 7)
		args[n++] = "+";
	args[n++] = "open";
	args[n++] = fl_mkfile(fl_strf("%s.txt", name), "x\n");
	for (int i = 0; i < n_unlink; i++) {
		args[n++] = "+";
		args[n++] = "unlink";
		args[n++] = fl_mkfile(fl_strf("%s-%d.tmp", name, i), "x\n");
	}
	args[n] = NULL;
	fl_run_argv(&r, args);
	/* Each pod alone may miss 'min: 3': 122 then, which merge must see past. */
	if (r.code != 0 && r.code != EXIT_UNMET) {
		fl_dump(&r);
		fail_msg("pod %s: exit %d", name, r.code);
	}
	assert_true(fl_exists(report));
	return report;
}

/* Two pods, each under the bound alone, meet it together; the sums and who fired. */
static void merge_sums_two_pods(void **state)
{
	char *rules = fl_mkfile("chaos.yaml", rules_text);
	char *md = fl_path("summary.md");
	struct fl_result r;

	(void)state;
	char *a = pod(rules, "pod-a", 1, 0);
	char *b = pod(rules, "pod-b", 2, 1);
	FL_RUN(&r, "report", "merge", "--summary-md", md, a, b);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, fl_strf("faultline: report merge: 2 reports, 3 rules from %s\n", rules));
	/* matched counts every open of the victim's own; 3 *.cfg of 5 opens were failed. */
	fl_assert_out_has(&r, fl_strf("faultline:   cfg-missing   %-8s  %7d  %8d  >=3\n", FL_OPEN_NAME, 3, 3));
	fl_assert_out_has(&r, fl_strf("faultline:   unlink-once   %-8s  %7d  %8d  <=1\n", FL_UNLINK_NAME, 1, 1));
	fl_assert_out_has(&r, fl_strf("faultline: rule \"cfg-missing\" fired in 2 of 2 reports: "
				      "%s (1), %s (2)\n", a, b));
	fl_assert_out_has(&r, "faultline: rule \"never\" fired in none of the 2 reports\n");
	fl_assert_out_has(&r, fl_strf("faultline: rule \"unlink-once\" fired in 1 of 2 reports: %s (1)\n", b));
	fl_assert_err_lacks(&r, "expectation not met");

	char *text = fl_read_file(md);
	assert_non_null(text);
	assert_true(fl_has_line(text, "### faultline: 2 reports merged"));
	assert_true(fl_has_line(text, "| rule | syscalls | matched | injected | expected | met | fired in |"));
	assert_true(fl_has_line(text, fl_strf("| cfg-missing | `" FL_OPEN_NAME "` | 3 | 3 | \\>=3 | yes | "
					      "2 of 2: `%s` (1), `%s` (2) |", a, b)));
	assert_true(fl_has_line(text, "| never | `acct` | 0 | 0 |  |  | 0 of 2 |"));

	/* A directory stands for its *.json files, in name order (pod-a, pod-b). */
	fl_mkfile("notes.txt", "not a report\n");
	FL_RUN(&r, "report", "merge", fl_dir());
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "faultline: report merge: 2 reports, 3 rules from ");
	fl_assert_out_has(&r, "fired in 2 of 2 reports: ");
}

/* The sums miss an expectation: 122 and the rule named, like run says it. */
static void merge_unmet_122(void **state)
{
	char *rules = fl_mkfile("chaos.yaml", rules_text);
	struct fl_result r;

	(void)state;
	char *a = pod(rules, "pod-a", 1, 1);
	char *b = pod(rules, "pod-b", 1, 1);
	FL_RUN(&r, "report", "merge", a, b);
	fl_assert_exit(&r, EXIT_UNMET);
	/* 2 of min 3; and unlink-once acted twice across the fleet, max 1. */
	fl_assert_err_has(&r, fl_strf("faultline: expectation not met: rule \"cfg-missing\" (%s:3) acted 2 "
				      "times", rules));
	fl_assert_err_has(&r, fl_strf("faultline: expectation not met: rule \"unlink-once\" (%s:11) acted 2 "
				      "times", rules));
	fl_assert_out_has(&r, ">=3 NOT MET");
	/* -q: the summary goes, the verdict stays. */
	FL_RUN(&r, "report", "merge", "-q", a, b);
	fl_assert_exit(&r, EXIT_UNMET);
	assert_string_equal(r.out, "");
	fl_assert_err_has(&r, "expectation not met: rule \"cfg-missing\"");
}

/* Reports of another rule set, or of a changed rule file, are refused. */
static void merge_other_rule_set_125(void **state)
{
	char *rules = fl_mkfile("chaos.yaml", rules_text);
	struct fl_result r;

	(void)state;
	char *a = pod(rules, "pod-a", 1, 0);
	/* The same file path, another text (line 6 changed). */
	char *changed = fl_strf("%s", rules_text);
	char *at = strstr(changed, "ENOENT");
	memcpy(at, "EACCES", 6);
	fl_mkfile("chaos.yaml", changed);
	char *b = pod(rules, "pod-b", 1, 0);
	FL_RUN(&r, "report", "merge", a, b);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("faultline report merge: %s: not a report of the rule set of %s: "
				      "%s says something else from line 6 on\n", b, a, rules));
	fl_assert_str(&r, "stdout", r.out, "");

	/* Another rule file altogether. */
	char *other = fl_mkfile("other.yaml", "rules:\n  - {syscall: acct, error: EPERM}\n");
	char *c = pod(other, "pod-c", 0, 0);
	FL_RUN(&r, "report", "merge", a, c);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("%s: not a report of the rule set of %s: its rule source 1 is %s, "
				      "theirs %s", c, a, other, rules));
}

/*
 * --from-logs: container logs (kubectl logs) of runs with --report -, the
 * program's output and faultline's log lines around the report, are read
 * as their reports.
 */
static void merge_from_logs(void **state)
{
	char *rules = fl_mkfile("chaos.yaml", rules_text);
	char *logs = fl_path("logs");
	struct fl_result r;

	(void)state;
	assert_int_equal(mkdir(logs, 0755), 0);
	for (int k = 0; k < 2; k++) {
		char *cfg = fl_mkfile(fl_strf("p%d.cfg", k), "x\n");
		FL_RUN(&r, "run", "-r", rules, "--report", "-", "--", fl_victim(), "open", cfg, "+",
		       "open", cfg);
		/* 2 of min 3 each: 122, and the unmet lines come after the report. */
		fl_assert_exit(&r, EXIT_UNMET);
		char *log = fl_strf("%s/pod-%c.log", logs, 'a' + k);
		FILE *f = fopen(log, "w");
		assert_non_null(f);
		fprintf(f, "%s%s", r.out, r.err);
		fclose(f);
	}
	FL_RUN(&r, "report", "merge", "--from-logs", logs);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, fl_strf("faultline: rule \"cfg-missing\" fired in 2 of 2 reports: %s/pod-a.log (2), "
				      "%s/pod-b.log (2)\n", logs, logs));
	fl_assert_out_has(&r, fl_strf("faultline:   cfg-missing   %-8s  %7d  %8d  >=3\n", FL_OPEN_NAME, 4, 4));

	/* A log without a report, and a report cut short, say so. */
	char *none = fl_mkfile("none.log", "app: started\napp: done\n");
	FL_RUN(&r, "report", "merge", "--from-logs", none);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("faultline report merge: %s: no faultline report in this log", none));
	char *cut = fl_mkfile("cut.log", "app: started\n{\"injections\":[\n{\"seq\":1,\n");
	FL_RUN(&r, "report", "merge", "--from-logs", cut);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("faultline report merge: %s:4:", cut));
}

/* Not JSON, not a report, the wrong shape: 125 with where. */
static void merge_bad_input_125(void **state)
{
	char *rules = fl_mkfile("chaos.yaml", rules_text);
	struct fl_result r;

	(void)state;
	char *a = pod(rules, "pod-a", 1, 0);

	char *log = fl_mkfile("log.json", "faultline 0.1.0: seed 1\n{\"injections\":[\n]}\n");
	FL_RUN(&r, "report", "merge", a, log);
	fl_assert_exit(&r, 125);
	/* jansson's position: the end of the token it choked on. */
	fl_assert_err_has(&r, fl_strf("faultline report merge: %s:1:9: not a JSON report: ", log));
	fl_assert_err_has(&r, "near 'faultline'");
	/* A report after other output, as in a container's log: where it starts, and how to cut it out. */
	fl_assert_err_has(&r, "(a report starts at line 2, after other output, as in a container's log "
			  "with --report -: merge such logs with --from-logs)\n");

	char *trunc = fl_mkfile("trunc.json", "{\"rules\": [\n  {\"name\": \"x\",\n");
	FL_RUN(&r, "report", "merge", trunc);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("faultline report merge: %s:3:", trunc));

	char *arr = fl_mkfile("array.json", "[1, 2]\n");
	FL_RUN(&r, "report", "merge", arr);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("%s:1:1: expected a faultline run report (a JSON object), got an array",
				      arr));

	/* A real report with one count made a string. */
	json_t *rep = fl_load_json(a);
	json_object_set_new(json_array_get(json_object_get(rep, "rules"), 1), "matched", json_string("7"));
	char *bad = fl_path("bad.json");
	assert_int_equal(json_dump_file(rep, bad, 0), 0);
	json_decref(rep);
	FL_RUN(&r, "report", "merge", a, bad);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("faultline report merge: %s: rules[1].matched: expected a count "
				      "(an integer >= 0), got a string\n", bad));

	char *sweep = fl_mkfile("sweep.json", "{\"faultline_version\": \"0.1.0\", \"runs\": []}\n");
	FL_RUN(&r, "report", "merge", sweep);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("%s: rules: missing: this is not a faultline run report", sweep));

	FL_RUN(&r, "report", "merge", fl_path("nonexistent.json"));
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "nonexistent.json: cannot read it: ");

	char *empty = fl_path("empty");
	assert_int_equal(mkdir(empty, 0755), 0);
	FL_RUN(&r, "report", "merge", empty);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("faultline report merge: %s: no *.json report in it", empty));

	FL_RUN(&r, "report", "merge");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "no report given");
	FL_RUN(&r, "report", "frobnicate");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "unknown subcommand 'frobnicate' (expected merge)");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(merge_sums_two_pods),
		FL_TEST(merge_unmet_122),
		FL_TEST(merge_other_rule_set_125),
		FL_TEST(merge_bad_input_125),
		FL_TEST(merge_from_logs),
	};

	return fl_main(argc, argv, "merge", tests, FL_ARRAY_SIZE(tests), true);
}
