/*
 * The outputs as tracer sinks (src/report/outputs.c): the log, the JSON
 * report and the Markdown summary get raw facts from the tracer and format
 * them; the path argument comes through the call's source, which both the
 * log and the report use.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "faultline/report.h"
#include "faultline/tracer.h"
#include "faultline/base.h"
#include "host_abi.h"

static char *syscalls0[] = { (char *)"openat" };
static struct fl_rule rules[] = {
	{ .name = (char *)"config-missing", .syscalls = syscalls0, .n_syscalls = 1,
	  .has_expect = true, .expect_min = 5, .expect_max = FL_TIMES_UNLIMITED },
};
static char *sources[] = { (char *)"-e #1" };
static struct fl_rule_set set = { .rules = rules, .n_rules = 1, .sources = sources, .n_sources = 1 };
static struct fl_rule_stats stats[1] = { { .matched = 1, .injected = 1 } };
static char *command[] = { (char *)"prog", NULL };

static const char path_arg[] = "/etc/app.conf";
static int n_reads;

static ssize_t fake_read_string(void *ud, uint64_t addr, char *buf, size_t size)
{
	(void)ud;
	n_reads++;
	if (addr != 0x1000)
		return -EFAULT;
	snprintf(buf, size, "%s", path_arg);
	return (ssize_t)strlen(path_arg);
}

static const struct fl_call_source source = { .read_string = fake_read_string };
/* The host's openat: SYS_openat of its native ABI (.arch set by main). */
static struct fl_call call = {
	.nr = SYS_openat, .args = { (uint64_t)-100, 0x1000, 0 },
	.pid = 42, .tid = 42, .src = &source,
};
static const struct fl_decision dec = { .rule = 0, .error = ENOENT };

static struct fl_injection injection(void)
{
	return (struct fl_injection){
		.seq = 1, .pid = 42, .tid = 42, .call = &call, .syscall = "openat",
		.rule = &rules[0], .decision = &dec,
	};
}

static const struct fl_run_info info = {
	.set = &set, .stats = stats, .seed = 7, .command = command,
};

static void test_log_sink(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct fl_output o;
	struct fl_injection inj = injection();
	struct fl_tracer_result res = { .exited = true };
	struct fl_run_end end = { .result = &res, .mode = "seccomp" };

	assert_non_null(f);
	fl_output_log(&o, &info, f);
	assert_ptr_equal(o.sink.ud, &o);
	assert_false(o.sink.wants_stack);
	o.sink.run_start(o.sink.ud, &(struct fl_run_start){ .mode = "seccomp" });
	n_reads = 0;
	assert_int_equal(o.sink.injection(o.sink.ud, &inj), 0);
	assert_int_equal(n_reads, 1);
	assert_int_equal(o.sink.run_end(o.sink.ud, &end), 0);
	fclose(f);
	/* Header, then the line with the path the source gave, then the summary. */
	assert_non_null(strstr(text, "seed 7"));
	assert_non_null(strstr(text, "openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 ENOENT"));
	assert_true(strstr(text, "seed 7") < strstr(text, "openat(AT_FDCWD"));
	assert_non_null(strstr(text, "summary"));
	assert_true(strstr(text, "openat(AT_FDCWD") < strstr(text, "summary"));
	free(text);
}

static void test_report_sink(void **state)
{
	char dir[] = "/tmp/fl-test-outputs.XXXXXX", path[128];
	struct fl_output o;
	struct fl_injection inj = injection();
	struct fl_tracer_result res = { .exited = true, .exit_code = 3, .stops = 9 };
	struct fl_crash crash = { .pid = 50, .tid = 51, .signal = SIGSEGV, .exe = "/bin/x" };
	struct fl_run_end end = { .result = &res, .mode = "ptrace", .status = 3,
				  .crashes = &crash, .n_crashes = 1 };
	json_error_t jerr;
	json_t *root, *i0;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.json", dir);
	fl_output_report(&o, &info, fl_report_open(path, NULL), true);
	assert_non_null(o.report);
	assert_true(o.sink.wants_stack);
	assert_true(o.sink.wants_crashes);
	assert_null(o.sink.run_start);
	n_reads = 0;
	assert_int_equal(o.sink.injection(o.sink.ud, &inj), 0);
	assert_int_equal(n_reads, 1);
	assert_int_equal(o.sink.run_end(o.sink.ud, &end), 0);
	assert_null(o.report);
	assert_int_equal(o.error, 0);
	fl_output_done(&o);

	root = json_load_file(path, 0, &jerr);
	assert_non_null(root);
	i0 = json_array_get(json_object_get(root, "injections"), 0);
	assert_string_equal(json_string_value(json_object_get(i0, "path")), "/etc/app.conf");
	assert_non_null(json_object_get(i0, "stack")); /* wants_stack: the report lists it */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "exit"), "code")), 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "tracer"), "mode")),
			    "ptrace");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "tracer"), "stops")), 9);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(root, "crashes"), 0), "tid")), 51);
	json_decref(root);
	unlink(path);
	rmdir(dir);
}

/* An output whose run never ended leaves nothing behind. */
static void test_report_sink_abandoned(void **state)
{
	char dir[] = "/tmp/fl-test-outputs.XXXXXX", path[128];
	struct fl_output o;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.json", dir);
	fl_output_report(&o, &info, fl_report_open(path, NULL), false);
	fl_output_done(&o);
	fl_output_done(&o); /* twice is fine */
	assert_int_equal(rmdir(dir), 0); /* empty: no temp file left */
}

/* The Markdown summary states the exit status the run command gives. */
static char *md_for(const struct fl_run_end *end)
{
	char path[] = "/tmp/fl-test-md.XXXXXX";
	int fd = mkstemp(path);
	struct fl_output o;
	static char text[4096];
	ssize_t n;

	assert_true(fd >= 0);
	fl_output_summary_md(&o, &info, fd);
	assert_int_equal(o.sink.run_end(o.sink.ud, end), 0);
	assert_int_equal(o.md_fd, -1);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	text[n] = '\0';
	return text;
}

static void test_md_sink_status(void **state)
{
	struct fl_tracer_result res = { .exited = true };
	struct fl_run_end end = { .result = &res, .mode = "seccomp", .status = 0 };
	char want[64];

	/* The rule expected 5 injections and got 1: exit 0 becomes 122. */
	snprintf(want, sizeof(want), "faultline exits %d**", FL_EXIT_EXPECTATION);
	assert_non_null(strstr(md_for(&end), want));
	/* A program that failed keeps its own status. */
	res.exit_code = 3;
	end.status = 3;
	assert_null(strstr(md_for(&end), want));
	assert_non_null(strstr(md_for(&end), "faultline exits 3**"));
	/* An output that failed before makes it faultline's own error. */
	end.output_failed = true;
	snprintf(want, sizeof(want), "faultline exits %d**", FL_EXIT_OWN_ERROR);
	assert_non_null(strstr(md_for(&end), want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_sink),
		cmocka_unit_test(test_report_sink),
		cmocka_unit_test(test_report_sink_abandoned),
		cmocka_unit_test(test_md_sink_status),
	};

	call.arch = native_abi();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
