/*
 * Crash consistency (README "Crash consistency"): crash: kill and
 * crash: power-loss through the real binary, on the fl-crash helper
 * (tests/helpers), which keeps a file wrongly (in place, no fsync) or
 * rightly (temp file, fsync, rename, directory fsync). The files live in
 * the case's temporary directory; the roll-back is checked byte for byte.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A program killed by SIGKILL, as a shell says it: 128 + 9. */
#define EXIT_CRASHED 137
/* --check failed: FL_EXIT_EXPECTATION. */
#define EXIT_CHECK_FAILED 122

static const char *helper(void)
{
	char *copy = fl_strf("%s", fl_victim());

	return fl_strf("%s/fl-crash", dirname(copy));
}

/* A fresh directory "data" in the case's temporary directory, by its real path. */
static char *data_dir(void)
{
	char *dir = fl_path("data"), real[PATH_MAX];

	assert_int_equal(mkdir(dir, 0755), 0);
	assert_non_null(realpath(dir, real));
	return fl_strf("%s", real);
}

/* The helper's own check of FILE against ACK: 0 when it survived. */
static int helper_check(const char *file, const char *ack)
{
	struct fl_result r;

	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", helper(), "check", file, ack);
	return r.code;
}

static void init_file(const char *file)
{
	struct fl_result r;

	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", helper(), "init", file);
	fl_assert_exit(&r, 0);
}

/* ---- crash: kill ---------------------------------------------------------- */

static void kill_at_call_137(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir), *ack = fl_path("ack");
	char *report = fl_path("r.json");
	char *rule = fl_strf("{name: torn, syscall: pwrite64, path: '%s/**', crash: kill, after: 1}",
			     dir);
	struct fl_result r;
	json_t *j, *c;

	(void)state;
	init_file(file);
	FL_RUN(&r, "run", "--report", report, "-e", rule, "--", helper(), "inplace", file, ack, "3");
	fl_assert_exit(&r, EXIT_CRASHED);
	fl_assert_err_has(&r, "crashed (kill): the traced tree killed before the call ran (rule \"torn\")");
	fl_assert_err_has(&r, "faultline: crashed (kill) at pwrite64 of pid ");
	/* Killed at the second half of version 1: the first half is there, the second is not. */
	char *got = fl_read_file(file);
	assert_int_equal(strlen(got), 64);
	assert_memory_equal(got, "v=0000000001 b", 14);
	assert_int_equal(got[40], 'a');
	assert_int_not_equal(helper_check(file, ack), 0);

	j = fl_load_json(report);
	assert_string_equal(fl_json_str(fl_json_get(j, "exit"), "signal"), "SIGKILL");
	c = fl_json_get(j, "crash");
	assert_string_equal(fl_json_str(c, "mode"), "kill");
	assert_string_equal(fl_json_str(c, "rule"), "torn");
	assert_string_equal(fl_json_str(c, "syscall"), "pwrite64");
	assert_true(fl_json_int(c, "pid") > 0);
	assert_int_equal(json_array_size(fl_json_get(c, "rolled_back")), 0);
	json_t *inj = json_array_get(fl_json_get(j, "injections"), 0);
	assert_string_equal(fl_json_str(fl_json_get(inj, "action"), "crash"), "kill");
	json_decref(j);
}

/* The call the crash is at never runs: crashed at the first write, the file is untouched. */
static void kill_before_the_call_runs(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir), *ack = fl_path("ack");
	char *rule = fl_strf("{syscall: pwrite64, path: '%s/**', crash: kill}", dir);
	struct fl_result r;

	(void)state;
	init_file(file);
	char *before = fl_read_file(file);
	FL_RUN(&r, "run", "-e", rule, "--", helper(), "inplace", file, ack, "3");
	fl_assert_exit(&r, EXIT_CRASHED);
	assert_string_equal(fl_read_file(file), before);
	assert_int_equal(helper_check(file, ack), 0);
}

/* A dry run only says where it would crash. */
static void dry_run_does_not_crash(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir), *ack = fl_path("ack");
	char *rule = fl_strf("{syscall: pwrite64, path: '%s/**', crash: power-loss}", dir);
	struct fl_result r;

	(void)state;
	init_file(file);
	FL_RUN(&r, "run", "--dry-run", "-e", rule, "--", helper(), "inplace", file, ack, "2");
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "crashed (power-loss)");
	fl_assert_err_lacks(&r, "faultline: crashed (");
	assert_memory_equal(fl_read_file(file), "v=0000000002 ", 13);
}

/* ---- crash: power-loss ------------------------------------------------------ */

/* What fl-crash durable wrote before its fsync: byte i is i * 7 + 3. */
static void assert_durable_content(const char *file)
{
	FILE *f = fopen(file, "rb");
	unsigned char buf[8192];
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, 4096);
	for (size_t i = 0; i < n; i++)
		if (buf[i] != (unsigned char)(i * 7 + 3))
			fail_msg("byte %zu is %u, not %u as at the fsync", i, buf[i],
				 (unsigned char)(i * 7 + 3));
}

static void power_loss_rolls_back_to_fsync(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir), *report = fl_path("r.json");
	char *rule = fl_strf("{syscall: fdatasync, path: '%s/**', crash: power-loss}", dir);
	struct fl_result r;
	json_t *j, *rb;

	(void)state;
	FL_RUN(&r, "run", "--report", report, "-e", rule, "--", helper(), "durable", file);
	fl_assert_exit(&r, EXIT_CRASHED);
	fl_assert_err_has(&r, "faultline: power loss: 1 roll-back");
	fl_assert_err_has(&r, fl_strf("faultline:   %s: content as at its last durability point "
				      "(4096 bytes;", file));
	/* pwrite64, write past the end, ftruncate, pwritev and fallocate all undone. */
	assert_durable_content(file);
	j = fl_load_json(report);
	rb = json_array_get(fl_json_get(fl_json_get(j, "crash"), "rolled_back"), 0);
	assert_string_equal(fl_json_str(rb, "what"), "content");
	assert_string_equal(fl_json_str(rb, "path"), file);
	assert_int_equal(fl_json_int(rb, "size"), 4096);
	assert_true(fl_json_get(fl_json_get(j, "crash"), "complete") == json_true());
	json_decref(j);
}

/* The same crash without the model keeps what the page cache had: not the fsynced bytes. */
static void kill_keeps_unsynced_writes(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir);
	char *rule = fl_strf("{syscall: fdatasync, path: '%s/**', crash: kill}", dir);
	struct stat st;
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", rule, "--", helper(), "durable", file);
	fl_assert_exit(&r, EXIT_CRASHED);
	assert_int_equal(stat(file, &st), 0);
	assert_int_not_equal(st.st_size, 4096);
}

/* Crashed at the first fsync, before it ran: a new file keeps its entry (dirs: keep) but no data. */
static void new_file_unsynced_is_empty(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir);
	char *rule = fl_strf("{syscall: fsync, path: '%s/**', crash: power-loss}", dir);
	struct stat st;
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", rule, "--", helper(), "durable", file);
	fl_assert_exit(&r, EXIT_CRASHED);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 0);
}

/*
 * fl-crash point KIND, crashed at its final fdatasync: the file as its
 * durability points left it. Byte i of the first write is i * 7 + 3, of
 * the later ones i * 7 + 104; @synced bytes of the later ones at offset 0
 * were made durable (an O_DSYNC write, sync_file_range, syncfs, sync).
 */
static void assert_point(const char *kind, size_t synced)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir), *report = fl_path("r.json");
	char *rule = fl_strf("{syscall: fdatasync, path: '%s/f', crash: power-loss}", dir);
	unsigned char buf[8192];
	struct fl_result r;
	size_t n;
	FILE *f;

	FL_RUN(&r, "run", "--report", report, "-e", rule, "--", helper(), "point", kind, file);
	fl_assert_exit(&r, EXIT_CRASHED);
	f = fopen(file, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != 4096)
		fail_msg("%s: %zu bytes after the roll-back, not 4096", kind, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char want = (unsigned char)(i * 7 + (i < synced ? 104 : 3));

		if (buf[i] != want)
			fail_msg("%s: byte %zu is %u, not %u", kind, i, buf[i], want);
	}
	if (!strcmp(kind, "mmap")) {
		json_t *j = fl_load_json(report), *no = json_array_get(fl_json_get(j, "notices"), 0);

		assert_non_null(no);
		assert_string_equal(fl_json_str(no, "kind"), "mmap");
		fl_assert_err_has(&r, "writes through the mapping are not in the power-loss model");
		json_decref(j);
	}
	/* Each kind in a directory of its own. */
	assert_int_equal(rename(dir, fl_path(fl_strf("data-%s", kind))), 0);
}

/* What each of the other writing calls and durability points does to the model. */
static void other_calls_and_durability_points(void **state)
{
	(void)state;
	assert_point("osync", 100);    /* the O_DSYNC write stays, the plain one after it goes */
	assert_point("copy", 0);       /* copy_file_range into the file is undone */
	assert_point("sendfile", 0);   /* so is sendfile, past the end */
	assert_point("range", 100);    /* the synced range stays; the extension (a size) goes */
	assert_point("syncfs", 100);
	assert_point("sync", 100);
	assert_point("mmap", 0);       /* said, not modelled */
}

/* ---- --check ---------------------------------------------------------------- */

static void check_decides_the_status(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir), *ack = fl_path("ack");
	char *check = fl_strf("%s check %s %s", helper(), file, ack);
	/* At version 2's first write: version 1 was acknowledged, and never made durable. */
	char *lost = fl_strf("{syscall: pwrite64, path: '%s/**', crash: power-loss, after: 2}", dir);
	/* At version 1's first write: nothing was acknowledged yet. */
	char *early = fl_strf("{syscall: pwrite64, path: '%s/**', crash: power-loss}", dir);
	struct fl_result r;

	(void)state;
	init_file(file);
	FL_RUN(&r, "run", "--check", check, "-e", lost, "--", helper(), "inplace", file, ack, "3");
	fl_assert_exit(&r, EXIT_CHECK_FAILED);
	fl_assert_err_has(&r, "version 0, but 1 was acknowledged");
	fl_assert_err_has(&r, "faultline: check failed after the crash: exit 1 from ");
	assert_memory_equal(fl_read_file(file), "v=0000000000 ", 13);

	init_file(file);
	FL_RUN(&r, "run", "--check", check, "-e", early, "--", helper(), "inplace", file, ack, "3");
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "faultline: check passed after the crash");

	/* No crash: the check still runs, and a failure turns the program's 0 into 122. */
	FL_RUN(&r, "run", "--check", "exit 3", "-e", FL_NOOP_RULE, "--", helper(), "init", file);
	fl_assert_exit(&r, EXIT_CHECK_FAILED);
	FL_RUN(&r, "run", "--check", "true", "-e", FL_NOOP_RULE, "--", helper(), "init", file);
	fl_assert_exit(&r, 0);
}

/* ---- sweep --crash ------------------------------------------------------------ */

/* sh -c @line, untraced (a faultline under faultline could not trace), quiet: its exit status. */
static int run_sh(const char *line)
{
	int st = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* faultline sweep --crash --check "fl-crash check FILE ACK" -e RULE -- fl-crash MODE FILE ACK 2 */
static void sweep_crash(struct fl_result *r, const char *dir, const char *mode, const char *dirs)
{
	const char *m = getenv("FL_MODE");
	char *file = fl_strf("%s/f", dir), *ack = fl_path("ack");
	char *check = fl_strf("%s check %s %s", helper(), file, ack);
	char *rule = fl_strf("{syscall: [" FL_OPEN_NAMES ", write, pwrite64, fsync, " FL_RENAME_NAME "], "
			     "path: '%s/**', crash: power-loss, dirs: %s}", dir, dirs);
	bool no_seccomp = m && !strcmp(m, "no-seccomp");
	const char *argv[] = { "sweep", no_seccomp ? "--no-seccomp" : "--crash", "--crash",
			       "--check", check, "-e", rule, "--", helper(), mode, file, ack, "2",
			       NULL };

	init_file(file);
	fl_run_argv(r, argv);
}

/* In place without fsync: the acknowledged versions are lost at the later crash points. */
static void sweep_finds_inplace_update_unsafe(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir);
	struct fl_result r;
	char *repro, *end;

	(void)state;
	sweep_crash(&r, dir, "inplace", "keep");
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "  check failed 3\n");
	fl_assert_out_has(&r, "  handled      3\n");
	fl_assert_out_has(&r, "version 0, but 1 was acknowledged");
	/* The sweep put the file back as it found it. */
	assert_memory_equal(fl_read_file(file), "v=0000000000 ", 13);
	assert_false(fl_exists(fl_strf("%s/f.tmp", dir)));

	/* The first reproducer does what the sweep saw: the check fails after the crash. */
	repro = strstr(r.out, "  reproduce: ");
	assert_non_null(repro);
	repro = fl_strf("%s", repro + strlen("  reproduce: "));
	end = strchr(repro, '\n');
	assert_non_null(end);
	*end = '\0';
	init_file(file);
	assert_int_equal(run_sh(repro), 122);
}

/* Temp file, fsync, rename, directory fsync: no crash point loses anything, even with dirs: lose. */
static void sweep_atomic_update_survives(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir);
	struct fl_result r;

	(void)state;
	sweep_crash(&r, dir, "atomic", "lose");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "  check failed 0\n");
	fl_assert_out_has(&r, "  handled      14\n");
	assert_memory_equal(fl_read_file(file), "v=0000000000 ", 13);
}

/* Without the directory fsync the rename may be lost: dirs: lose finds it, dirs: keep does not. */
static void sweep_dirs_lose_finds_missing_dir_fsync(void **state)
{
	char *dir = data_dir();
	struct fl_result r;

	(void)state;
	sweep_crash(&r, dir, "rename", "lose");
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "  check failed 5\n");
	sweep_crash(&r, dir, "rename", "keep");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "  check failed 0\n");
}

static void sweep_crash_flags_125(void **state)
{
	char *dir = data_dir(), *file = fl_strf("%s/f", dir);
	char *rule = fl_strf("{syscall: write, path: '%s/**', crash: kill}", dir);
	struct fl_result r;

	(void)state;
	init_file(file);
	FL_RUN(&r, "sweep", "--crash", "-e", rule, "--", helper(), "init", file);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "--crash needs --check CMD");
	FL_RUN(&r, "sweep", "-e", rule, "--", helper(), "init", file);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "has crash:; sweep its crash points with faultline sweep --crash");
	FL_RUN(&r, "sweep", "--crash", "--check", "true", "-e", "{syscall: write, error: EIO}", "--",
	       helper(), "init", file);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "has no crash:");
	FL_RUN(&r, "sweep", "--crash", "--check", "true", "-e",
	       "{syscall: write, path: '/tmp*/**', crash: kill}", "--", helper(), "init", file);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "names no place of its own");
	/* A check that fails without any crash would fail every crash point. */
	FL_RUN(&r, "sweep", "--crash", "--check", "false", "-e", rule, "--", helper(), "init", file);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "fails after");
}

/* ---- sqlite3 ------------------------------------------------------------------ */

/*
 * sqlite3 (the real one) inserts two rows, each in its own transaction,
 * and says so in ACK after each COMMIT returns (.once ACK: the file is
 * written and closed before the next statement); the check is sqlite's
 * own recovery (opening the database rolls a hot journal back, or replays
 * the WAL), its integrity_check, and every acknowledged row there: one
 * sqlite3 that fails (-bail, an integer overflow) unless both hold. Swept
 * at every pwrite64, fsync and fdatasync of the database's files.
 */
static void sweep_sqlite(const char *journal, const char *sync, bool want_lost)
{
	const char *m = getenv("FL_MODE");
	char *dir = data_dir(), *db = fl_strf("%s/x.db", dir), *ack = fl_path("ack");
	char *work = fl_mkfile(fl_strf("work-%s-%s.sql", journal, sync), fl_strf(
		".once %s\n"
		"SELECT 0;\n"
		"PRAGMA journal_mode=%s;\n"
		"PRAGMA synchronous=%s;\n"
		"INSERT INTO t VALUES (1, 'one');\n"
		".once %s\n"
		"SELECT 1;\n"
		"INSERT INTO t VALUES (2, 'two');\n"
		".once %s\n"
		"SELECT 2;\n", ack, journal, sync, ack, ack));
	char *check = fl_strf("/usr/bin/sqlite3 -bail %s \"SELECT CASE WHEN (SELECT "
			      "group_concat(integrity_check) FROM pragma_integrity_check) = 'ok' "
			      "AND (SELECT count(*) FROM t) >= CAST(readfile('%s') AS INT) THEN "
			      "'survived' ELSE abs(-9223372036854775808) END\"", db, ack);
	char *rule = fl_strf("{syscall: [pwrite64, fsync, fdatasync], path: '%s/**', "
			     "crash: power-loss}", dir);
	bool no_seccomp = m && !strcmp(m, "no-seccomp");
	const char *argv[] = { "sweep", no_seccomp ? "--no-seccomp" : "--crash", "--crash",
			       "--check", check, "-e", rule, "--", "/usr/bin/sqlite3", db,
			       fl_strf(".read %s", work), NULL };
	struct fl_result r;

	if (access("/usr/bin/sqlite3", X_OK) != 0)
		fl_skip("sqlite3 is not installed (apt-get install sqlite3)");
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", "/usr/bin/sqlite3", db,
	       fl_strf("PRAGMA journal_mode=%s; CREATE TABLE t(a, b);", journal));
	fl_assert_exit(&r, 0);
	/* A sweep of 14 to 28 runs of two sqlite3 each: slow under a sanitizer. */
	fl_set_run_timeout(300000);
	fl_run_argv(&r, argv);
	if (want_lost) {
		fl_assert_exit(&r, 1);
		fl_assert_out_lacks(&r, "  check failed 0\n");
		fl_assert_out_has(&r, "integer overflow");
	} else {
		fl_assert_exit(&r, 0);
		fl_assert_out_has(&r, "  check failed 0\n");
	}
	fl_assert_out_has(&r, "  crashed      0\n");
	assert_int_equal(rename(dir, fl_path(fl_strf("data-%s-%s", journal, sync))), 0);
}

/* Rollback journal: synchronous=OFF loses acknowledged rows at some crash points, FULL at none. */
static void sqlite_journal_off_vs_full(void **state)
{
	(void)state;
	sweep_sqlite("delete", "off", true);
	sweep_sqlite("delete", "full", false);
}

/* The same in WAL mode. */
static void sqlite_wal_off_vs_full(void **state)
{
	(void)state;
	sweep_sqlite("wal", "off", true);
	sweep_sqlite("wal", "full", false);
}

/* ---- rules ------------------------------------------------------------------ */

static void crash_rules_checked_125(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: write, crash: kill, error: EIO}", "--", "true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "key 'crash' and key 'error' cannot be used together");
	FL_RUN(&r, "run", "-e", "{syscall: write, crash: power-loss}", "--", "true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "power-loss needs 'path:'");
	FL_RUN(&r, "run", "-e", "{syscall: write, crash: kill, dirs: lose}", "--", "true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "key 'dirs' goes with 'crash: power-loss'");
	FL_RUN(&r, "run", "-e", "{syscall: write, crash: powerloss}", "--", "true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "did you mean 'power-loss'?");
	FL_RUN(&r, "run", "-e", "{syscall: write, crash: kill}", "-p", "1");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "a 'crash' rule goes with a program faultline starts");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(kill_at_call_137),
		FL_TEST(kill_before_the_call_runs),
		FL_TEST(dry_run_does_not_crash),
		FL_TEST(power_loss_rolls_back_to_fsync),
		FL_TEST(kill_keeps_unsynced_writes),
		FL_TEST(new_file_unsynced_is_empty),
		FL_TEST(other_calls_and_durability_points),
		FL_TEST(check_decides_the_status),
		FL_TEST(crash_rules_checked_125),
		FL_TEST(sweep_finds_inplace_update_unsafe),
		FL_TEST(sweep_atomic_update_survives),
		FL_TEST(sweep_dirs_lose_finds_missing_dir_fsync),
		FL_TEST(sweep_crash_flags_125),
		FL_TEST(sqlite_journal_off_vs_full),
		FL_TEST(sqlite_wal_off_vs_full),
	};

	return fl_main(argc, argv, "crash", tests, FL_ARRAY_SIZE(tests), true);
}
