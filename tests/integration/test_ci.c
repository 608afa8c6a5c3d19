/*
 * faultline in CI: expectations ('expect', --require-all) and their exit
 * status 122, --summary-md, and `check` as a linter (--format json,
 * --strict, warnings), through the real binary.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FL_EXIT_EXPECTATION in faultline/base.h; spelled out here on purpose. */
#define EXIT_UNMET 122

/* A rule the victim's "open FILE" meets exactly once. */
#define OPEN_RULE "{name: open-fails, syscall: " FL_OPEN_NAME ", error: ENOENT}"

/* ---- expectations ------------------------------------------------------- */

static void require_all_unmet_122(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--require-all", "-e", OPEN_RULE, "-e", FL_NOOP_RULE, "--", fl_victim(),
	       "open", file);
	fl_assert_exit(&r, EXIT_UNMET);
	/* The program ran and got its fault; only the rule that did nothing is named. */
	fl_assert_outcomes(&r, "open", "ENOENT");
	fl_assert_err_has(&r, "faultline: expectation not met: rule \"never\" (-e #2:1) acted 0 "
			  "times on 0 matching calls; expected >=1");
	fl_assert_err_lacks(&r, "rule \"open-fails\" (-e #1:1) acted");
	fl_assert_err_has(&r, "faultline: 1 expectation not met: exit status 122 although the "
			  "program exited 0");
	/* The summary shows the expectation column. */
	fl_assert_err_has(&r, "expect");
	fl_assert_err_has(&r, ">=1 NOT MET");
}

static void require_all_met_passes(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--require-all", "-e", OPEN_RULE, "--", fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	fl_assert_err_lacks(&r, "expectation not met");
	fl_assert_err_lacks(&r, "NOT MET");
}

static void expect_in_rule_file(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *rules = fl_mkfile("rules.yaml",
				"rules:\n"
				"  - name: once\n"
				"    syscall: " FL_OPEN_NAME "\n"
				"    error: EACCES\n"
				"    expect: {min: 1, max: 1}\n"
				"  - name: twice\n"
				"    syscall: " FL_UNLINK_NAME "\n"
				"    error: EPERM\n"
				"    expect: {min: 2}\n");
	char *report = fl_path("report.json");
	json_t *j, *rs;
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-r", rules, "--report", report, "--", fl_victim(), "open", file, "+",
	       "unlink", file);
	fl_assert_exit(&r, EXIT_UNMET);
	fl_assert_outcomes(&r, "open", "EACCES");
	fl_assert_outcomes(&r, "unlink", "EPERM");
	fl_assert_err_has(&r, fl_strf("expectation not met: rule \"twice\" (%s:6) acted 1 time on 1 "
				      "matching call; expected >=2", rules));

	j = fl_load_json(report);
	assert_false(json_is_true(json_object_get(j, "expectations_met")));
	rs = json_object_get(j, "rules");
	assert_int_equal(json_array_size(rs), 2);
	assert_true(json_is_true(json_object_get(json_array_get(rs, 0), "expect_met")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_array_get(rs, 0), "expect"), "max")), 1);
	assert_false(json_is_true(json_object_get(json_array_get(rs, 1), "expect_met")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_array_get(rs, 1), "expect"), "min")), 2);
	/* No max: not in the report. */
	assert_null(json_object_get(json_object_get(json_array_get(rs, 1), "expect"), "max"));
	json_decref(j);
}

static void expect_max_exceeded(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: " FL_OPEN_NAME ", error: EIO, expect: {max: 1}}", "--", fl_victim(),
	       "open", file, "3");
	fl_assert_exit(&r, EXIT_UNMET);
	fl_assert_outcomes(&r, "open", "EIO EIO EIO");
	fl_assert_err_has(&r, "acted 3 times on 3 matching calls; expected <=1");
}

/* A failing program keeps its status: the failure is the news. */
static void failed_command_status_wins(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--require-all", "-e", FL_NOOP_RULE, "--", "/bin/sh", "-c", "exit 3");
	fl_assert_exit(&r, 3);
	fl_assert_err_has(&r, "expectation not met: rule \"never\"");
	fl_assert_err_has(&r, "1 expectation not met; the program's own exit status 3 stands");
}

/* -q prints only errors, and an unmet expectation is one. */
static void quiet_still_reports_unmet(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-q", "--require-all", "-e", FL_NOOP_RULE, "--", "/bin/true");
	fl_assert_exit(&r, EXIT_UNMET);
	fl_assert_err_has(&r, "expectation not met: rule \"never\"");
	fl_assert_err_lacks(&r, "summary");
}

/* 'expect: {min: 0}' and 'expect: {max: 0}' opt a rule out of --require-all. */
static void require_all_opt_out(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--require-all", "-e", "{syscall: acct, error: EPERM, expect: {min: 0}}",
	       "-e", "{syscall: swapoff, error: EPERM, expect: {max: 0}}", "--", "/bin/true");
	fl_assert_exit(&r, 0);
	fl_assert_err_lacks(&r, "NOT MET");
}

/* A dry run counts what it would have done, and that is what is checked. */
static void dry_run_counts_for_expect(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--dry-run", "--require-all", "-e", OPEN_RULE, "--", fl_victim(), "open",
	       file);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ok");
}

/* ---- --summary-md ------------------------------------------------------- */

static void summary_md_table(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *md = fl_path("summary.md");
	char *text;
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-s", "5", "--require-all", "--summary-md", md, "-e", OPEN_RULE, "-e",
	       "{name: 'a|b *c*', syscall: [acct, swapoff], error: EPERM}", "--", fl_victim(),
	       "open", file);
	fl_assert_exit(&r, EXIT_UNMET);
	text = fl_read_file(md);
	assert_non_null(text);
	fl_assert_str(&r, "heading", fl_line_after(text, "### faultline: "),
		      fl_strf("`%s open %s`", fl_victim(), file));
	assert_non_null(strstr(text, "\n\nSeed 5 · exit status 0 · 2 rules from `-e #1`, `-e #2` · "
				     "**1 expectation not met: faultline exits 122**\n\n"));
	assert_true(fl_has_line(text, "| rule | syscalls | matched | injected | expected | met |"));
	assert_true(fl_has_line(text, "|---|---|---:|---:|---|---|"));
	assert_true(fl_has_line(text, "| open-fails | `" FL_OPEN_NAME "` | 1 | 1 | \\>=1 | yes |"));
	/* '|' and '*' in a name are escaped: the row keeps its six cells. */
	assert_true(fl_has_line(text, "| a\\|b \\*c\\* | `acct`, `swapoff` | 0 | 0 | \\>=1 | **no** |"));
}

/* Appends (as GitHub's $GITHUB_STEP_SUMMARY needs): earlier content stays. */
static void summary_md_appends(void **state)
{
	char *md = fl_mkfile("summary.md", "# Earlier step\n\n");
	char *text;
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--summary-md", md, "-e", FL_NOOP_RULE, "--", "/bin/true");
	fl_assert_exit(&r, 0);
	FL_RUN(&r, "run", "--summary-md", md, "-e", FL_NOOP_RULE, "--", "/bin/false");
	fl_assert_exit(&r, 1);
	text = fl_read_file(md);
	assert_non_null(text);
	assert_true(strncmp(text, "# Earlier step\n\n### faultline: `/bin/true`\n", 42) == 0);
	assert_int_equal(fl_count_lines(text, "### faultline: "), 2);
	assert_non_null(strstr(text, "### faultline: `/bin/false`"));
	assert_non_null(strstr(text, "exit status 1 · "));
	/* Without expectations the last columns say so. */
	assert_true(fl_has_line(text, "| never | `acct` | 0 | 0 | - | - |"));
}

static void summary_md_symlink_refused(void **state)
{
	char *target = fl_mkfile("target", "keep\n");
	char *link = fl_path("summary.md");
	struct fl_result r;

	(void)state;
	assert_int_equal(symlink(target, link), 0);
	FL_RUN(&r, "run", "--summary-md", link, "-e", FL_NOOP_RULE, "--", "/bin/true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "cannot open summary file");
	fl_assert_str(&r, "target", fl_read_file(target), "keep\n");
}

/* ---- check as a linter -------------------------------------------------- */

static const char lint_rules[] =
	"rules:\n"
	"  - name: clock\n"
	"    syscall: clock_gettime\n"
	"    error: EPERM\n"
	"  - syscall: read\n"
	"    error: EIO\n"
	"    times: 0\n";

static void check_warnings_text(void **state)
{
	char *rules = fl_mkfile("lint.yaml", lint_rules);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", rules);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, fl_strf("%s: ok (2 warnings)", rules));
	fl_assert_err_has(&r, fl_strf("%s:3:14: warning: key 'syscall': clock_gettime is served by "
				      "the vDSO on x86_64", rules));
	fl_assert_err_has(&r, fl_strf("%s:7:12: warning: key 'times': 0 means the rule never acts",
				      rules));
}

static void check_strict(void **state)
{
	char *rules = fl_mkfile("lint.yaml", lint_rules);
	char *clean = fl_mkfile("clean.yaml", "rules: [{syscall: openat, error: ENOENT}]\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", "--strict", clean, rules);
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, fl_strf("%s: ok", clean));
	fl_assert_out_has(&r, fl_strf("%s: 2 warnings, and --strict makes them fail", rules));
	FL_RUN(&r, "check", clean, "--strict");
	fl_assert_exit(&r, 0);
}

static void check_json(void **state)
{
	char *rules = fl_mkfile("lint.yaml", lint_rules);
	char *bad = fl_mkfile("bad.yaml", "rules:\n  - syscall: opn\n    error: EIO\n");
	char *out = fl_path("check.json");
	json_t *j, *d, *files;
	FILE *f;
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", "--format", "json", rules, bad, "missing.yaml");
	fl_assert_exit(&r, 1);
	/* Everything on stdout, as one JSON document; nothing on stderr. */
	fl_assert_str(&r, "stderr", r.err, "");
	f = fopen(out, "w");
	assert_non_null(f);
	fputs(r.out, f);
	fclose(f);
	j = fl_load_json(out);
	assert_false(json_is_true(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "errors")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "warnings")), 2);

	files = json_object_get(j, "files");
	assert_int_equal(json_array_size(files), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(files, 0), "file")), rules);
	assert_true(json_is_true(json_object_get(json_array_get(files, 0), "valid")));
	assert_false(json_is_true(json_object_get(json_array_get(files, 1), "valid")));

	d = json_object_get(j, "diagnostics");
	assert_int_equal(json_array_size(d), 4);
	/* In file order, each with file, line, column, severity and message. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "file")), rules);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(d, 0), "line")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(d, 0), "column")), 14);
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "severity")),
			    "warning");
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 2), "file")), bad);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(d, 2), "line")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(d, 2), "column")), 14);
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 2), "severity")),
			    "error");
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 2), "message")),
			    "key 'syscall': unknown syscall 'opn'; did you mean 'open'?");
	/* No position: null. */
	assert_true(json_is_null(json_object_get(json_array_get(d, 3), "line")));
	assert_true(json_is_null(json_object_get(json_array_get(d, 3), "column")));
	json_decref(j);

	FL_RUN(&r, "check", "--format", "yaml", rules);
	fl_assert_exit(&r, 125);
}

/* run shows the warnings too (not under -q), and runs all the same. */
static void run_shows_warnings(void **state)
{
	char *rules = fl_mkfile("lint.yaml", lint_rules);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-r", rules, "--", "/bin/true");
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, fl_strf("%s:3:14: warning: key 'syscall': clock_gettime", rules));
	FL_RUN(&r, "run", "-q", "-r", rules, "--", "/bin/true");
	fl_assert_exit(&r, 0);
	fl_assert_err_lacks(&r, "warning");
}

static void list_keys(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "list", "keys");
	fl_assert_exit(&r, 0);
	assert_non_null(fl_line_after(r.out, "rules[].expect.min\t"));
	assert_non_null(fl_line_after(r.out, "rules[].syscall\t"));
	assert_non_null(fl_line_after(r.out, "version\t"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(require_all_unmet_122),
		FL_TEST(require_all_met_passes),
		FL_TEST(expect_in_rule_file),
		FL_TEST(expect_max_exceeded),
		FL_TEST(failed_command_status_wins),
		FL_TEST(quiet_still_reports_unmet),
		FL_TEST(require_all_opt_out),
		FL_TEST(dry_run_counts_for_expect),
		FL_TEST(summary_md_table),
		FL_TEST(summary_md_appends),
		FL_TEST(summary_md_symlink_refused),
		FL_TEST(check_warnings_text),
		FL_TEST(check_strict),
		FL_TEST(check_json),
		FL_TEST(run_shows_warnings),
		FL_TEST(list_keys),
	};

	return fl_main(argc, argv, "ci", tests, FL_ARRAY_SIZE(tests), true);
}
