/*
 * The pure parts of faultline sweep: classification of a run, sanitizer
 * markers and stderr tails, shell quoting of reproducers, the -e text of a
 * swept rule, reading a run's JSON report, one run per distinct errno,
 * and the baseline policy.
 */
#include <errno.h>
#include <jansson.h>
#include <linux/audit.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "faultline/match.h"
#include "faultline/sys.h"
#include "faultline/report.h"
#include "faultline/rules.h"
#include "faultline/base.h"
#include "faultline/sweep.h"
#include "host_abi.h"
#include "parts.h"

/* ---- classification ------------------------------------------------------ */

static struct fl_sweep_observed ended(bool exited, int code_or_sig, uint64_t injected)
{
	struct fl_sweep_observed o = {
		.has_report = true,
		.injected = injected,
	};

	o.exit.exited = exited;
	if (exited)
		o.exit.code = code_or_sig;
	else
		o.exit.signal = code_or_sig;
	return o;
}

static void test_classify_exit_codes_are_handled(void **state)
{
	(void)state;
	for (int code = 0; code < 256; code += 17) {
		struct fl_sweep_observed o = ended(true, code, 1);

		assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HANDLED);
	}
	/* 139 is an exit code here, not SIGSEGV: the report tells them apart. */
	struct fl_sweep_observed o = ended(true, 139, 1);

	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HANDLED);
}

static void test_classify_crash_signals(void **state)
{
	static const int crash[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSYS, SIGTRAP };
	static const int other[] = { SIGTERM, SIGKILL, SIGPIPE, SIGINT, SIGHUP, SIGUSR1, SIGALRM };

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(crash); i++) {
		struct fl_sweep_observed o = ended(false, crash[i], 1);

		assert_true(fl_sweep_is_crash_signal(crash[i]));
		assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_CRASHED);
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(other); i++) {
		struct fl_sweep_observed o = ended(false, other[i], 1);

		assert_false(fl_sweep_is_crash_signal(other[i]));
		assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HANDLED);
	}
}

/*
 * sweep --crash: every run is SIGKILLed where it was told; faultline's own
 * status carries the --check verdict: 0 survived, 122 check failed, any
 * other its own failure. A run the crash never came to is not reached.
 */
static void test_classify_crash_sweep(void **state)
{
	struct fl_sweep_observed o = ended(false, SIGKILL, 1);

	(void)state;
	o.crash_sweep = true;
	o.wait_status = 0;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HANDLED);
	o.wait_status = 122 << 8;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_CHECK_FAILED);
	o.wait_status = 125 << 8;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_FAILED);
	o.wait_status = SIGKILL;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_FAILED);
	o.wait_status = 122 << 8;
	o.injected = 0;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_NOT_REACHED);
	o.injected = 1;
	o.timed_out = true;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HUNG);
	/* Outside a crash sweep, the same 122 is the program's business: handled. */
	o = ended(false, SIGKILL, 1);
	o.wait_status = 122 << 8;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HANDLED);
	assert_string_equal(fl_sweep_outcome_name(FL_SWEEP_CHECK_FAILED), "check failed");
	assert_string_equal(fl_sweep_outcome_key(FL_SWEEP_CHECK_FAILED), "check_failed");
}

static void test_classify_sanitizer_on_stderr(void **state)
{
	struct fl_sweep_observed o = ended(true, 1, 1);

	(void)state;
	o.sanitizer = "ERROR: AddressSanitizer";
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_CRASHED);
}

/*
 * A crash anywhere in the tree counts: the command exited 0, a grandchild
 * died of SIGSEGV. Only crash signals do (SIGQUIT dumps core but is a
 * user's ^\\), and the crash named is one outside the command's own process.
 */
static void test_classify_tree_crash(void **state)
{
	struct fl_sweep_crash segv_child = { .pid = 12, .tid = 13, .signal = SIGSEGV,
					     .exe = (char *)"/bin/helper" };
	struct fl_sweep_crash quit_child = { .pid = 14, .tid = 14, .signal = SIGQUIT };
	struct fl_sweep_crash abrt_main = { .pid = 10, .tid = 10, .signal = SIGABRT, .main = true };
	struct fl_sweep_crash crashes[3];
	struct fl_sweep_observed o;

	(void)state;
	o = ended(true, 0, 1);
	crashes[0] = segv_child;
	o.crashes = crashes;
	o.n_crashes = 1;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_CRASHED);
	assert_ptr_equal(fl_sweep_tree_crash(crashes, 1), &crashes[0]);

	/* A core-dumping signal that is no crash signal: handled. */
	crashes[0] = quit_child;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HANDLED);
	assert_null(fl_sweep_tree_crash(crashes, 1));

	/* The first crash outside the command's process is the one named. */
	crashes[0] = abrt_main;
	crashes[1] = quit_child;
	crashes[2] = segv_child;
	o = ended(false, SIGABRT, 1);
	o.crashes = crashes;
	o.n_crashes = 3;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_CRASHED);
	assert_ptr_equal(fl_sweep_tree_crash(crashes, 3), &crashes[2]);
	/* Only the command's own: that one. */
	assert_ptr_equal(fl_sweep_tree_crash(crashes, 2), &crashes[0]);
	assert_null(fl_sweep_tree_crash(NULL, 0));
	assert_null(fl_sweep_tree_crash(crashes, 0));

	/* A crash in a run whose call never came is still not this fault's. */
	o = ended(true, 0, 0);
	o.crashes = &segv_child;
	o.n_crashes = 1;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_NOT_REACHED);
	/* No report: nothing is known of the tree. */
	o.has_report = false;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_FAILED);
}

static void test_classify_precedence(void **state)
{
	struct fl_sweep_observed o;

	(void)state;
	/* Timed out wins over everything, report or not. */
	o = ended(false, SIGSEGV, 1);
	o.timed_out = true;
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HUNG);
	o = (struct fl_sweep_observed){ .timed_out = true, .wait_status = SIGKILL };
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_HUNG);

	/* No report: faultline failed, whatever its own wait status says. */
	o = (struct fl_sweep_observed){ .wait_status = 125 << 8 };
	assert_true(WIFEXITED(o.wait_status));
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_FAILED);
	o = (struct fl_sweep_observed){ .wait_status = SIGSEGV };
	assert_true(WIFSIGNALED(o.wait_status));
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_FAILED);

	/* The call never came: not this fault's doing, even a crash. */
	o = ended(false, SIGSEGV, 0);
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_NOT_REACHED);
	o = ended(true, 0, 0);
	o.sanitizer = ": runtime error: ";
	assert_int_equal(fl_sweep_classify(&o), FL_SWEEP_NOT_REACHED);
}

static void test_outcome_names(void **state)
{
	(void)state;
	assert_string_equal(fl_sweep_outcome_name(FL_SWEEP_NOT_REACHED), "not reached");
	assert_string_equal(fl_sweep_outcome_key(FL_SWEEP_NOT_REACHED), "not_reached");
	assert_string_equal(fl_sweep_outcome_name(FL_SWEEP_CRASHED), "crashed");
	assert_string_equal(fl_sweep_outcome_key(FL_SWEEP_HANDLED), "handled");
	assert_string_equal(fl_sweep_outcome_name(FL_SWEEP_N_OUTCOMES), "?");
}

/* ---- sanitizer markers and tails ----------------------------------------- */

static const char *find(const char *s)
{
	return fl_sweep_find_sanitizer(s, strlen(s));
}

static void test_sanitizer_markers(void **state)
{
	(void)state;
	assert_string_equal(find("==42==ERROR: AddressSanitizer: heap-use-after-free on address"),
			    "ERROR: AddressSanitizer");
	assert_string_equal(find("x\n==7==ERROR: LeakSanitizer: detected memory leaks\n"),
			    "ERROR: LeakSanitizer");
	assert_string_equal(find("src/a.c:12:5: runtime error: signed integer overflow"),
			    ": runtime error: ");
	assert_string_equal(find("==1==ERROR: MemorySanitizer: use-of-uninitialized-value"),
			    "ERROR: MemorySanitizer");
	/* The first one in the text wins. */
	assert_string_equal(find("a.c:1:1: runtime error: x\n==1==ERROR: AddressSanitizer: y"),
			    ": runtime error: ");
	assert_null(find(""));
	assert_null(find("fl-sweep-crash: c: Input/output error\n"));
	/* A sentence of the program's own, not UBSan's "FILE:L:C: runtime error: ". */
	assert_null(find("runtime error: could not start"));
	assert_null(find("AddressSanitizer"));
	assert_null(fl_sweep_find_sanitizer(NULL, 0));
	/* Length-bounded: a marker past @len is not seen. */
	assert_null(fl_sweep_find_sanitizer("ERROR: AddressSanitizer", 10));
	assert_int_equal(fl_sweep_sanitizer_marker_max(), strlen("ERROR: HWAddressSanitizer"));
}

static void assert_tail(const char *text, size_t n, const char *want)
{
	char *got = fl_sweep_tail_lines(text, text ? strlen(text) : 0, n);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_tail_lines(void **state)
{
	(void)state;
	assert_tail("a\nb\nc\nd\ne\nf\ng\n", 5, "c\nd\ne\nf\ng");
	assert_tail("a\nb\nc\nd\ne\nf\ng", 5, "c\nd\ne\nf\ng");
	assert_tail("a\nb\n", 5, "a\nb");
	assert_tail("only", 5, "only");
	assert_tail("one\n\n\n", 5, "one");
	assert_tail("\nx\n", 1, "x");
	assert_tail("a\n\nb\n", 2, "\nb");
	assert_tail("", 5, "");
	assert_tail(NULL, 5, "");
	assert_tail("a\nb\n", 0, "");
}

/* ---- shell quoting ---------------------------------------------------------- */

static void assert_quote(const char *arg, const char *want)
{
	char *got = fl_shell_quote(arg);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_shell_quote(void **state)
{
	(void)state;
	assert_quote("faultline", "faultline");
	assert_quote("/usr/bin/fl-victim", "/usr/bin/fl-victim");
	assert_quote("a=b,c:d@e%f+g.h_i-j", "a=b,c:d@e%f+g.h_i-j");
	assert_quote("", "''");
	assert_quote("two words", "'two words'");
	assert_quote("{syscall: openat, error: EIO, after: 16, times: 1}",
		     "'{syscall: openat, error: EIO, after: 16, times: 1}'");
	assert_quote("it's", "'it'\\''s'");
	assert_quote("'", "''\\'''");
	assert_quote("$HOME", "'$HOME'");
	assert_quote("`id`", "'`id`'");
	assert_quote("a\\b", "'a\\b'");
	assert_quote("*", "'*'");
	assert_quote("~user", "'~user'");
	assert_quote("#x", "'#x'");
	assert_quote("a\nb", "'a\nb'");
	assert_quote("caf\xc3\xa9", "'caf\xc3\xa9'");
}

static void test_shell_join(void **state)
{
	const char *argv[] = { "faultline", "run", "-e", "{syscall: open, error: EIO}", "--",
			       "prog", "it's", "", NULL };
	const char *assign[] = { "A=1", "x=2", NULL };
	char *s;

	(void)state;
	s = fl_shell_join(argv, SIZE_MAX);
	assert_non_null(s);
	assert_string_equal(s, "faultline run -e '{syscall: open, error: EIO}' -- prog "
			    "'it'\\''s' ''");
	free(s);
	s = fl_shell_join(argv, 2);
	assert_string_equal(s, "faultline run");
	free(s);
	s = fl_shell_join(argv, 0);
	assert_string_equal(s, "");
	free(s);
	/* As the first word "A=1" would be an assignment; later words are plain args. */
	s = fl_shell_join(assign, SIZE_MAX);
	assert_string_equal(s, "'A=1' x=2");
	free(s);
}

/*
 * What counts is what a shell makes of it: sh -c "printf '%s\0' QUOTED..."
 * must give back the very bytes.
 */
static void test_shell_quote_round_trip(void **state)
{
	static const char *const words[] = {
		"plain", "", " ", "two words", "it's", "''", "\"dq\"", "$HOME", "${x:-y}",
		"`id`", "$(id)", "a\\b", "\\", "*", "?", "[a]", "~", "#", "!", "&", ";", "|",
		"<", ">", "(", ")", "{a,b}", "a\nb", "\t", "caf\xc3\xa9", "\x01\x7f\xff", "--",
		"-e", "{syscall: openat, error: EIO, after: 16, times: 1}",
	};
	const char *argv[FL_ARRAY_SIZE(words) + 2];
	char *joined, out[4096];
	size_t len = 0, expect_len = 0;
	int pipefd[2], st;
	pid_t pid;

	(void)state;
	argv[0] = "printf";
	argv[1] = "%s\\0";
	for (size_t i = 0; i < FL_ARRAY_SIZE(words); i++)
		argv[i + 2] = words[i];
	/* argv[1] must be quoted too: join handles it. */
	joined = fl_shell_join(argv, FL_ARRAY_SIZE(argv));
	assert_non_null(joined);

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execl("/bin/sh", "sh", "-c", joined, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	for (ssize_t n; (n = read(pipefd[0], out + len, sizeof(out) - len)) > 0;)
		len += (size_t)n;
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	for (size_t i = 0, o = 0; i < FL_ARRAY_SIZE(words); i++) {
		size_t wl = strlen(words[i]);

		assert_true(o + wl + 1 <= len);
		assert_memory_equal(out + o, words[i], wl);
		assert_int_equal(out[o + wl], '\0');
		o += wl + 1;
		expect_len = o;
	}
	assert_int_equal(len, expect_len);
	free(joined);
}

/* ---- rule text ----------------------------------------------------------------- */

/* @text as the only source of a finished set. */
static struct fl_rule_set *load(const char *text, bool is_inline)
{
	struct fl_diags diags = { 0 };
	struct fl_rule_set *set = fl_rule_set_new();
	int r;

	assert_non_null(set);
	if (is_inline)
		r = fl_rules_load_inline(set, "-e #1", text, &diags);
	else
		r = fl_rules_load_string(set, "rules.yaml", text, strlen(text), &diags);
	if (r == 0)
		r = fl_rules_finish(set, &diags);
	if (r < 0)
		fl_diags_print(&diags, stderr);
	assert_int_equal(r, 0);
	fl_diags_done(&diags);
	return set;
}

static char *rule_text(const char *text, const struct fl_rule *rule,
		       const struct fl_sweep_rule_edit *edit)
{
	const char *key = "unset";
	char *out = NULL;
	int r = fl_sweep_rule_text(text, strlen(text), rule->line, rule->column, edit, &out, &key);

	assert_int_equal(r, 0);
	assert_null(key);
	assert_non_null(out);
	return out;
}

static void test_rule_text_inline(void **state)
{
	const char *text = "{syscall: openat, error: EIO}";
	struct fl_rule_set *set = load(text, true);
	struct fl_sweep_rule_edit edit = { .set_counters = true, .after = 16 };
	char *s;

	(void)state;
	s = rule_text(text, &set->rules[0], NULL);
	assert_string_equal(s, "{syscall: openat, error: EIO}");
	free(s);
	s = rule_text(text, &set->rules[0], &edit);
	assert_string_equal(s, "{syscall: openat, error: EIO, after: 16, times: 1}");
	free(s);
	fl_rule_set_free(set);
}

static void test_rule_text_block_file(void **state)
{
	/* Block style, comments, a list, a quoted name that needs its quotes. */
	const char *text =
		"version: 1\n"
		"seed: 7\n"
		"rules:\n"
		"  - name: first\n"
		"    syscall: read\n"
		"    error: EIO\n"
		"  # the one swept below\n"
		"  - name: \"config: it's missing\"\n"
		"    syscall: [open, openat]\n"
		"    error:\n"
		"      - ENOENT\n"
		"      - EACCES\n"
		"    phase: exit\n"
		"    delay: 250ms\n"
		"  - {syscall: write, retval: 0}\n";
	struct fl_rule_set *set = load(text, false);
	struct fl_sweep_rule_edit edit = {
		.set_error = true, .error = EACCES, .set_counters = true, .after = 0 };
	char *s;

	(void)state;
	assert_int_equal(set->n_rules, 3);
	s = rule_text(text, &set->rules[0], NULL);
	assert_string_equal(s, "{name: first, syscall: read, error: EIO}");
	free(s);
	s = rule_text(text, &set->rules[1], NULL);
	assert_string_equal(s, "{name: \"config: it's missing\", syscall: [open, openat], "
			    "error: [ENOENT, EACCES], phase: exit, delay: 250ms}");
	free(s);
	s = rule_text(text, &set->rules[1], &edit);
	assert_string_equal(s, "{name: \"config: it's missing\", syscall: [open, openat], "
			    "error: EACCES, phase: exit, delay: 250ms, after: 0, times: 1}");
	free(s);
	s = rule_text(text, &set->rules[2], NULL);
	assert_string_equal(s, "{syscall: write, retval: 0}");
	free(s);
	fl_rule_set_free(set);
}

/* What makes a plain scalar in block context need quotes in a flow mapping. */
static void test_rule_text_quotes_when_needed(void **state)
{
	const char *text = "rules:\n"
			   "  - name: a, b [c] {d}\n"
			   "    syscall: open\n"
			   "    error: 5\n";
	struct fl_rule_set *set = load(text, false);
	struct fl_sweep_rule_edit edit = { .set_error = true, .error = EIO };
	char *s;

	(void)state;
	s = rule_text(text, &set->rules[0], NULL);
	assert_string_equal(s, "{name: 'a, b [c] {d}', syscall: open, error: 5}");
	free(s);
	/* The errno a run injects goes by its name. */
	s = rule_text(text, &set->rules[0], &edit);
	assert_string_equal(s, "{name: 'a, b [c] {d}', syscall: open, error: EIO}");
	free(s);
	fl_rule_set_free(set);
}

/* The text of a rule, loaded back, is the same rule: for every key the loader knows. */
static void test_rule_text_round_trip(void **state)
{
	static const char *const rules[] = {
		"{syscall: openat, error: EIO}",
		"{name: \"n\\u00e9 \\\"q\\\"\", syscall: [read, write], error: [EIO, ENOSPC, EIO]}",
		"{syscall: write, retval: -9223372036854775808, phase: exit}",
		"{syscall: [connect], delay: 1500us}",
		"{syscall: read, error: 4095, delay: 2s}",
		"syscall: unlink\nerror: EPERM\nname: block inline\n",
	};

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(rules); i++) {
		struct fl_rule_set *a = load(rules[i], true), *b;
		struct fl_sweep_rule_edit edit = { .set_counters = true, .after = 41 };
		const struct fl_rule *ra = &a->rules[0], *rb;
		char *s = rule_text(rules[i], ra, &edit);

		b = load(s, true);
		rb = &b->rules[0];
		assert_string_equal(ra->name, rb->name);
		assert_int_equal(ra->n_syscalls, rb->n_syscalls);
		for (size_t k = 0; k < ra->n_syscalls; k++)
			assert_string_equal(ra->syscalls[k], rb->syscalls[k]);
		assert_int_equal(ra->n_errors, rb->n_errors);
		for (size_t k = 0; k < ra->n_errors; k++)
			assert_int_equal(ra->errors[k], rb->errors[k]);
		assert_int_equal(ra->has_retval, rb->has_retval);
		assert_int_equal(ra->retval, rb->retval);
		assert_int_equal(ra->delay_ns, rb->delay_ns);
		assert_int_equal(ra->phase, rb->phase);
		assert_int_equal(rb->after, 41);
		assert_int_equal(rb->times, 1);
		assert_int_equal(rb->every, 1);
		assert_true(rb->probability == 1.0);
		free(s);
		fl_rule_set_free(a);
		fl_rule_set_free(b);
	}
}

static void test_rule_text_sweep_keys_refused(void **state)
{
	static const struct {
		const char *rule;
		const char *key;
	} cases[] = {
		{ "{syscall: open, error: EIO, after: 2}", "after" },
		{ "{syscall: open, error: EIO, after: 0}", "after" },
		{ "{syscall: open, error: EIO, times: 1}", "times" },
		{ "{syscall: open, error: EIO, every: 3}", "every" },
		{ "{probability: 0.5, syscall: open, error: EIO}", "probability" },
		{ "{syscall: open, error: EIO, per: process}", "per" },
	};

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(cases); i++) {
		struct fl_rule_set *set = load(cases[i].rule, true);
		const char *key = NULL;
		char *out = NULL;

		assert_int_equal(fl_sweep_rule_text(cases[i].rule, strlen(cases[i].rule),
						    set->rules[0].line, set->rules[0].column, NULL,
						    &out, &key),
				 -EINVAL);
		assert_null(out);
		assert_non_null(key);
		assert_string_equal(key, cases[i].key);
		fl_rule_set_free(set);
	}
}

static void test_rule_text_errors(void **state)
{
	const char *text = "{syscall: open, error: EIO}";
	const char *key = NULL;
	char *out = NULL;

	(void)state;
	/* No mapping starts there. */
	assert_int_equal(fl_sweep_rule_text(text, strlen(text), 1, 2, NULL, &out, &key), -ENOENT);
	assert_int_equal(fl_sweep_rule_text(text, strlen(text), 3, 1, NULL, &out, &key), -ENOENT);
	assert_int_equal(fl_sweep_rule_text("{a: [", 5, 1, 1, NULL, &out, &key), -EBADMSG);
	assert_null(out);
}

/* ---- run reports ------------------------------------------------------------------ */

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fl-unit-sweep-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * The sweep reads what src/report/json.c writes: write a report with it and
 * read it back, so the two cannot drift apart unnoticed.
 */
#ifdef SYS_open
#define OPEN_NAME "open"
#else
#define OPEN_NAME "openat" /* aarch64 has no open */
#endif

static void test_report_from_writer(void **state)
{
	static char *sys0[] = { (char *)OPEN_NAME };
	struct fl_rule rules[] = {
		{ .name = (char *)"r1", .syscalls = sys0, .n_syscalls = 1 },
	};
	struct fl_rule_set set = { .rules = rules, .n_rules = 1 };
	struct fl_rule_stats stats[1] = { { .matched = 5, .injected = 2 } };
	struct fl_call call = {
		/* The host's open call, on its native ABI. */
		.arch = native_abi(), .nr = fl_syscall_nr(native_abi(), OPEN_NAME),
		.args = { 0x1000, 0, 0, 0, 0, 7 },
		.pid = 10, .tid = 11,
	};
	struct fl_decision d = { .error = EIO };
	char *argv[] = { (char *)"prog", NULL };
	struct fl_sweep_report rep;
	char path[128], *msg = NULL;
	struct fl_report *r;
	int err = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/run.json", tmpdir);
	r = fl_report_open(path, &err);
	assert_non_null(r);
	for (int i = 0; i < 2; i++) {
		struct fl_injection inj = {
			.seq = (uint64_t)i + 1, .pid = 10, .tid = 11, .call = &call, .syscall = OPEN_NAME,
			.path = i ? "/tmp/b\xff" : "/etc/a", .rule = &rules[0], .decision = &d,
		};

		assert_int_equal(fl_report_add(r, &inj), 0);
	}
	/* The command's own death, then a child's with an executable that is no UTF-8. */
	struct fl_crash main_crash = { .pid = 10, .tid = 11, .signal = SIGSEGV, .exe = "/bin/prog",
				       .main = true };
	struct fl_crash child_crash = { .pid = 20, .tid = 21, .signal = SIGABRT,
					.exe = "/bin/x\xff" };
	struct fl_crash unknown_crash = { .pid = 30, .tid = 30, .signal = SIGXCPU };
	assert_int_equal(fl_report_add_crash(r, &child_crash), 0);
	assert_int_equal(fl_report_add_crash(r, &unknown_crash), 0);
	assert_int_equal(fl_report_add_crash(r, &main_crash), 0);
	struct fl_run_result res = {
		.set = &set, .stats = stats, .command = argv, .exited = false,
		.term_signal = SIGSEGV,
	};
	assert_int_equal(fl_report_close(r, &res), 0);

	assert_int_equal(fl_sweep_report_load(path, &rep, &msg), 0);
	assert_null(msg);
	assert_false(rep.exit.exited);
	assert_int_equal(rep.exit.signal, SIGSEGV);
	assert_int_equal(rep.injected, 2);
	assert_int_equal(rep.n_calls, 2);
	assert_true(call.nr >= 0);
	assert_string_equal(rep.calls[0].syscall, OPEN_NAME);
	assert_string_equal(rep.calls[0].arch, native_name());
	assert_string_equal(rep.calls[0].rule, "r1");
	assert_string_equal(rep.calls[0].path, "/etc/a");
	assert_string_equal(rep.calls[1].path, "/tmp/b\xef\xbf\xbd");
	assert_int_equal(rep.calls[0].args[0], 0x1000);
	assert_int_equal(rep.calls[0].args[5], 7);
	assert_int_equal(rep.calls[0].error, EIO);
	assert_int_equal(rep.n_crashes, 3);
	assert_int_equal(rep.crashes[0].pid, 20);
	assert_int_equal(rep.crashes[0].tid, 21);
	assert_int_equal(rep.crashes[0].signal, SIGABRT);
	assert_string_equal(rep.crashes[0].exe, "/bin/x\xef\xbf\xbd");
	assert_false(rep.crashes[0].main);
	assert_int_equal(rep.crashes[1].signal, SIGXCPU);
	assert_null(rep.crashes[1].exe);
	assert_int_equal(rep.crashes[2].pid, 10);
	assert_true(rep.crashes[2].main);
	assert_ptr_equal(fl_sweep_tree_crash(rep.crashes, rep.n_crashes), &rep.crashes[0]);
	fl_sweep_report_done(&rep);

	/* No crash: an empty array, always there. */
	r = fl_report_open(path, &err);
	assert_non_null(r);
	res.exited = true;
	assert_int_equal(fl_report_close(r, &res), 0);
	assert_int_equal(fl_sweep_report_load(path, &rep, &msg), 0);
	assert_int_equal(rep.n_crashes, 0);
	fl_sweep_report_done(&rep);

	assert_int_equal(fl_sweep_report_load("/nonexistent/x.json", &rep, &msg), -ENOENT);
}

static void assert_parse(const char *json, int want, struct fl_sweep_report *rep)
{
	char *msg = NULL;
	int r = fl_sweep_report_parse(json, strlen(json), rep, &msg);

	assert_int_equal(r, want);
	if (want < 0)
		assert_non_null(msg);
	free(msg);
}

static void test_report_parse(void **state)
{
	struct fl_sweep_report rep;

	(void)state;
	assert_parse("{\"injections\":[],\"exit\":{\"code\":3},"
		     "\"rules\":[{\"name\":\"a\",\"injected\":0},{\"name\":\"b\",\"injected\":4}]}",
		     0, &rep);
	assert_true(rep.exit.exited);
	assert_int_equal(rep.exit.code, 3);
	assert_int_equal(rep.injected, 4);
	assert_int_equal(rep.n_calls, 0);
	fl_sweep_report_done(&rep);

	/* A signal without a name is a number. */
	assert_parse("{\"injections\":[{\"syscall\":\"read\",\"arch\":\"i386\",\"rule\":\"x\","
		     "\"args\":[1,2,3,4,5,6],\"action\":{\"error\":5}}],\"exit\":{\"signal\":40},"
		     "\"rules\":[{\"injected\":1}]}", 0, &rep);
	assert_false(rep.exit.exited);
	assert_int_equal(rep.exit.signal, 40);
	assert_null(rep.calls[0].path);
	assert_int_equal(rep.calls[0].error, 5);
	assert_int_equal(rep.calls[0].args[5], 6);
	assert_int_equal(rep.calls[0].n_stack, 0);
	fl_sweep_report_done(&rep);

	/* run --stack: the frames, in order; one that is no string is skipped. */
	assert_parse("{\"injections\":[{\"syscall\":\"open\",\"arch\":\"x86_64\",\"rule\":\"x\","
		     "\"args\":[],\"action\":{},\"stack\":[\"syscall+0x19 (/lib/libc.so.6)\",7,"
		     "\"load+0x8 (/bin/app)\"]}],\"exit\":{\"code\":0},\"rules\":[{\"injected\":0}]}",
		     0, &rep);
	assert_int_equal(rep.calls[0].n_stack, 2);
	assert_string_equal(rep.calls[0].stack[0], "syscall+0x19 (/lib/libc.so.6)");
	assert_string_equal(rep.calls[0].stack[1], "load+0x8 (/bin/app)");
	fl_sweep_report_done(&rep);

	/* Crashes: a signal by name or number; a report without them has none. */
	assert_parse("{\"injections\":[],\"exit\":{\"code\":0},\"rules\":[{\"injected\":1}],"
		     "\"crashes\":[{\"pid\":7,\"tid\":8,\"exe\":\"/bin/a\",\"signal\":\"SIGSEGV\","
		     "\"main\":false},{\"pid\":9,\"exe\":null,\"signal\":40,\"main\":true}]}",
		     0, &rep);
	assert_int_equal(rep.n_crashes, 2);
	assert_int_equal(rep.crashes[0].pid, 7);
	assert_int_equal(rep.crashes[0].tid, 8);
	assert_string_equal(rep.crashes[0].exe, "/bin/a");
	assert_int_equal(rep.crashes[0].signal, SIGSEGV);
	assert_int_equal(rep.crashes[1].tid, 9);
	assert_null(rep.crashes[1].exe);
	assert_int_equal(rep.crashes[1].signal, 40);
	assert_true(rep.crashes[1].main);
	fl_sweep_report_done(&rep);
	assert_parse("{\"injections\":[],\"exit\":{\"code\":0},\"rules\":[]}", 0, &rep);
	assert_int_equal(rep.n_crashes, 0);
	fl_sweep_report_done(&rep);
	assert_parse("{\"injections\":[],\"exit\":{\"code\":0},\"rules\":[],\"crashes\":{}}",
		     -EBADMSG, &rep);
	assert_parse("{\"injections\":[],\"exit\":{\"code\":0},\"rules\":[],"
		     "\"crashes\":[{\"signal\":\"SIGSEGV\"}]}", -EBADMSG, &rep);
	assert_parse("{\"injections\":[],\"exit\":{\"code\":0},\"rules\":[],"
		     "\"crashes\":[{\"pid\":1,\"signal\":\"SIGNOPE\"}]}", -EBADMSG, &rep);

	assert_parse("", -EBADMSG, &rep);
	assert_parse("{\"injections\":[]", -EBADMSG, &rep);
	assert_parse("{\"injections\":[],\"rules\":[]}", -EBADMSG, &rep);
	assert_parse("{\"injections\":[],\"exit\":{\"signal\":\"SIGNOPE\"},\"rules\":[]}",
		     -EBADMSG, &rep);
	assert_parse("{\"injections\":[{}],\"exit\":{\"code\":0},\"rules\":[]}", -EBADMSG, &rep);
	assert_parse("{\"injections\":[],\"exit\":{\"code\":0},\"rules\":[{}]}", -EBADMSG, &rep);
	assert_int_equal(rep.n_calls, 0);
	assert_null(rep.calls);
}

/* ---- errnos per rule --------------------------------------------------------------- */

static void test_rule_errors_distinct(void **state)
{
	int errs[] = { EIO, EIO, ENOSPC, EIO, EACCES, ENOSPC };
	struct fl_rule rule = { .errors = errs, .n_errors = FL_ARRAY_SIZE(errs) };
	struct fl_rule none = { 0 };
	int out[8];

	(void)state;
	assert_int_equal(fl_sweep_rule_errors(&rule, out, 8), 3);
	assert_int_equal(out[0], EIO);
	assert_int_equal(out[1], ENOSPC);
	assert_int_equal(out[2], EACCES);
	/* Counts all, writes what fits. */
	out[1] = 0;
	assert_int_equal(fl_sweep_rule_errors(&rule, out, 1), 3);
	assert_int_equal(out[1], 0);
	assert_int_equal(fl_sweep_rule_errors(&none, out, 8), 0);
}

/* ---- atomic write --------------------------------------------------------------------- */

static void test_write_atomic(void **state)
{
	char path[128], buf[160];
	FILE *f;
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/out.json", tmpdir);
	assert_int_equal(fl_atomic_write(path, "{\"a\":1}\n", 8), 0);
	assert_int_equal(fl_atomic_write(path, "{}\n", 3), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "{}\n", 3);
	/* Nothing left beside it. */
	snprintf(buf, sizeof(buf), "ls -A '%s' | grep -vx out.json", tmpdir);
	assert_int_not_equal(system(buf), 0);

	assert_int_equal(fl_atomic_write("/nonexistent-dir/x.json", "x", 1), -ENOENT);
	assert_int_equal(fl_atomic_write("dir/", "x", 1), -EISDIR);
}

/* ---- baseline policy ------------------------------------------------------ */

/* A baseline pass that went well: exit 0 with a report, @n_calls calls. */
static struct fl_sweep_pass good_pass(struct fl_sweep_call *calls, size_t n_calls)
{
	return (struct fl_sweep_pass){
		.has_report = true,
		.rep = { .exit = { .exited = true, .code = 0 }, .calls = calls, .n_calls = n_calls },
	};
}

static void test_baseline_same_calls(void **state)
{
	struct fl_sweep_call a[] = { { .syscall = "openat", .path = "/tmp/x.1" },
				     { .syscall = "read" } };
	struct fl_sweep_call b[] = { { .syscall = "openat", .path = "/tmp/x.2" },
				     { .syscall = "read" } };
	struct fl_sweep_call c[] = { { .syscall = "read" }, { .syscall = "openat" } };
	struct fl_sweep_report ra = { .calls = a, .n_calls = 2 }, rb = { .calls = b, .n_calls = 2 },
			       rc = { .calls = c, .n_calls = 2 }, r1 = { .calls = a, .n_calls = 1 };

	/* Paths may differ (a pid, a temp name); the calls and their order may not. */
	assert_true(fl_sweep_same_calls(&ra, &rb));
	assert_false(fl_sweep_same_calls(&ra, &rc));
	assert_false(fl_sweep_same_calls(&ra, &r1));
	assert_true(fl_sweep_same_calls(&r1, &r1));
}

static void test_baseline_crashed(void **state)
{
	struct fl_sweep_crash child = { .pid = 12, .signal = SIGSEGV, .main = false };
	struct fl_sweep_crash term = { .pid = 12, .signal = SIGTERM, .main = false };
	struct fl_sweep_pass p = good_pass(NULL, 0);

	assert_false(fl_sweep_pass_crashed(&p));
	p.rep.exit = (struct fl_sweep_exit){ .exited = false, .signal = SIGABRT };
	assert_true(fl_sweep_pass_crashed(&p));
	/* Killed, but not by a crash: the command is fit for a sweep. */
	p.rep.exit = (struct fl_sweep_exit){ .exited = false, .signal = SIGTERM };
	assert_false(fl_sweep_pass_crashed(&p));
	p.rep.exit = (struct fl_sweep_exit){ .exited = true, .code = 1 };
	assert_false(fl_sweep_pass_crashed(&p));
	p.sanitizer = "ERROR: AddressSanitizer";
	assert_true(fl_sweep_pass_crashed(&p));
	p.sanitizer = NULL;
	/* A crash anywhere in the tree counts, a child's SIGTERM does not. */
	p.rep.crashes = &term;
	p.rep.n_crashes = 1;
	assert_false(fl_sweep_pass_crashed(&p));
	p.rep.crashes = &child;
	assert_true(fl_sweep_pass_crashed(&p));
}

static void test_baseline_judge(void **state)
{
	struct fl_sweep_call calls[] = { { .syscall = "openat" } };
	struct fl_sweep_pass passes[4];
	bool stable[2] = { true, true };
	struct fl_sweep_baseline b = { .passes = passes, .n_passes = 4, .stable = stable };
	struct fl_sweep_baseline_verdict v;

	for (size_t i = 0; i < 4; i++)
		passes[i] = good_pass(calls, 1);
	v = fl_sweep_baseline_judge(&b, true);
	assert_int_equal(v.problem, FL_SWEEP_BASELINE_OK);
	assert_null(v.pass);
	assert_false(v.exit_varied);
	assert_int_equal(v.n_unstable, 0);

	assert_int_equal(fl_sweep_baseline_judge(&b, false).problem, FL_SWEEP_BASELINE_OK);

	/* Not deterministic: only swept when allowed, with the facts for a warning. */
	stable[1] = false;
	v = fl_sweep_baseline_judge(&b, false);
	assert_int_equal(v.problem, FL_SWEEP_BASELINE_UNSTABLE);
	assert_int_equal(v.n_unstable, 1);
	assert_false(v.program_failed);
	passes[3].rep.exit.code = 3;
	v = fl_sweep_baseline_judge(&b, true);
	assert_int_equal(v.problem, FL_SWEEP_BASELINE_OK);
	assert_true(v.exit_varied);
	assert_true(v.program_failed);
	assert_ptr_equal(v.pass, &passes[3]);
	assert_int_equal(v.n_unstable, 1);
	/* A command that fails on its own (git init's 128) is named first. */
	v = fl_sweep_baseline_judge(&b, false);
	assert_int_equal(v.problem, FL_SWEEP_BASELINE_PROGRAM_FAILED);
	assert_ptr_equal(v.pass, &passes[3]);
	stable[1] = true;
	passes[3].rep.exit.code = 0;
	passes[0].rep.exit = (struct fl_sweep_exit){ .exited = false, .signal = SIGTERM };
	v = fl_sweep_baseline_judge(&b, false);
	assert_int_equal(v.problem, FL_SWEEP_BASELINE_PROGRAM_FAILED);
	assert_ptr_equal(v.pass, &passes[0]);
	passes[0].rep.exit = (struct fl_sweep_exit){ .exited = true };
	stable[1] = false;
	passes[3].rep.exit.code = 3;

	/* The first pass with a problem is the one named. */
	passes[2].rep.exit = (struct fl_sweep_exit){ .exited = false, .signal = SIGSEGV };
	passes[1].has_report = false;
	v = fl_sweep_baseline_judge(&b, true);
	assert_int_equal(v.problem, FL_SWEEP_BASELINE_FAILED);
	assert_ptr_equal(v.pass, &passes[1]);
	assert_false(v.exit_varied);

	passes[1].has_report = true;
	v = fl_sweep_baseline_judge(&b, true);
	assert_int_equal(v.problem, FL_SWEEP_BASELINE_CRASHED);
	assert_ptr_equal(v.pass, &passes[2]);

	/* A timeout wins over what the same pass's report says. */
	passes[2].job.timed_out = true;
	passes[2].has_report = false;
	v = fl_sweep_baseline_judge(&b, true);
	assert_int_equal(v.problem, FL_SWEEP_BASELINE_TIMED_OUT);
	assert_ptr_equal(v.pass, &passes[2]);
}

/* ---- planning ----------------------------------------------------------- */

/* A baseline pass that saw @n calls of @syscall, as fl_sweep_report_load() would fill it. */
static void fake_pass(struct fl_sweep_pass *p, const char *syscall, size_t n)
{
	*p = (struct fl_sweep_pass){ .has_report = true };
	p->rep.calls = calloc(n + 1, sizeof(*p->rep.calls));
	assert_non_null(p->rep.calls);
	for (size_t i = 0; i < n; i++) {
		p->rep.calls[i].syscall = strdup(syscall);
		assert_non_null(p->rep.calls[i].syscall);
	}
	p->rep.n_calls = n;
}

/*
 * Rule by rule, call by call, a run per distinct errno; each run's -e rule
 * acts on its call only, and --max-runs cuts the list.
 */
static void test_plan(void **state)
{
	static const char yaml[] = "rules:\n"
				   "  - {name: rd, syscall: read, error: [EIO, EINTR, EIO]}\n"
				   "  - {name: wr, syscall: write, delay: 1ms}\n";
	static char *const command[] = { "prog", "arg", NULL };
	const struct fl_sweep_config cfg = {
		.argv0 = "faultline", .exe = "/proc/self/exe", .command = command, .jobs = 1,
		.timeout_ns = 1000000000ull,
	};
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	const char *bad_key = NULL;
	size_t bad_rule = 0;

	assert_int_equal(fl_rules_load_string(set, "plan.yaml", yaml, strlen(yaml), &d), 0);
	assert_int_equal(fl_rules_finish(set, &d), 0);
	for (uint64_t max = 0; max <= 3; max += 3) {
		struct fl_sweep sw;
		struct fl_sweep_config c = cfg;

		c.max_runs = max;
		assert_int_equal(fl_sweep_init(&sw, &c, set, &bad_rule, &bad_key), 0);
		sw.base.n_passes = 4;
		sw.base.passes = calloc(4, sizeof(*sw.base.passes));
		sw.base.stable = calloc(2, sizeof(*sw.base.stable));
		assert_non_null(sw.base.passes);
		assert_non_null(sw.base.stable);
		fake_pass(&sw.base.passes[0], "read", 2);
		fake_pass(&sw.base.passes[1], "read", 2);
		fake_pass(&sw.base.passes[2], "write", 1);
		fake_pass(&sw.base.passes[3], "write", 1);

		assert_int_equal(fl_sweep_plan(&sw), 0);
		/* Calls are numbered across rules, rule 1's first. */
		assert_int_equal(sw.n_targets, 3);
		assert_int_equal(sw.targets[0].rule, 0);
		assert_int_equal(sw.targets[1].nth, 2);
		assert_int_equal(sw.targets[2].rule, 1);
		assert_int_equal(sw.targets[2].nth, 1);
		assert_ptr_equal(sw.targets[2].call, &sw.base.passes[2].rep.calls[0]);
		/* EIO and EINTR for each read, one run for the write: 5 wanted. */
		assert_int_equal(sw.n_wanted, 5);
		assert_int_equal(sw.n_runs, max ? 3 : 5);
		assert_int_equal(sw.runs[0].target, 0);
		assert_int_equal(sw.runs[0].error, EIO);
		assert_int_equal(sw.runs[1].error, EINTR);
		assert_int_equal(sw.runs[2].target, 1);
		assert_string_equal(sw.runs[2].rule_text,
				    "{name: rd, syscall: read, error: EIO, after: 1, times: 1}");
		if (!max) {
			assert_int_equal(sw.runs[4].target, 2);
			assert_int_equal(sw.runs[4].error, 0);
			assert_string_equal(sw.runs[4].rule_text,
					    "{name: wr, syscall: write, delay: 1ms, after: 0, times: 1}");
			assert_string_equal(sw.runs[4].reproducer,
					    "faultline run -e '{name: wr, syscall: write, delay: 1ms, "
					    "after: 0, times: 1}' -- prog arg");
		}
		fl_sweep_done(&sw);
	}
	fl_rule_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_exit_codes_are_handled),
		cmocka_unit_test(test_classify_crash_signals),
		cmocka_unit_test(test_classify_crash_sweep),
		cmocka_unit_test(test_classify_sanitizer_on_stderr),
		cmocka_unit_test(test_classify_tree_crash),
		cmocka_unit_test(test_classify_precedence),
		cmocka_unit_test(test_outcome_names),
		cmocka_unit_test(test_sanitizer_markers),
		cmocka_unit_test(test_tail_lines),
		cmocka_unit_test(test_shell_quote),
		cmocka_unit_test(test_shell_join),
		cmocka_unit_test(test_shell_quote_round_trip),
		cmocka_unit_test(test_rule_text_inline),
		cmocka_unit_test(test_rule_text_block_file),
		cmocka_unit_test(test_rule_text_quotes_when_needed),
		cmocka_unit_test(test_rule_text_round_trip),
		cmocka_unit_test(test_rule_text_sweep_keys_refused),
		cmocka_unit_test(test_rule_text_errors),
		cmocka_unit_test_setup_teardown(test_report_from_writer, setup_dir, teardown_dir),
		cmocka_unit_test(test_report_parse),
		cmocka_unit_test(test_rule_errors_distinct),
		cmocka_unit_test_setup_teardown(test_write_atomic, setup_dir, teardown_dir),
		cmocka_unit_test(test_baseline_same_calls),
		cmocka_unit_test(test_baseline_crashed),
		cmocka_unit_test(test_baseline_judge),
		cmocka_unit_test(test_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
