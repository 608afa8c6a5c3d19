/*
 * The log lines and the JSON report. Log output is captured with
 * open_memstream(); reports are written to a fresh temp directory and parsed
 * back with jansson.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <linux/audit.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "config.h"
#include "faultline/report.h"
#include "faultline/base.h"
#include "faultline/sys.h"
#include "host_abi.h"

static char *syscalls0[] = { (char *)"open", (char *)"openat" };
static char *syscalls1[] = { (char *)"read" };

static struct fl_rule rules[] = {
	{ .name = (char *)"config-missing", .syscalls = syscalls0, .n_syscalls = 2 },
	{ .name = (char *)"slow", .syscalls = syscalls1, .n_syscalls = 1 },
};

static char *sources[] = { (char *)"rules/examples/missing-config.yaml", (char *)"-e #1" };

static struct fl_rule_set set = {
	.rules = rules,
	.n_rules = 2,
	.sources = sources,
	.n_sources = 2,
};

static struct fl_rule_stats stats[2] = {
	{ .matched = 3, .injected = 2 },
	{ .matched = 12345, .injected = 1 },
};

/* Reads a file into memory (NUL-terminated); NULL when it can't. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* Entries of @dir other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

struct tmpdir {
	char path[64];
	char report[128];
};

static int setup_dir(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	snprintf(t->path, sizeof(t->path), "/tmp/fl-test-report.XXXXXX");
	if (!mkdtemp(t->path))
		return -1;
	snprintf(t->report, sizeof(t->report), "%s/report.json", t->path);
	*state = t;
	return 0;
}

static int teardown_dir(void **state)
{
	struct tmpdir *t = *state;
	DIR *d = opendir(t->path);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char p[512];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", t->path, e->d_name);
		if (unlink(p) < 0)
			rmdir(p);
	}
	if (d)
		closedir(d);
	rmdir(t->path);
	free(t);
	return 0;
}

/* ---- log lines ---- */

/* Runs fl_log_injection() on @inj and returns what it printed (caller frees). */
static char *log_line(const struct fl_injection *inj)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fl_log_injection(f, inj);
	fclose(f);
	return buf;
}

static void test_log_injection(void **state)
{
	static const struct {
		struct fl_decision d;
		bool dry_run;
		const char *rule;
		const char *want;
	} rows[] = {
		{ { .error = ENOENT }, false, "config-missing",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 ENOENT (rule \"config-missing\")\n" },
		{ { .has_retval = true, .retval = 0 }, false, "zero",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = 0 (rule \"zero\")\n" },
		{ { .has_retval = true, .retval = 5 }, false, "five",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = 5 (rule \"five\")\n" },
		{ { .has_retval = true, .retval = -9 }, false, "neg",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -9 (rule \"neg\")\n" },
		{ { .delay_ns = 250000000 }, false, "slow",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) delayed 250ms (rule \"slow\")\n" },
		{ { .delay_ns = 250000000, .error = EIO }, false, "x",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 EIO after 250ms delay (rule \"x\")\n" },
		{ { .error = EIO, .phase = FL_PHASE_EXIT }, false, "x",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 EIO [exit] (rule \"x\")\n" },
		{ { .delay_sides = true, .delay_enter_ns = 300000000, .delay_exit_ns = 600000000 },
		  false, "x",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) delayed 300ms enter + 600ms exit (rule \"x\")\n" },
		{ { .delay_sides = true, .delay_exit_ns = 1000000000, .error = EIO }, false, "x",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 EIO after 0s enter + 1s exit delay (rule \"x\")\n" },
		{ { .delay_ns = 2000000000, .phase = FL_PHASE_EXIT }, false, "x",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) delayed 2s [exit] (rule \"x\")\n" },
		{ { .error = ENOENT }, true, "config-missing",
		  "faultline: [pid 4243] would inject: openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 ENOENT (rule \"config-missing\")\n" },
		{ { .error = 4000 }, false, "odd",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 errno 4000 (rule \"odd\")\n" },
		/* The rule name is a JSON string: quotes, backslashes, controls escaped. */
		{ { .error = EACCES }, false, "a\"b\\c\nd\x1b",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 EACCES (rule \"a\\\"b\\\\c\\nd\\u001B\")\n" },
		{ { .error = EACCES }, false, "r\xc3\xa9gle",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 EACCES (rule \"r\xc3\xa9gle\")\n" },
		/* Not UTF-8: C-style quoting instead. */
		{ { .error = EACCES }, false, "bad\xff",
		  "faultline: [pid 4243] openat(AT_FDCWD, \"/etc/app.conf\", O_RDONLY) = -1 EACCES (rule \"bad\\xff\")\n" },
	};
	struct fl_call call = { .arch = native_abi(), .nr = SYS_openat,
				.args = { (uint64_t)-100, 0x1000, 0 }, .pid = 4242, .tid = 4243 };

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		struct fl_rule rule = { .name = (char *)rows[i].rule };
		struct fl_injection inj = {
			.seq = 1, .pid = 4242, .tid = 4243, .call = &call, .syscall = "openat",
			.args_text = "AT_FDCWD, \"/etc/app.conf\", O_RDONLY",
			.path = "/etc/app.conf", .rule = &rule, .decision = &rows[i].d,
			.dry_run = rows[i].dry_run,
		};
		char *got = log_line(&inj);

		if (strcmp(got, rows[i].want) != 0)
			fail_msg("row %zu:\n got  %s want %s", i, got, rows[i].want);
		free(got);
	}
}

/* Without args_text or syscall the line is still complete (no path read). */
static void test_log_injection_fallbacks(void **state)
{
	struct fl_call call = { .arch = native_abi(), .nr = SYS_close, .args = { 7 },
				.pid = 10, .tid = 10 };
	struct fl_decision d = { .error = EBADF };
	struct fl_injection inj = { .pid = 10, .tid = 0, .call = &call, .rule = &rules[0],
				    .decision = &d };
	char *got = log_line(&inj);

	assert_string_equal(got,
		"faultline: [pid 10] close(7) = -1 EBADF (rule \"config-missing\")\n");
	free(got);

	call.nr = 999;
	call.args[0] = 1;
	got = log_line(&inj);
	assert_string_equal(got, "faultline: [pid 10] syscall_999(0x1, 0, 0, 0, 0, 0) = -1 EBADF "
				 "(rule \"config-missing\")\n");
	free(got);
}

/* short, signal and what the filters matched. */
static void test_log_targeting(void **state)
{
	struct fl_match_info path_info = { .path = "/srv/data/a.db" };
	struct fl_match_info odd_info = { .path = "/tmp/a\nb\"c" };
	struct fl_match_info v4 = { .has_sockaddr = true,
				    .sockaddr = { .family = AF_INET, .addr = { 10, 0, 0, 5 },
						  .port = 5432 } };
	struct fl_match_info v6 = { .has_sockaddr = true,
				    .sockaddr = { .family = AF_INET6,
						  .addr = { [15] = 1 }, .port = 443 } };
	struct fl_match_info all = { .path = "@dbus", .exe = "/usr/bin/curl" };
	const struct {
		struct fl_decision d;
		const struct fl_match_info *m;
		const char *want;
	} rows[] = {
		{ { .has_short = true, .short_count = 100, .short_of = 4096, .short_arg = 2,
		    .short_asked = 4096 }, &path_info,
		  "read(3, 0x7ffd0000, 4096) shortened to 100 of 4096 bytes (rule \"x\") "
		  "[path \"/srv/data/a.db\"]\n" },
		/* Of what the file had left, not of what the call asked for. */
		{ { .has_short = true, .short_count = 200, .short_of = 400, .short_arg = 2,
		    .short_asked = 4096, .short_basis = FL_SHORT_BASIS_FILE_SIZE }, NULL,
		  "read(3, 0x7ffd0000, 4096) shortened to 200 of 400 bytes (file-size; asked 4096) "
		  "(rule \"x\")\n" },
		/* A count above what one call moves, capped. */
		{ { .has_short = true, .short_count = 10, .short_of = 2147479552, .short_arg = 2,
		    .short_asked = UINT64_MAX }, NULL,
		  "read(3, 0x7ffd0000, 4096) shortened to 10 of 2147479552 bytes (asked "
		  "18446744073709551615) (rule \"x\")\n" },
		{ { .has_short = true, .short_count = 1, .short_of = 2, .delay_ns = 5000000,
		    .short_asked = 2 }, NULL,
		  "read(3, 0x7ffd0000, 4096) shortened to 1 of 2 bytes after 5ms delay (rule \"x\")\n" },
		{ { .signal = SIGUSR1 }, NULL,
		  "read(3, 0x7ffd0000, 4096) signal SIGUSR1 (rule \"x\")\n" },
		{ { .signal = SIGTERM, .error = EIO, .phase = FL_PHASE_EXIT }, NULL,
		  "read(3, 0x7ffd0000, 4096) = -1 EIO, signal SIGTERM [exit] (rule \"x\")\n" },
		{ { .has_poke = true, .poke_arg = 1, .poke_len = 1, .phase = FL_PHASE_EXIT }, NULL,
		  "read(3, 0x7ffd0000, 4096) poked 1 byte into argument 1 [exit] (rule \"x\")\n" },
		{ { .has_retval = true, .retval = 3, .has_poke = true, .poke_len = 4 }, NULL,
		  "read(3, 0x7ffd0000, 4096) = 3, poked 4 bytes into argument 0 (rule \"x\")\n" },
		{ { .corrupt_bytes = 3, .corrupt_how = FL_CORRUPT_ZERO }, NULL,
		  "read(3, 0x7ffd0000, 4096) corrupt 3 bytes (zero) (rule \"x\")\n" },
		{ { .corrupt_bytes = 2, .corrupt_done = true, .corrupt_n = 2,
		    .corrupt_offsets = (const uint64_t[]){ 7, 4000 } }, NULL,
		  "read(3, 0x7ffd0000, 4096) corrupted 2 bytes (flip) at offsets 7, 4000 (rule \"x\")\n" },
		{ { .corrupt_bytes = 2, .corrupt_done = true, .corrupt_how = FL_CORRUPT_RANDOM }, NULL,
		  "read(3, 0x7ffd0000, 4096) corrupted nothing (random; no data) (rule \"x\")\n" },
		/* Cut short by SIGTERM: what was served, to the millisecond, of how much. */
		{ { .error = EIO, .delay_ns = 10000000000, .delay_cut = true,
		    .delay_served_ns = 1023456789 }, NULL,
		  "read(3, 0x7ffd0000, 4096) = -1 EIO after 1023ms delay (cut short, of 10s) "
		  "(rule \"x\")\n" },
		/* delay: {enter, exit} cut short: both sides' served time together. */
		{ { .delay_sides = true, .delay_enter_ns = 300000000, .delay_exit_ns = 600000000,
		    .delay_cut = true, .delay_served_ns = 412345678 }, NULL,
		  "read(3, 0x7ffd0000, 4096) delayed 300ms enter + 600ms exit (cut short, served "
		  "412ms) (rule \"x\")\n" },
		{ { .signal = SIGKILL, .delay_ns = 1000000000 }, NULL,
		  "read(3, 0x7ffd0000, 4096) delayed 1s, signal SIGKILL (rule \"x\")\n" },
		{ { .signal = SIGPIPE, .has_short = true, .short_count = 7, .short_of = 9,
		    .short_asked = 9 }, NULL,
		  "read(3, 0x7ffd0000, 4096) shortened to 7 of 9 bytes, signal SIGPIPE (rule \"x\")\n" },
		{ { .error = ECONNREFUSED }, &v4,
		  "read(3, 0x7ffd0000, 4096) = -1 ECONNREFUSED (rule \"x\") [address 10.0.0.5:5432]\n" },
		{ { .error = ECONNREFUSED }, &v6,
		  "read(3, 0x7ffd0000, 4096) = -1 ECONNREFUSED (rule \"x\") [address [::1]:443]\n" },
		{ { .error = EIO }, &all,
		  "read(3, 0x7ffd0000, 4096) = -1 EIO (rule \"x\") [path \"@dbus\"] "
		  "[process \"/usr/bin/curl\"]\n" },
		/* Paths are quoted like arguments: a newline can't break the line. */
		{ { .error = EIO }, &odd_info,
		  "read(3, 0x7ffd0000, 4096) = -1 EIO (rule \"x\") [path \"/tmp/a\\nb\\\"c\"]\n" },
		/* An empty match info adds nothing. */
		{ { .error = EIO }, &(struct fl_match_info){ 0 },
		  "read(3, 0x7ffd0000, 4096) = -1 EIO (rule \"x\")\n" },
	};
	struct fl_call call = { .arch = native_abi(), .nr = SYS_read,
				.args = { 3, 0x7ffd0000, 4096 }, .pid = 42, .tid = 42 };
	struct fl_rule rule = { .name = (char *)"x" };

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		struct fl_injection inj = { .pid = 42, .tid = 42, .call = &call, .syscall = "read",
					    .rule = &rule, .decision = &rows[i].d,
					    .match = rows[i].m };
		char *got = log_line(&inj);
		char want[512];

		snprintf(want, sizeof(want), "faultline: [pid 42] %s", rows[i].want);
		if (strcmp(got, want) != 0)
			fail_msg("row %zu:\n got  %s want %s", i, got, want);
		free(got);
	}
}

static void test_format_result_and_duration(void **state)
{
	static const struct {
		uint64_t ns;
		const char *want;
	} durs[] = {
		{ 1000000000, "1s" }, { 1500000000, "1500ms" }, { 250000000, "250ms" },
		{ 10000, "10us" }, { 7, "7ns" }, { 1001, "1001ns" }, { 0, "0ns" },
		{ UINT64_MAX, "18446744073709551615ns" },
	};
	struct fl_decision d = { 0 };
	char buf[64];

	for (size_t i = 0; i < FL_ARRAY_SIZE(durs); i++) {
		assert_int_equal(fl_format_duration(buf, sizeof(buf), durs[i].ns),
				 strlen(durs[i].want));
		assert_string_equal(buf, durs[i].want);
	}
	/* A decision that changes nothing still says so. */
	fl_format_result(buf, sizeof(buf), &d);
	assert_string_equal(buf, "(no change)");
	d.error = ENOSPC;
	d.has_retval = true; /* an error wins over a retval */
	d.retval = 3;
	assert_int_equal(fl_format_result(buf, 4, &d), strlen("= -1 ENOSPC"));
	assert_string_equal(buf, "= -");
	/* A signal without a name shows its number. */
	d = (struct fl_decision){ .signal = 32 };
	fl_format_result(buf, sizeof(buf), &d);
	assert_string_equal(buf, "signal 32");
}

static char *capture_header(const struct fl_rule_set *s, uint64_t seed)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fl_log_header(f, s, seed);
	fclose(f);
	return buf;
}

static void test_log_header(void **state)
{
	struct fl_rule_set one = { .rules = rules, .n_rules = 1, .sources = sources + 1,
				   .n_sources = 1 };
	char *bad_sources[] = { (char *)"a\nb.yaml" };
	struct fl_rule_set bad = { .rules = rules, .n_rules = 1, .sources = bad_sources,
				   .n_sources = 1 };
	char *got;

	got = capture_header(&set, 42);
	assert_string_equal(got, "faultline " FL_VERSION ": seed 42, 2 rules from "
				 "rules/examples/missing-config.yaml, -e #1\n");
	free(got);

	got = capture_header(&one, UINT64_MAX);
	assert_string_equal(got, "faultline " FL_VERSION ": seed 18446744073709551615, 1 rule "
				 "from -e #1\n");
	free(got);

	/* A control character in a file name can't split the line. */
	got = capture_header(&bad, 1);
	assert_string_equal(got, "faultline " FL_VERSION ": seed 1, 1 rule from a\\x0ab.yaml\n");
	free(got);
}

static void test_log_summary(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fl_log_summary(f, &set, stats);
	fclose(f);
	assert_string_equal(buf,
		"faultline: summary\n"
		"faultline:   rule             syscalls     matched  injected\n"
		"faultline:   config-missing   open,openat        3         2\n"
		"faultline:   slow             read           12345         1\n");
	free(buf);
}

/* ---- JSON report ---- */

/*
 * The host's calls: openat and read of its native ABI, openat of its compat
 * ABI (i386's 295 on x86_64, arm's 322 on aarch64); main fills in the ABIs
 * and the compat number.
 */
static struct fl_call calls[3] = {
	{ .nr = SYS_openat,
	  .args = { (uint64_t)-100, 0x1000, 0, 0, 0, UINT64_MAX }, .pid = 4242, .tid = 4243 },
	{ .nr = SYS_read, .args = { 3, 0x7ffd0000, 4096 },
	  .pid = 4242, .tid = 4242 },
	{ .args = { 0xffffff9c, 0x2000, 0100 },
	  .pid = 4242, .tid = 4250 },
};

static const struct fl_decision decisions[3] = {
	{ .rule = 0, .error = ENOENT },
	{ .rule = 1, .has_retval = true, .retval = 5, .phase = FL_PHASE_EXIT },
	{ .rule = 0, .error = EIO, .delay_ns = 250500000 },
};

static void add_three(struct fl_report *r)
{
	static const char *const paths[3] = { "/etc/app.conf", NULL,
					      "bad\xff\xfe/\xc3\xa9" };
	static const char *const names[3] = { "openat", "read", "openat" };
	static const double times[3] = { 0.25, 1.5, 2.0 };

	for (int i = 0; i < 3; i++) {
		struct fl_injection inj = {
			.seq = (uint64_t)i + 1, .time_s = times[i], .pid = calls[i].pid,
			.tid = calls[i].tid, .call = &calls[i], .syscall = names[i],
			.args_text = "ignored", .path = paths[i],
			.rule = &rules[decisions[i].rule], .decision = &decisions[i],
		};

		assert_int_equal(fl_report_add(r, &inj), 0);
	}
}

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);

	if (!root)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	return root;
}

static void check_args(json_t *args, const int64_t *want)
{
	assert_true(json_is_array(args));
	assert_int_equal(json_array_size(args), 6);
	for (size_t i = 0; i < 6; i++) {
		json_t *v = json_array_get(args, i);

		assert_true(json_is_integer(v));
		assert_true(json_integer_value(v) == want[i]);
	}
}

static void test_report_roundtrip(void **state)
{
	struct tmpdir *t = *state;
	char *command[] = { (char *)"./app", (char *)"--flag", (char *)"arg\xff", NULL };
	struct fl_run_result res = {
		.set = &set, .stats = stats, .seed = 42, .command = command,
		.exited = true, .exit_code = 3, .dry_run = false,
	};
	const char *path, *path_hex, *name, *ver;
	json_t *root, *inj, *o, *r0, *r1;
	struct fl_report *r;
	json_int_t seq, pid, tid, code, matched, injected;
	double time_s, delay;
	struct stat st;
	char *text;
	int err = 0;
	int dry;

	umask(022);
	r = fl_report_open(t->report, &err);
	assert_non_null(r);
	add_three(r);
	/* Streaming: the destination only appears at close. */
	assert_int_equal(access(t->report, F_OK), -1);
	assert_int_equal(count_entries(t->path), 1);
	assert_int_equal(fl_report_close(r, &res), 0);
	assert_int_equal(count_entries(t->path), 1); /* no temp file left over */
	assert_int_equal(stat(t->report, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	/* One injection per line, ends with a newline. */
	text = slurp(t->report);
	assert_non_null(text);
	assert_true(strncmp(text, "{\"injections\":[\n{\"seq\":1,", 25) == 0);
	assert_non_null(strstr(text, "},\n{\"seq\":2,"));
	assert_non_null(strstr(text, "}\n],\"faultline_version\":"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);

	root = load(t->report);
	assert_int_equal(json_object_size(root), 10);
	/* Nothing crashed: the array is there, empty. */
	o = json_object_get(root, "crashes");
	assert_true(json_is_array(o));
	assert_int_equal(json_array_size(o), 0);
	/* Nothing to notice: the same. */
	o = json_object_get(root, "notices");
	assert_true(json_is_array(o));
	assert_int_equal(json_array_size(o), 0);
	/* No rule has an expectation: all met. */
	assert_true(json_is_true(json_object_get(root, "expectations_met")));
	assert_string_equal(json_object_iter_key(json_object_iter(root)), "injections");

	assert_int_equal(json_unpack(root, "{s:s, s:I, s:b, s:{s:I}}", "faultline_version", &ver,
				     "seed", &seq, "dry_run", &dry, "exit", "code", &code), 0);
	assert_string_equal(ver, FL_VERSION);
	assert_int_equal(seq, 42);
	assert_false(dry);
	assert_int_equal(code, 3);
	assert_int_equal(json_object_size(json_object_get(root, "exit")), 1);

	o = json_object_get(root, "command");
	assert_int_equal(json_array_size(o), 3);
	assert_string_equal(json_string_value(json_array_get(o, 0)), "./app");
	assert_string_equal(json_string_value(json_array_get(o, 1)), "--flag");
	assert_string_equal(json_string_value(json_array_get(o, 2)), "arg\xef\xbf\xbd");

	o = json_object_get(root, "rules");
	assert_int_equal(json_array_size(o), 2);
	r0 = json_array_get(o, 0);
	r1 = json_array_get(o, 1);
	assert_int_equal(json_object_size(r0), 5);
	assert_true(json_is_true(json_object_get(r0, "expect_met")));
	assert_null(json_object_get(r0, "expect"));
	assert_int_equal(json_unpack(r0, "{s:s, s:I, s:I}", "name", &name, "matched", &matched,
				     "injected", &injected), 0);
	assert_string_equal(name, "config-missing");
	assert_int_equal(matched, 3);
	assert_int_equal(injected, 2);
	o = json_object_get(r0, "syscalls");
	assert_int_equal(json_array_size(o), 2);
	assert_string_equal(json_string_value(json_array_get(o, 0)), "open");
	assert_string_equal(json_string_value(json_array_get(o, 1)), "openat");
	assert_int_equal(json_unpack(r1, "{s:s, s:[s!], s:I, s:I}", "name", &name, "syscalls",
				     &ver, "matched", &matched, "injected", &injected), 0);
	assert_string_equal(name, "slow");
	assert_string_equal(ver, "read");
	assert_int_equal(matched, 12345);
	assert_int_equal(injected, 1);

	inj = json_object_get(root, "injections");
	assert_int_equal(json_array_size(inj), 3);

	/* 1: error at entry, with a path */
	o = json_array_get(inj, 0);
	assert_int_equal(json_object_size(o), 11);
	assert_int_equal(json_unpack(o, "{s:I, s:f, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:{s:s!}}",
				     "seq", &seq, "time_s", &time_s, "pid", &pid, "tid", &tid,
				     "arch", &ver, "syscall", &name, "path", &path, "rule",
				     &path_hex, "phase", &text, "action", "error", &ver), 0);
	assert_int_equal(seq, 1);
	assert_true(time_s == 0.25);
	assert_int_equal(pid, 4242);
	assert_int_equal(tid, 4243);
	assert_string_equal(name, "openat");
	assert_string_equal(path, "/etc/app.conf");
	assert_string_equal(path_hex, "config-missing");
	assert_string_equal(text, "enter");
	assert_string_equal(ver, "ENOENT");
	assert_string_equal(json_string_value(json_object_get(o, "arch")), native_name());
	check_args(json_object_get(o, "args"), (const int64_t[]){ -100, 0x1000, 0, 0, 0, -1 });

	/* 2: retval at exit, no path */
	o = json_array_get(inj, 1);
	assert_int_equal(json_object_size(o), 10);
	assert_null(json_object_get(o, "path"));
	assert_int_equal(json_unpack(o, "{s:I, s:f, s:I, s:s, s:s, s:s, s:{s:I!}}", "seq", &seq,
				     "time_s", &time_s, "tid", &tid, "syscall", &name, "rule",
				     &path, "phase", &text, "action", "retval", &code), 0);
	assert_int_equal(seq, 2);
	assert_true(time_s == 1.5);
	assert_int_equal(tid, 4242);
	assert_string_equal(name, "read");
	assert_string_equal(path, "slow");
	assert_string_equal(text, "exit");
	assert_int_equal(code, 5);
	check_args(json_object_get(o, "args"), (const int64_t[]){ 3, 0x7ffd0000, 4096, 0, 0, 0 });

	/* 3: the compat ABI, delay + error, a path that isn't UTF-8 */
	o = json_array_get(inj, 2);
	assert_int_equal(json_object_size(o), 12);
	assert_int_equal(json_unpack(o, "{s:I, s:s, s:s, s:s, s:{s:f, s:s!}}", "seq", &seq,
				     "arch", &name, "path", &path, "path_hex", &path_hex,
				     "action", "delay_ms", &delay, "error", &ver), 0);
	assert_int_equal(seq, 3);
	assert_string_equal(name, fl_arch_host()->abis[1].name);
	assert_string_equal(path, "bad\xef\xbf\xbd\xef\xbf\xbd/\xc3\xa9");
	assert_string_equal(path_hex, "626164fffe2fc3a9");
	assert_true(delay == 250.5);
	assert_string_equal(ver, "EIO");
	/* The action's keys in the documented order: delay first. */
	assert_string_equal(json_object_iter_key(json_object_iter(json_object_get(o, "action"))),
			    "delay_ms");
	check_args(json_object_get(o, "args"), (const int64_t[]){ 0xffffff9c, 0x2000, 0100, 0, 0, 0 });

	json_decref(root);
}

/* The targeting fields: resolved path over the raw one, address, port, process, short, signal. */
static void test_report_targeting(void **state)
{
	struct tmpdir *t = *state;
	char *command[] = { (char *)"app", NULL };
	struct fl_run_result res = { .set = &set, .stats = stats, .command = command, .exited = true };
	struct fl_match_info path_info = { .path = "/home/u/data/a.db", .exe = "/usr/bin/\xff" };
	struct fl_match_info sock_info = { .has_sockaddr = true,
					   .sockaddr = { .family = AF_INET6, .addr = { [15] = 1 },
							 .port = 5432 } };
	struct fl_decision shorten = { .has_short = true, .short_count = 100, .short_of = 4096,
				       .short_basis = FL_SHORT_BASIS_AVAILABLE, .short_asked = 65536,
				       .signal = SIGUSR1 };
	struct fl_decision refuse = { .error = ECONNREFUSED, .signal = 32 };
	char *frames[] = { (char *)"connect+0x1b (/lib/libc.so.6)", (char *)"dial\xff+0x8 (/bin/app)" };
	struct fl_injection a = { .seq = 1, .pid = 1, .tid = 1, .call = &calls[1], .syscall = "read",
				  .path = "data/a.db", .rule = &rules[0], .decision = &shorten,
				  .match = &path_info };
	struct fl_injection b = { .seq = 2, .pid = 1, .tid = 1, .call = &calls[1], .syscall = "connect",
				  .rule = &rules[0], .decision = &refuse, .match = &sock_info,
				  .stack = frames, .n_stack = 2, .has_stack = true };
	struct fl_injection c = { .seq = 3, .pid = 1, .tid = 1, .call = &calls[0], .syscall = "openat",
				  .path = "rel/x", .rule = &rules[0], .decision = &refuse,
				  .match = &(struct fl_match_info){ 0 }, .has_stack = true };
	const char *path, *addr, *sig, *proc, *hex;
	json_int_t port, sh, of, asked;
	const char *basis;
	json_t *root, *inj, *o;
	struct fl_report *r;
	int err = 0;

	r = fl_report_open(t->report, &err);
	assert_non_null(r);
	assert_int_equal(fl_report_add(r, &a), 0);
	assert_int_equal(fl_report_add(r, &b), 0);
	assert_int_equal(fl_report_add(r, &c), 0);
	assert_int_equal(fl_report_close(r, &res), 0);

	root = load(t->report);
	inj = json_object_get(root, "injections");
	assert_int_equal(json_array_size(inj), 3);

	o = json_array_get(inj, 0);
	assert_int_equal(json_unpack(o, "{s:s, s:s, s:s, s:{s:I, s:I, s:s, s:I, s:s!}}", "path",
				     &path, "process", &proc, "process_hex", &hex, "action", "short",
				     &sh, "short_of", &of, "short_basis", &basis, "asked", &asked,
				     "signal", &sig), 0);
	assert_string_equal(basis, "available");
	assert_int_equal(asked, 65536);
	assert_string_equal(path, "/home/u/data/a.db");
	assert_string_equal(proc, "/usr/bin/\xef\xbf\xbd");
	assert_string_equal(hex, "2f7573722f62696e2fff");
	assert_int_equal(sh, 100);
	assert_int_equal(of, 4096);
	assert_string_equal(sig, "SIGUSR1");
	assert_null(json_object_get(o, "address"));
	assert_null(json_object_get(o, "port"));
	/* No --stack, no "stack". */
	assert_null(json_object_get(o, "stack"));

	o = json_array_get(inj, 1);
	assert_int_equal(json_unpack(o, "{s:s, s:I, s:{s:s, s:I!}}", "address", &addr, "port", &port,
				     "action", "error", &sig, "signal", &of), 0);
	assert_string_equal(addr, "::1");
	assert_int_equal(port, 5432);
	assert_string_equal(sig, "ECONNREFUSED");
	assert_int_equal(of, 32);
	assert_null(json_object_get(o, "path"));
	assert_null(json_object_get(o, "process"));
	/* Frames in order; a byte that is no UTF-8 becomes U+FFFD, as in paths. */
	assert_int_equal(json_unpack(o, "{s:[ss!]}", "stack", &path, &proc), 0);
	assert_string_equal(path, "connect+0x1b (/lib/libc.so.6)");
	assert_string_equal(proc, "dial\xef\xbf\xbd+0x8 (/bin/app)");

	/* Nothing resolved: the raw path stays. */
	o = json_array_get(inj, 2);
	assert_string_equal(json_string_value(json_object_get(o, "path")), "rel/x");
	assert_null(json_object_get(o, "address"));
	/* --stack, but nothing could be unwound: an empty list. */
	assert_int_equal(json_array_size(json_object_get(o, "stack")), 0);
	assert_true(json_is_array(json_object_get(o, "stack")));

	json_decref(root);
}

/* No injections, killed by a signal, the largest seed, dry run. */
static void test_report_empty_signal_bigseed(void **state)
{
	struct tmpdir *t = *state;
	char *command[] = { (char *)"true", NULL };
	struct fl_run_result res = {
		.set = &set, .stats = stats, .seed = FL_SEED_MAX, .command = command,
		.exited = false, .term_signal = 11, .dry_run = true,
	};
	struct fl_report *r;
	const char *sig;
	json_int_t seed;
	json_t *root;
	int dry = 0;

	/* The command's own crash, noted like any process's; 11 is named, 77 is not. */
	struct fl_crash crash = { .pid = 40, .tid = 41, .signal = 11, .exe = "/bin/true",
				  .main = true };
	struct fl_crash odd = { .pid = 50, .tid = 50, .signal = 77 };
	const char *exe, *csig;
	json_int_t pid, tid, nsig;
	int is_main = 0;

	r = fl_report_open(t->report, NULL);
	assert_non_null(r);
	assert_int_equal(fl_report_add_crash(r, &crash), 0);
	assert_int_equal(fl_report_add_crash(r, &odd), 0);
	assert_int_equal(fl_report_close(r, &res), 0);
	assert_int_equal(fl_report_add_crash(NULL, &crash), -EBADF);

	root = load(t->report);
	assert_int_equal(json_array_size(json_object_get(root, "injections")), 0);
	/* The largest seed is still an exact JSON integer. */
	assert_int_equal(json_unpack(root, "{s:I, s:{s:s!}, s:b}", "seed", &seed, "exit",
				     "signal", &sig, "dry_run", &dry), 0);
	assert_true(seed == INT64_MAX);
	assert_string_equal(sig, "SIGSEGV");
	assert_true(dry);
	assert_int_equal(json_array_size(json_object_get(root, "crashes")), 2);
	assert_int_equal(json_unpack(json_array_get(json_object_get(root, "crashes"), 0),
				     "{s:I, s:I, s:s, s:s, s:b !}", "pid", &pid, "tid", &tid,
				     "exe", &exe, "signal", &csig, "main", &is_main), 0);
	assert_int_equal(pid, 40);
	assert_int_equal(tid, 41);
	assert_string_equal(exe, "/bin/true");
	assert_string_equal(csig, "SIGSEGV");
	assert_true(is_main);
	assert_int_equal(json_unpack(json_array_get(json_object_get(root, "crashes"), 1),
				     "{s:n, s:I, s:b}", "exe", "signal", &nsig, "main", &is_main), 0);
	assert_int_equal(nsig, 77);
	assert_false(is_main);
	json_decref(root);
}

static void test_report_free_without_close(void **state)
{
	struct tmpdir *t = *state;
	struct fl_report *r;

	r = fl_report_open(t->report, NULL);
	assert_non_null(r);
	add_three(r);
	assert_int_equal(count_entries(t->path), 1); /* the temp file */
	fl_report_free(r);
	assert_int_equal(count_entries(t->path), 0);
	fl_report_free(NULL);
}

/* rename() replaces a symlink at the destination; its target is untouched. */
static void test_report_replaces_symlink(void **state)
{
	struct tmpdir *t = *state;
	struct fl_run_result res = { .set = &set, .stats = stats, .seed = 1, .exited = true };
	char target[192];
	struct fl_report *r;
	struct stat st;
	char *text;
	FILE *f;

	snprintf(target, sizeof(target), "%s/precious", t->path);
	f = fopen(target, "we");
	assert_non_null(f);
	fputs("do not overwrite\n", f);
	fclose(f);
	assert_int_equal(symlink(target, t->report), 0);

	r = fl_report_open(t->report, NULL);
	assert_non_null(r);
	add_three(r);
	assert_int_equal(fl_report_close(r, &res), 0);

	assert_int_equal(lstat(t->report, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	text = slurp(target);
	assert_string_equal(text, "do not overwrite\n");
	free(text);
	json_decref(load(t->report));
	assert_int_equal(count_entries(t->path), 2);
}

/* Whole milliseconds are a JSON integer, finer delays a real. */
static void test_report_delay_encoding(void **state)
{
	struct tmpdir *t = *state;
	struct fl_run_result res = { .set = &set, .stats = stats, .exited = true };
	static const uint64_t delays[] = { 50000000, 250000, 1000000000 };
	struct fl_report *r;
	json_t *root, *injs, *v;

	r = fl_report_open(t->report, NULL);
	assert_non_null(r);
	for (size_t i = 0; i < FL_ARRAY_SIZE(delays); i++) {
		struct fl_decision d = { .delay_ns = delays[i] };
		struct fl_injection inj = { .seq = i + 1, .call = &calls[1], .rule = &rules[1],
					    .decision = &d };

		assert_int_equal(fl_report_add(r, &inj), 0);
	}
	assert_int_equal(fl_report_close(r, &res), 0);

	root = load(t->report);
	injs = json_object_get(root, "injections");
	v = json_object_get(json_object_get(json_array_get(injs, 0), "action"), "delay_ms");
	assert_true(json_is_integer(v) && json_integer_value(v) == 50);
	v = json_object_get(json_object_get(json_array_get(injs, 1), "action"), "delay_ms");
	assert_true(json_is_real(v) && json_real_value(v) == 0.25);
	v = json_object_get(json_object_get(json_array_get(injs, 2), "action"), "delay_ms");
	assert_true(json_is_integer(v) && json_integer_value(v) == 1000);
	/* Both sides: the sum, then each. */
	{
		struct fl_report *r2;
		char path[4096];
		struct fl_decision d = { .delay_sides = true, .delay_enter_ns = 300000000,
					 .delay_exit_ns = 250000 };
		struct fl_injection inj = { .seq = 1, .call = &calls[1], .rule = &rules[1],
					    .decision = &d };
		json_t *root2, *action;

		snprintf(path, sizeof(path), "%s.sides", t->report);
		r2 = fl_report_open(path, NULL);
		assert_non_null(r2);
		assert_int_equal(fl_report_add(r2, &inj), 0);
		assert_int_equal(fl_report_close(r2, &res), 0);
		root2 = load(path);
		action = json_object_get(json_array_get(json_object_get(root2, "injections"), 0),
					 "action");
		assert_true(json_real_value(json_object_get(action, "delay_ms")) == 300.25);
		assert_int_equal(json_integer_value(json_object_get(action, "delay_enter_ms")), 300);
		assert_true(json_real_value(json_object_get(action, "delay_exit_ms")) == 0.25);
		assert_int_equal(json_object_size(action), 3);
		json_decref(root2);
		unlink(path);
	}
	/* Both sides cut short: what was served in all, cut, of the sum; then each side. */
	{
		struct fl_report *r2;
		char path[4096];
		struct fl_decision d = { .delay_sides = true, .delay_enter_ns = 300000000,
					 .delay_exit_ns = 600000000, .delay_cut = true,
					 .delay_served_ns = 412345678 };
		struct fl_injection inj = { .seq = 1, .call = &calls[1], .rule = &rules[1],
					    .decision = &d };
		json_t *root2, *action;

		snprintf(path, sizeof(path), "%s.cut", t->report);
		r2 = fl_report_open(path, NULL);
		assert_non_null(r2);
		assert_int_equal(fl_report_add(r2, &inj), 0);
		assert_int_equal(fl_report_close(r2, &res), 0);
		root2 = load(path);
		action = json_object_get(json_array_get(json_object_get(root2, "injections"), 0),
					 "action");
		assert_true(json_real_value(json_object_get(action, "delay_ms")) == 412.345);
		assert_true(json_is_true(json_object_get(action, "delay_cut")));
		assert_int_equal(json_integer_value(json_object_get(action, "delay_of_ms")), 900);
		assert_int_equal(json_integer_value(json_object_get(action, "delay_enter_ms")), 300);
		assert_int_equal(json_integer_value(json_object_get(action, "delay_exit_ms")), 600);
		assert_int_equal(json_object_size(action), 5);
		json_decref(root2);
		unlink(path);
	}
	/* A delay-only action has nothing else; the syscall name is looked up. */
	assert_int_equal(json_object_size(json_object_get(json_array_get(injs, 0), "action")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(injs, 0), "syscall")),
			    "read");
	json_decref(root);
}

/*
 * A close that can't rename (a directory appeared in the way while the
 * program ran) leaves no temp file. A directory there from the start is
 * refused when the report is opened, before anything runs.
 */
static void test_report_close_fails(void **state)
{
	struct tmpdir *t = *state;
	struct fl_run_result res = { .set = &set, .stats = stats, .exited = true };
	struct fl_report *r;
	int err = 0;

	assert_int_equal(mkdir(t->report, 0755), 0);
	assert_null(fl_report_open(t->report, &err));
	assert_int_equal(err, -EISDIR);
	assert_int_equal(count_entries(t->path), 1);
	assert_int_equal(rmdir(t->report), 0);

	r = fl_report_open(t->report, NULL);
	assert_non_null(r);
	assert_int_equal(mkdir(t->report, 0755), 0);
	add_three(r);
	assert_int_equal(count_entries(t->path), 2);
	assert_int_equal(fl_report_close(r, &res), -EISDIR);
	assert_int_equal(count_entries(t->path), 1);
}

static void test_report_open_errors(void **state)
{
	struct tmpdir *t = *state;
	char path[192];
	int err = 0;

	snprintf(path, sizeof(path), "%s/missing/report.json", t->path);
	assert_null(fl_report_open(path, &err));
	assert_int_equal(err, -ENOENT);

	snprintf(path, sizeof(path), "%s/", t->path);
	assert_null(fl_report_open(path, &err));
	assert_int_equal(err, -EISDIR);

	assert_null(fl_report_open("", &err));
	assert_int_equal(err, -ENOENT);
	assert_int_equal(count_entries(t->path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_injection),
		cmocka_unit_test(test_log_injection_fallbacks),
		cmocka_unit_test(test_log_targeting),
		cmocka_unit_test(test_format_result_and_duration),
		cmocka_unit_test(test_log_header),
		cmocka_unit_test(test_log_summary),
		cmocka_unit_test_setup_teardown(test_report_targeting, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_report_roundtrip, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_report_empty_signal_bigseed, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_report_free_without_close, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_report_replaces_symlink, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_report_delay_encoding, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_report_close_fails, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_report_open_errors, setup_dir, teardown_dir),
	};

	calls[0].arch = native_abi();
	calls[1].arch = native_abi();
	calls[2].arch = compat_abi();
	calls[2].nr = fl_syscall_nr(compat_abi(), "openat");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
