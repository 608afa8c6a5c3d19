/*
 * faultline run --stack: each injection's call stack in the JSON report,
 * and the call sites faultline sweep shows under a crash. The helpers
 * (tests/helpers/fl-stack, fl-sweep-crash) make their open(2) in functions
 * named for it; the stacks must name them. Cases that need libdw skip when
 * this faultline was built without it.
 */
#include "harness.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOT_SUPPORTED "--stack is not supported"

/* The test programs are built with the sanitizers faultline has (-Db_sanitize). */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

/* tests/helpers/NAME, beside fl-victim. */
static const char *helper(const char *name)
{
	char *copy = fl_strf("%s", fl_victim());

	return fl_strf("%s/%s", dirname(copy), name);
}

/* Skips the test when this faultline has no libdw (then --stack is a 125 that says so). */
static void need_stack(void)
{
	struct fl_result r;

	FL_RUN(&r, "run", "-q", "--stack", "--report", fl_path("probe.json"),
	       "-e", FL_NOOP_RULE, "--", "true");
	if (r.code == 125 && strstr(r.err, NOT_SUPPORTED))
		fl_skip("faultline was built without libdw");
	fl_assert_exit(&r, 0);
}

/* Whether some string of the JSON array @frames contains @needle. */
static bool frames_have(json_t *frames, const char *needle)
{
	size_t i;
	json_t *f;

	json_array_foreach(frames, i, f) {
		if (json_is_string(f) && strstr(json_string_value(f), needle))
			return true;
	}
	return false;
}

static void fail_frames(json_t *frames, const char *needle)
{
	char *text = json_dumps(frames, JSON_INDENT(1));

	print_error("no frame has \"%s\" in %s\n", needle, text ? text : "(null)");
	free(text);
	fail();
}

static void report_names_the_function(void **state)
{
	struct fl_result r;
	json_t *rep, *inj, *frames;

	(void)state;
	need_stack();
	fl_mkfile("f", "x\n");
	FL_RUN(&r, "run", "--stack", "--report", fl_path("r.json"),
	       "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", helper("fl-stack"), "f");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "Input/output error\n");
	/* The log stays one line per injection. */
	fl_assert_err_lacks(&r, "fl_stack_marker_open");

	rep = fl_load_json(fl_path("r.json"));
	inj = json_object_get(rep, "injections");
	assert_int_equal(json_array_size(inj), 1);
	frames = json_object_get(json_array_get(inj, 0), "stack");
	assert_true(json_is_array(frames));
	/* libc's syscall() is innermost; the helper's function is a caller of it. */
	if (!frames_have(frames, "fl_stack_marker_open+0x"))
		fail_frames(frames, "fl_stack_marker_open+0x");
	if (!frames_have(frames, "main+0x"))
		fail_frames(frames, "main+0x");
	if (!frames_have(frames, "/fl-stack)"))
		fail_frames(frames, "/fl-stack)");
	assert_true(json_array_size(frames) <= 16);
	json_decref(rep);
}

static void dry_run_has_stacks(void **state)
{
	struct fl_result r;
	json_t *rep, *frames;

	(void)state;
	need_stack();
	fl_mkfile("f", "x\n");
	FL_RUN(&r, "run", "-q", "--dry-run", "--stack", "--report", fl_path("r.json"),
	       "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", helper("fl-stack"), "f");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "ok\n");
	rep = fl_load_json(fl_path("r.json"));
	frames = json_object_get(json_array_get(json_object_get(rep, "injections"), 0), "stack");
	if (!frames_have(frames, "fl_stack_marker_open"))
		fail_frames(frames, "fl_stack_marker_open");
	json_decref(rep);
}

static void no_stack_without_option(void **state)
{
	struct fl_result r;
	json_t *rep, *inj;

	(void)state;
	fl_mkfile("f", "x\n");
	FL_RUN(&r, "run", "-q", "--report", fl_path("r.json"),
	       "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", helper("fl-stack"), "f");
	fl_assert_exit(&r, 0);
	rep = fl_load_json(fl_path("r.json"));
	inj = json_array_get(json_object_get(rep, "injections"), 0);
	assert_non_null(inj);
	assert_null(json_object_get(inj, "stack"));
	json_decref(rep);
}

/*
 * Without /proc (a namespace with a tmpfs over it, as in a bare chroot or
 * a container that mounts none) there is no module map to unwind with:
 * the report says why on each injection ("stack_error"), and a notice says
 * it once, in the log and the report's "notices" (before: "stack": [] and
 * not a word). faultline itself must still run the command.
 */
static void stack_without_proc_says_why(void **state)
{
	const char *script = "mount -t tmpfs none /proc 2>/dev/null || { echo FL-NO-MOUNT >&2; exit 77; }; "
			     "exec \"$0\" \"$@\"";
	const char *as_root[] = { "unshare", "-m", "--propagation", "private", "sh", "-c", script, NULL };
	const char *as_user[] = { "unshare", "-r", "-m", "--propagation", "private", "sh", "-c", script,
				  NULL };
	char *file = fl_mkfile("f", "x\n");
	char *report = fl_path("r.json");
	const char *args[] = { "run", "--stack", "--report", report, "-e",
			       "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", helper("fl-stack"), file,
			       NULL };
	struct fl_result r;

	(void)state;
	need_stack();
#ifdef SANITIZED
	/* Not even ASAN_OPTIONS=detect_leaks=0 helps: the sanitizers read it from /proc/self/environ. */
	fl_skip("a sanitized faultline cannot run without /proc: LeakSanitizer lists the threads "
		"in /proc/PID/task at exit, and reads its options from /proc/self/environ");
#endif
	fl_finish(fl_spawn_wrapped(geteuid() == 0 ? as_root : as_user, args), &r, 30000);
	if (r.code == 77 || (r.code != 0 && strstr(r.err, "unshare: ")))
		fl_skip(fl_strf("cannot make a mount namespace with a tmpfs over /proc here: %s",
				strstr(r.err, "unshare: ") ? strstr(r.err, "unshare: ") : "mount failed"));
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "Input/output error\n");
	fl_assert_err_has(&r, "] --stack: no call stacks for this process: /proc is not mounted: the "
			  "unwinder reads /proc/");

	json_t *rep = fl_load_json(report);
	json_t *inj = json_array_get(json_object_get(rep, "injections"), 0);
	assert_non_null(inj);
	assert_int_equal(json_array_size(json_object_get(inj, "stack")), 0);
	const char *why = fl_json_str(inj, "stack_error");
	if (!strstr(why, "/proc is not mounted"))
		fail_msg("stack_error: %s", why);
	json_t *notices = fl_json_get(rep, "notices");
	assert_int_equal(json_array_size(notices), 1);
	fl_assert_str(&r, "notice kind", fl_json_str(json_array_get(notices, 0), "kind"), "stack");
	json_decref(rep);
}

static void stack_needs_report_125(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--stack", "-e", FL_NOOP_RULE, "--", "true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "--stack goes with --report");
}

static void sweep_shows_call_site(void **state)
{
	const char *argv[16];
	struct fl_result r;
	const char *mode = getenv("FL_MODE");
	json_t *rep, *call;
	size_t n = 0;

	(void)state;
	need_stack();
	fl_mkfile("a", "line a\n");
	fl_mkfile("b", "line b\n");
	fl_mkfile("c", "line c\n");
	fl_mkfile("d", "line d\n");
	argv[n++] = "sweep";
	/* The harness adds --no-seccomp to `run` only. */
	if (mode && !strcmp(mode, "no-seccomp"))
		argv[n++] = "--no-seccomp";
	argv[n++] = "--report";
	argv[n++] = fl_path("sweep.json");
	argv[n++] = "-e";
	argv[n++] = "{syscall: " FL_OPEN_NAME ", error: EIO}";
	argv[n++] = "--";
	argv[n++] = helper("fl-sweep-crash");
	argv[n++] = "a";
	argv[n++] = "b";
	argv[n++] = "c";
	argv[n++] = "d";
	argv[n] = NULL;
	fl_run_argv(&r, argv);
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "\ncrashed: call 3, " FL_OPEN_NAME " \"c\" EIO: SIGSEGV\n  call site:\n    ");
	fl_assert_out_has(&r, "\n    fl_sweep_crash_open+0x");
	/* Only crashes and hangs get a paragraph, so only one call site is shown. */
	assert_int_equal(fl_count_lines(r.out, "  call site:"), 1);
	/* The runs that fail the calls are not unwound: their reproducers stay plain. */
	fl_assert_out_lacks(&r, "--stack");

	rep = fl_load_json(fl_path("sweep.json"));
	call = json_array_get(json_object_get(json_object_get(rep, "baseline"), "calls"), 2);
	assert_non_null(call);
	if (!frames_have(json_object_get(call, "stack"), "fl_sweep_crash_open"))
		fail_frames(json_object_get(call, "stack"), "fl_sweep_crash_open");
	json_decref(rep);
}

/*
 * A dynamic faultline loads libdw (and libelf, libz, liblzma, libbz2 with
 * it) only for --stack and caller:, not at every start. The traced shell
 * prints its parent's -- faultline's -- memory map.
 */
static bool faultline_maps_libdw(const char *rules_or_null, bool stack)
{
	struct fl_result r;
	const char *args[16];
	size_t n = 0;

	args[n++] = "run";
	args[n++] = "-q";
	if (stack) {
		args[n++] = "--stack";
		args[n++] = "--report";
		args[n++] = fl_path("r.json");
	}
	args[n++] = "-e";
	args[n++] = rules_or_null ? rules_or_null : FL_NOOP_RULE;
	args[n++] = "--";
	args[n++] = "sh";
	args[n++] = "-c";
	args[n++] = "cat /proc/$PPID/maps";
	args[n] = NULL;
	fl_run_argv(&r, args);
	fl_assert_exit(&r, 0);
	/* The map is faultline's: its own executable is in it. */
	fl_assert_out_has(&r, "faultline");
	return strstr(r.out, "/libdw") != NULL;
}

static void need_dlopen_build(void)
{
	const char *v = getenv("FL_LIBDW_DLOPEN");

	if (!v || strcmp(v, "1"))
		fl_skip("this faultline links libdw (static build) or has none: nothing is loaded late");
}

static void libdw_loaded_only_when_needed(void **state)
{
	(void)state;
	need_dlopen_build();
	assert_false(faultline_maps_libdw(NULL, false));
	assert_true(faultline_maps_libdw("{syscall: acct, caller: main, error: EPERM}", false));
	assert_true(faultline_maps_libdw(NULL, true));
}

/* A libdw that cannot be loaded is an error before the program runs. */
static void libdw_missing_125(void **state)
{
	struct fl_result r;

	(void)state;
	need_dlopen_build();
	setenv("FAULTLINE_LIBDW", fl_path("no-such-libdw.so"), 1);
	fl_mkfile("rules.yaml", "rules:\n  - {syscall: acct, error: EPERM}\n  - {syscall: acct, caller: main, error: EPERM}\n");
	FL_RUN(&r, "run", "-r", "rules.yaml", "--", "sh", "-c", "echo ran");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "rules.yaml:3:5: key 'caller': cannot load libdw");
	fl_assert_err_has(&r, "no-such-libdw.so");
	fl_assert_out_lacks(&r, "ran");
	FL_RUN(&r, "run", "--stack", "--report", fl_path("r.json"), "-e", FL_NOOP_RULE,
	       "--", "sh", "-c", "echo ran");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "--stack is not supported: cannot load libdw");
	fl_assert_out_lacks(&r, "ran");
	unsetenv("FAULTLINE_LIBDW");
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(report_names_the_function),
		FL_TEST(dry_run_has_stacks),
		FL_TEST(no_stack_without_option),
		FL_TEST(stack_needs_report_125),
		FL_TEST(stack_without_proc_says_why),
		FL_TEST(sweep_shows_call_site),
		FL_TEST(libdw_loaded_only_when_needed),
		FL_TEST(libdw_missing_125),
	};

	return fl_main(argc, argv, "stack", tests, FL_ARRAY_SIZE(tests), true);
}
