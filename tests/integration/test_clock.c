/*
 * Time faults (issue 13): clock: rules on real programs and on
 * tests/helpers/fl-clock. Every shifted reading is checked against the
 * test's own readings taken right before and right after the run, so the
 * tolerance is the run's length, whatever the machine's speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *clock_helper(void)
{
	const char *p = getenv("FL_CLOCK");

	assert_non_null(p);
	return p;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An executable named @name on PATH, or skip. */
static void need(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;

	copy = fl_strf("%s", path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (access(fl_strf("%s/%s", dir, name), X_OK) == 0)
			return;
	fl_skip(fl_strf("%s is not installed", name));
}

/* The number after "@key " on a line of @text; fails the test when missing. */
static double value_of(const struct fl_result *r, const char *text, const char *key)
{
	char *v = fl_line_after(text, fl_strf("%s ", key));

	if (!v) {
		fl_dump(r);
		fail_msg("no line \"%s ...\" in the output", key);
	}
	return atof(v);
}

/*
 * @got lies within [before, after] moved by @shift (seconds); @slack for a
 * reading truncated to whole seconds (time(2)) or printed to microseconds.
 */
static void assert_shifted(const struct fl_result *r, const char *what, double got, double before,
			   double after, double shift, double slack)
{
	if (got >= before + shift - slack && got <= after + shift + slack)
		return;
	fl_dump(r);
	fail_msg("%s read %.6f: not in [%.6f, %.6f], the run's native span moved by %+.0fs",
		 what, got, before + shift, after + shift, shift);
}

/* Run @argv under @rule; *@before and *@after are native readings around it. */
static void run_timed(struct fl_result *r, const char *rule, const char *const *argv,
		      double *before, double *after)
{
	const char *args[24] = { "run", "-q", "--report", fl_path("report.json"), "-e", rule, "--" };
	size_t n = 7;

	for (size_t i = 0; argv[i] && n + 1 < FL_ARRAY_SIZE(args); i++)
		args[n++] = argv[i];
	args[n] = NULL;
	*before = now_s();
	fl_run_argv(r, args);
	*after = now_s();
}

static const char *auxv_line(const char *rule)
{
	struct fl_result r;

	FL_RUN(&r, "run", "-q", "-e", rule, "--", clock_helper(), "auxv");
	fl_assert_exit(&r, 0);
	return fl_line_after(r.out, "AT_SYSINFO_EHDR ");
}

/* Under a clock: rule the program finds no vDSO; under any other rule, or another process's, it does. */
static void vdso_gone_only_under_clock_rule(void **state)
{
	const char *with = auxv_line("{clock: {offset: +3h}}");
	const char *without = auxv_line(FL_NOOP_RULE);
	const char *elsewhere = auxv_line("{clock: {offset: +3h}, process: not-this-program}");
	const char *named = auxv_line("{clock: {offset: +3h}, process: fl-clock}");

	(void)state;
	assert_non_null(with);
	assert_string_equal(with, "0x0");
	assert_non_null(without);
	if (strcmp(without, "0x0") == 0)
		fl_skip("this kernel gives programs no vDSO: nothing to take away");
	assert_non_null(elsewhere);
	assert_string_not_equal(elsewhere, "0x0");
	assert_non_null(named);
	assert_string_equal(named, "0x0");
}

/* clock_gettime, gettimeofday and time of one program, all moved by @shift. */
static void check_now(const char *prog, const char *rule, double shift)
{
	const char *argv[] = { prog, "now", NULL };
	struct fl_result r;
	double before, after;

	run_timed(&r, rule, argv, &before, &after);
	fl_assert_exit(&r, 0);
	assert_shifted(&r, "clock_gettime", value_of(&r, r.out, "clock_gettime"), before, after,
		       shift, 1e-6);
	assert_shifted(&r, "gettimeofday", value_of(&r, r.out, "gettimeofday"), before, after,
		       shift, 1e-6);
	assert_shifted(&r, "time", value_of(&r, r.out, "time"), before, after, shift, 1.0);
}

static void offset_dynamic(void **state)
{
	json_t *rep, *inj, *clock;

	(void)state;
	check_now(clock_helper(), "{clock: {offset: +3h}}", 3 * 3600);
	/* Each reading is an injection, in the report as in the log. */
	rep = fl_load_json(fl_path("report.json"));
	inj = fl_json_get(rep, "injections");
	assert_int_equal(json_array_size(inj), 3);
	clock = fl_json_get(fl_json_get(json_array_get(inj, 0), "action"), "clock");
	assert_int_equal(fl_json_int(clock, "offset_ms"), 3 * 3600 * 1000);
	assert_string_equal(fl_json_str(json_array_get(inj, 0), "syscall"), "clock_gettime");
	json_decref(rep);
}

static void offset_negative(void **state)
{
	(void)state;
	check_now(clock_helper(), "{clock: {offset: -90s}}", -90);
}

static void offset_static(void **state)
{
	const char *p = getenv("FL_CLOCK_STATIC");

	(void)state;
	if (!p || !*p)
		fl_skip("no static libc here (libc6-dev's libc.a): fl-clock-static was not built");
	check_now(p, "{clock: {offset: 400d}}", 400.0 * 86400);
}

static void offset_date(void **state)
{
	const char *argv[] = { "date", "+now %s.%N", NULL };
	struct fl_result r;
	double before, after;

	(void)state;
	need("date");
	run_timed(&r, "{clock: {offset: +3h}}", argv, &before, &after);
	fl_assert_exit(&r, 0);
	assert_shifted(&r, "date", value_of(&r, r.out, "now"), before, after, 3 * 3600, 1e-6);
}

static void offset_python(void **state)
{
	const char *argv[] = { "python3", "-c",
		"import time, datetime\n"
		"print('time', time.time())\n"
		"print('datetime', datetime.datetime.now().timestamp())\n", NULL };
	struct fl_result r;
	double before, after;

	(void)state;
	need("python3");
	run_timed(&r, "{clock: {offset: -2h}}", argv, &before, &after);
	fl_assert_exit(&r, 0);
	assert_shifted(&r, "time.time()", value_of(&r, r.out, "time"), before, after, -7200, 1e-5);
	assert_shifted(&r, "datetime.now()", value_of(&r, r.out, "datetime"), before, after, -7200,
		       1e-5);
}

/*
 * A Go program: the runtime reads the auxv itself and calls the vDSO's
 * clock_gettime when it finds one, the syscall when not.
 */
static void offset_go(void **state)
{
	const char *src = fl_mkfile("main.go",
		"package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\n"
		"func main() {\n\tfmt.Printf(\"now %.6f\\n\", float64(time.Now().UnixNano())/1e9)\n}\n");
	const char *bin = fl_path("hello-go");
	const char *argv[] = { bin, NULL };
	char *cmd;
	struct fl_result r;
	double before, after;

	(void)state;
	need("go");
	/* Its caches in the test's directory, never in $HOME. */
	cmd = fl_strf("cd '%s' && GOCACHE='%s/gocache' GOPATH='%s/gopath' GO111MODULE=off "
		      "GOFLAGS= go build -o '%s' '%s' 2>&1", fl_dir(), fl_dir(), fl_dir(), bin, src);
	if (system(cmd) != 0)
		fail_msg("go build failed: %s", cmd);
	run_timed(&r, "{clock: {offset: +3h}}", argv, &before, &after);
	fl_assert_exit(&r, 0);
	assert_shifted(&r, "time.Now()", value_of(&r, r.out, "now"), before, after, 3 * 3600, 1e-6);
}

/* monotonic and boottime are shifted only when asked for, each on its own. */
static void clocks_on_request(void **state)
{
	const char *argv[] = { clock_helper(), "mono", NULL };
	struct fl_result r;
	double before, after, mono, boot;
	struct timespec ts;

	(void)state;
	run_timed(&r, "{clock: {offset: +1h, clocks: [boottime]}}", argv, &before, &after);
	fl_assert_exit(&r, 0);
	mono = value_of(&r, r.out, "monotonic");
	boot = value_of(&r, r.out, "boottime");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* monotonic is untouched: before now; boottime is >= monotonic + 1h. */
	assert_true(mono <= (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
	assert_true(boot >= mono + 3600);
	run_timed(&r, "{clock: {offset: +3h}}", argv, &before, &after);
	fl_assert_exit(&r, 0);
	assert_true(value_of(&r, r.out, "boottime") < value_of(&r, r.out, "monotonic") + 3600);
}

/* The clock steps back after the 3rd reading, and stays stepped: one injection. */
static void jump_after_readings(void **state)
{
	const char *argv[] = { clock_helper(), "readings", "6", NULL };
	struct fl_result r;
	double before, after, v[6];
	json_t *rep, *inj, *clock;

	(void)state;
	run_timed(&r, "{clock: {jump: -10m}, after: 3}", argv, &before, &after);
	fl_assert_exit(&r, 0);
	for (int i = 0; i < 6; i++) {
		v[i] = value_of(&r, r.out, fl_strf("reading %d", i + 1));
		assert_shifted(&r, fl_strf("reading %d", i + 1), v[i], before, after,
			       i < 3 ? 0 : -600, 1e-6);
	}
	rep = fl_load_json(fl_path("report.json"));
	inj = fl_json_get(rep, "injections");
	assert_int_equal(json_array_size(inj), 1);
	clock = fl_json_get(fl_json_get(json_array_get(inj, 0), "action"), "clock");
	assert_int_equal(fl_json_int(clock, "jump_ms"), -600000);
	assert_int_equal(fl_json_int(clock, "offset_ms"), -600000);
	assert_int_equal(fl_json_int(json_array_get(fl_json_get(rep, "rules"), 0), "matched"), 6);
	json_decref(rep);
}

/* Two jumps (times: 2, every: 2): -10m at the 2nd reading, -20m from the 4th. */
static void jump_twice(void **state)
{
	const char *argv[] = { clock_helper(), "readings", "5", NULL };
	static const double shift[5] = { 0, -600, -600, -1200, -1200 };
	struct fl_result r;
	double before, after;

	(void)state;
	run_timed(&r, "{clock: {jump: -10m}, after: 1, every: 2, times: 2}", argv, &before, &after);
	fl_assert_exit(&r, 0);
	for (int i = 0; i < 5; i++)
		assert_shifted(&r, fl_strf("reading %d", i + 1),
			       value_of(&r, r.out, fl_strf("reading %d", i + 1)), before, after,
			       shift[i], 1e-6);
	fl_assert_err_lacks(&r, "cannot");
}

/* offset with counters: every other reading. And expect: as for any rule. */
static void offset_counters_and_expect(void **state)
{
	const char *argv[] = { clock_helper(), "readings", "4", NULL };
	struct fl_result r;
	double before, after;

	(void)state;
	run_timed(&r, "{clock: {offset: +1h}, every: 2, expect: {min: 2, max: 2}}", argv, &before,
		  &after);
	fl_assert_exit(&r, 0);
	for (int i = 0; i < 4; i++)
		assert_shifted(&r, fl_strf("reading %d", i + 1),
			       value_of(&r, r.out, fl_strf("reading %d", i + 1)), before, after,
			       i % 2 ? 0 : 3600, 1e-6);
	run_timed(&r, "{clock: {offset: +1h}, after: 9, expect: {min: 1}}", argv, &before, &after);
	fl_assert_exit(&r, 122);
}

/* openssl: a certificate valid now, expired 400 days on. */
static void openssl_certificate_expires(void **state)
{
	const char *key = fl_path("key.pem"), *cert = fl_path("cert.pem");
	struct fl_result r;
	char *cmd;

	(void)state;
	need("openssl");
	cmd = fl_strf("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=faultline "
		      "-keyout '%s' -out '%s' >/dev/null 2>&1", key, cert);
	if (system(cmd) != 0)
		fail_msg("could not make a certificate: %s", cmd);
	FL_RUN(&r, "run", "-q", "-e", FL_NOOP_RULE, "--", "openssl", "x509", "-checkend", "0",
	       "-noout", "-in", cert);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "Certificate will not expire");
	FL_RUN(&r, "run", "-q", "-e", "{clock: {offset: +400d}}", "--", "openssl", "x509",
	       "-checkend", "0", "-noout", "-in", cert);
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "Certificate will expire");
}

/*
 * An absolute sleep until 2 s after the program's (shifted) now: it ends
 * when its clock says so. Without the inverse shift a +1h program sleeps
 * an hour (killed at the run's limit here), a -1h one not at all.
 */
static void sleep_until(const char *mode, const char *rule)
{
	const char *argv[] = { clock_helper(), mode, "2", NULL };
	struct fl_result r;
	double before, after, start, deadline, woke;

	run_timed(&r, rule, argv, &before, &after);
	fl_assert_exit(&r, 0);
	start = value_of(&r, r.out, "start");
	deadline = value_of(&r, r.out, "deadline");
	woke = value_of(&r, r.out, "woke");
	fl_assert_out_has(&r, "arg ok\n");
	assert_true(deadline - start > 1.99 && deadline - start < 2.01);
	if (woke < deadline) {
		fl_dump(&r);
		fail_msg("woke at %.6f, before its deadline %.6f", woke, deadline);
	}
	/* Not hours later: within the run, which lasted (after - before). */
	if (woke > deadline + (after - before)) {
		fl_dump(&r);
		fail_msg("woke at %.6f, %.3fs after its deadline", woke, woke - deadline);
	}
	/* And really about 2 s: the run took at least that. */
	assert_true(after - before >= 1.9);
}

static void abs_nanosleep_ahead(void **state)
{
	(void)state;
	sleep_until("sleep-until", "{clock: {offset: +1h}}");
}

static void abs_nanosleep_behind(void **state)
{
	(void)state;
	sleep_until("sleep-until", "{clock: {offset: -1h}}");
}

static void abs_timerfd(void **state)
{
	(void)state;
	sleep_until("timerfd-until", "{clock: {offset: +1h}}");
	sleep_until("timerfd-until", "{clock: {offset: -1h}}");
}

static void abs_posix_timer(void **state)
{
	(void)state;
	sleep_until("timer-until", "{clock: {offset: +1h}}");
	sleep_until("timer-until", "{clock: {offset: -1h}}");
}

/* pthread_cond_timedwait: a futex wait with an absolute realtime timeout. */
static void abs_cond_timedwait(void **state)
{
	(void)state;
	sleep_until("cond-until", "{clock: {offset: +1h}}");
	sleep_until("cond-until", "{clock: {offset: -1h}}");
}

/* After a jump, an absolute sleep goes by the stepped clock. */
static void abs_nanosleep_after_jump(void **state)
{
	(void)state;
	sleep_until("sleep-until", "{clock: {jump: +1h}}");
}

/* What the loader refuses in a clock: rule, with its position. */
static void check_refuses(void **state)
{
	static const struct {
		const char *rule, *msg;
	} bad[] = {
		{ "{clock: {offset: +3h}, syscall: openat}", "1:32: error: key 'syscall' cannot be used in a clock: rule" },
		{ "{clock: {offset: +3h}, error: EIO}", "error: key 'error' cannot be used in a clock: rule" },
		{ "{clock: {offset: 3}}", "1:26: error: key 'clock.offset': '3' has no unit" },
		{ "{clock: {offset: soon}}", "1:26: error: key 'clock.offset': expected a signed duration" },
		{ "{clock: {offset: 1h, jump: 1m}}", "error: key 'clock': 'offset' and 'jump' cannot be used together" },
		{ "{clock: {clocks: realtime}}", "error: key 'clock': no 'offset' or 'jump'" },
		{ "{clock: {offset: 1h, clocks: [realtim]}}", "did you mean 'realtime'?" },
		{ "{clock: {offset: 300000d}}", "more than 64 bits of nanoseconds hold" },
	};

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(bad); i++) {
		char *file = fl_mkfile(fl_strf("bad%zu.yaml", i), fl_strf("rules: [%s]\n", bad[i].rule));
		struct fl_result r;

		FL_RUN(&r, "check", file);
		fl_assert_exit(&r, 1);
		fl_assert_err_has(&r, bad[i].msg);
	}
}

/* The linter's vDSO warning now says what reaches those calls. */
static void lint_points_at_clock_rules(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", fl_mkfile("v.yaml", "rules: [{syscall: clock_gettime, error: EINVAL}]\n"));
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "served by the vDSO");
	fl_assert_err_has(&r, "use a clock: rule instead");
	FL_RUN(&r, "check", "--strict", fl_mkfile("z.yaml", "rules: [{clock: {offset: 0s}}]\n"));
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, "1:10: warning: key 'clock': a shift of 0 changes no reading");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(vdso_gone_only_under_clock_rule),
		FL_TEST(offset_dynamic),
		FL_TEST(offset_negative),
		FL_TEST(offset_static),
		FL_TEST(offset_date),
		FL_TEST(offset_python),
		FL_TEST(offset_go),
		FL_TEST(clocks_on_request),
		FL_TEST(jump_after_readings),
		FL_TEST(jump_twice),
		FL_TEST(offset_counters_and_expect),
		FL_TEST(openssl_certificate_expires),
		FL_TEST(abs_nanosleep_ahead),
		FL_TEST(abs_nanosleep_behind),
		FL_TEST(abs_timerfd),
		FL_TEST(abs_posix_timer),
		FL_TEST(abs_cond_timedwait),
		FL_TEST(abs_nanosleep_after_jump),
		FL_TEST(check_refuses),
		FL_TEST(lint_points_at_clock_rules),
	};

	return fl_main(argc, argv, "clock", tests, FL_ARRAY_SIZE(tests), true);
}
