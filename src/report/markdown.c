/*
 * --summary-md: the run as a Markdown section for CI job pages, e.g.
 *
 *	### faultline: `make test`
 *
 *	Seed 42 · exit status 0 · 2 rules from `ci/chaos.yaml` · **1 expectation not met: faultline exits 122**
 *
 *	| rule | syscalls | matched | injected | expected | met |
 *	|---|---|---:|---:|---|---|
 *	| disk-full | `write`, `pwrite64` | 5 | 1 | >=1 | yes |
 *	| db-down | `connect` | 0 | 0 | >=1 | **no** |
 *
 * GitHub Actions shows $GITHUB_STEP_SUMMARY on the job page and collects
 * every step's part of it there, so the file is appended to: a second run
 * adds a second section. Text from rule files and the command line is
 * escaped, so a rule named "a|b" or "*x*" can't break the table or the
 * emphasis.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "faultline/base.h"
#include "faultline/sys.h"
#include "faultline/report.h"
#include "text.h"

int fl_summary_md_open(const char *path)
{
	int fd, r;

	/* "-", /dev/stdout, a FIFO or a device: written as they are, never replaced. */
	r = fl_output_open_direct(path, &fd);
	if (r != 0)
		return r < 0 ? r : fd;
	/*
	 * A regular file is appended to (several runs add up). O_NOFOLLOW:
	 * never through a symlink planted in a shared directory.
	 */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	return fd < 0 ? -errno : fd;
}

int fl_summary_md_append(int fd, const char *text, size_t len)
{
	_cleanup_close_ int owned = fd;
	size_t done = 0;

	/* One write: O_APPEND keeps it whole against other appenders. */
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	owned = -1;
	if (close(fd) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

/*
 * Inline text: characters that Markdown (CommonMark and GFM tables) reads
 * as markup get a backslash, which CommonMark allows before any ASCII
 * punctuation; control characters become spaces, since a newline would
 * end the table row.
 */
void fl_md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fputc(' ', f);
		else if (strchr("\\`*_[]<>|~&#!", c))
			fprintf(f, "\\%c", c);
		else
			fputc(c, f);
	}
}

/*
 * A code span: fenced with one backtick more than the longest run inside
 * it, padded with a space when the text starts or ends with a backtick
 * (CommonMark's rule). Control characters become spaces.
 */
void fl_md_code(FILE *f, const char *s)
{
	size_t run = 0, longest = 0, len = strlen(s);
	bool pad = len && (s[0] == '`' || s[len - 1] == '`');

	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i <= longest; i++)
		fputc('`', f);
	if (pad)
		fputc(' ', f);
	for (const char *p = s; *p; p++)
		fputc((unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
	if (pad)
		fputc(' ', f);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', f);
}

static void put_command(FILE *f, char *const *command)
{
	_cleanup_free_ char *joined = NULL;
	size_t len = 0;
	FILE *j = open_memstream(&joined, &len);

	if (!j)
		return;
	for (size_t i = 0; command && command[i]; i++)
		fprintf(j, "%s%s", i ? " " : "", command[i]);
	if (fclose(j) == 0)
		fl_md_code(f, joined);
}

static void put_header(FILE *f, const struct fl_run_result *res, int status, size_t unmet)
{
	const struct fl_rule_set *set = res->set;

	fputs("### faultline: ", f);
	if (res->command && res->command[0])
		put_command(f, res->command);
	else
		fputs("attached processes", f);
	fprintf(f, "\n\nSeed %" PRIu64 " · ", res->seed);
	if (res->n_attached && res->detached) {
		fputs("detached", f);
	} else if (res->exited) {
		fprintf(f, "exit status %d", res->exit_code);
	} else {
		const char *sig = fl_signal_name(res->term_signal);

		if (sig)
			fprintf(f, "killed by %s", sig);
		else
			fprintf(f, "killed by signal %d", res->term_signal);
	}
	fprintf(f, " · %zu rule%s from ", set->n_rules, set->n_rules == 1 ? "" : "s");
	for (size_t i = 0; i < set->n_sources; i++) {
		fputs(i ? ", " : "", f);
		fl_md_code(f, set->sources[i]);
	}
	if (res->dry_run)
		fputs(" · dry run: nothing was injected", f);
	if (unmet)
		fprintf(f, " · **%zu expectation%s not met: faultline exits %d**", unmet,
			unmet == 1 ? "" : "s", status);
	fputs("\n\n", f);
}

static void put_table(FILE *f, const struct fl_rule_set *set, const struct fl_rule_stats *stats)
{
	fputs("| rule | syscalls | matched | injected | expected | met |\n"
	      "|---|---|---:|---:|---|---|\n", f);
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];
		char want[64];

		fputs("| ", f);
		fl_md_text(f, r->name ? r->name : "");
		fputs(" | ", f);
		for (size_t k = 0; k < r->n_syscalls; k++) {
			fputs(k ? ", " : "", f);
			fl_md_code(f, r->syscalls[k]);
		}
		fprintf(f, " | %" PRIu64 " | %" PRIu64 " | ", stats[i].matched, stats[i].injected);
		if (r->has_expect) {
			fl_format_expect(want, sizeof(want), r);
			fl_md_text(f, want);
			fputs(fl_rule_expect_met(r, stats[i].injected) ? " | yes |\n" : " | **no** |\n",
			      f);
		} else {
			fputs("- | - |\n", f);
		}
	}
}

int fl_summary_md_write(int fd, const struct fl_run_result *res, int status)
{
	_cleanup_close_ int owned = fd;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	size_t unmet;
	FILE *f;

	if (!res->set || !res->stats)
		return -EINVAL;
	unmet = fl_expect_unmet(res->set, res->stats);
	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	put_header(f, res, status, unmet);
	put_table(f, res->set, res->stats);
	fputc('\n', f);
	if (fclose(f) != 0)
		return -ENOMEM;

	owned = -1;
	return fl_summary_md_append(fd, text, len);
}
