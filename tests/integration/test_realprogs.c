/*
 * What a round of chaos against software nobody here wrote found (issue
 * 17): each case runs the real program the finding came from (cp, sh,
 * cat, git, sqlite3, a mktemp user) and checks the result a user relies
 * on. A case whose program is missing skips, saying which.
 */
#include "harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An executable named @name on PATH (or at an absolute @name), or skip. */
static void need(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;

	if (name[0] == '/') {
		if (access(name, X_OK) < 0)
			fl_skip(fl_strf("%s is not installed", name));
		return;
	}
	copy = fl_strf("%s", path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (access(fl_strf("%s/%s", dir, name), X_OK) == 0)
			return;
	fl_skip(fl_strf("%s is not installed", name));
}

/* The report at @path, freed at the next call (tests fail by longjmp). */
static json_t *report_json(const char *path)
{
	static json_t *last;

	json_decref(last);
	last = path ? fl_load_json(path) : NULL;
	if (path)
		assert_non_null(last);
	return last;
}

/* Its "injections" (borrowed from report_json()'s). */
static json_t *injections(const char *report)
{
	return json_object_get(report_json(report), "injections");
}

static json_int_t rule_injected(const char *report, size_t i)
{
	json_t *j = fl_load_json(report);
	json_int_t n = fl_json_int(json_array_get(json_object_get(j, "rules"), i), "injected");

	json_decref(j);
	return n;
}

/* ---- short: of what the call can move (item 1) ---------------------------- */

/*
 * cp asks copy_file_range for 2^63 bytes. Half of that (capped at 2 GiB)
 * is more than the file: the whole file moved in one call, "shortened".
 * Half must be of what is left in the file.
 */
static void cp_short_is_of_the_file(void **state)
{
	char *dir = fl_path("d"), *src, *content;
	char *report = fl_path("r.json");
	size_t len = 5 * 1000 * 1000;
	struct fl_result r;
	json_t *inj, *one;
	size_t i, n_cfr = 0;

	(void)state;
	need("cp");
	assert_int_equal(mkdir(dir, 0755), 0);
	content = malloc(len + 1);
	for (size_t k = 0; k < len; k++)
		content[k] = (char)('a' + k % 23);
	content[len] = '\0';
	src = fl_mkfile("d/in", content);
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: [copy_file_range, read, write], path: '%s/**', "
					"short: 50%%, expect: {min: 1}}", dir),
	       "--report", report, "--", "cp", src, fl_strf("%s/out", dir));
	fl_assert_exit(&r, 0);
	fl_assert_err_lacks(&r, "of 2147479552 bytes");
	assert_true(strcmp(fl_read_file(fl_strf("%s/out", dir)), content) == 0);
	inj = injections(report);
	json_array_foreach(inj, i, one) {
		json_t *action = fl_json_get(one, "action");

		if (strcmp(fl_json_str(one, "syscall"), "copy_file_range") != 0)
			continue;
		n_cfr++;
		/* The first cut: half of the 5 MB there were, never of the 2^63 asked. */
		if (n_cfr == 1) {
			assert_int_equal(fl_json_int(action, "short_of"), (json_int_t)len);
			assert_int_equal(fl_json_int(action, "short"), (json_int_t)len / 2);
		}
		assert_true(fl_json_int(action, "short_of") <= (json_int_t)len);
		assert_string_equal(fl_json_str(action, "short_basis"), "file-size");
		assert_true(fl_json_int(action, "asked") > (json_int_t)len);
	}
	/* cp had to come back for the rest, again and again. */
	assert_true(n_cfr >= 2);
	free(content);
	report_json(NULL);
}

/*
 * sqlite3 reads its pages with pread64 at an offset of its own: half of
 * each read is of what the file holds from that offset, and sqlite3
 * loops until it has its page (the answer stays right).
 */
static void sqlite_pread_short_of_the_file(void **state)
{
	char *db = fl_path("t.db"), *report = fl_path("r.json");
	struct fl_result r;
	struct stat st;
	json_t *one;
	size_t i, n = 0;

	(void)state;
	need("sqlite3");
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", "sqlite3", db,
	       "create table t(x); insert into t values (randomblob(3000)); "
	       "insert into t values (randomblob(3000)); insert into t values (randomblob(3000));");
	fl_assert_exit(&r, 0);
	assert_int_equal(stat(db, &st), 0);
	FL_RUN(&r, "run", "--report", report, "-e",
	       fl_strf("{syscall: pread64, path: '%s', short: 50%%, expect: {min: 1}}", db), "--",
	       "sqlite3", db, "select count(*), sum(length(x)) from t");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "stdout", r.out, "3|9000\n");
	json_array_foreach(injections(report), i, one) {
		json_t *action = fl_json_get(one, "action");
		json_int_t off = json_integer_value(json_array_get(fl_json_get(one, "args"), 3));

		assert_string_equal(fl_json_str(action, "short_basis"), "file-size");
		assert_true(fl_json_int(action, "short_of") <= (json_int_t)st.st_size - off);
		assert_int_equal(fl_json_int(action, "short"), fl_json_int(action, "short_of") / 2);
		n++;
	}
	assert_true(n >= 2);
	report_json(NULL);
}

/*
 * A read from /dev/null: how much it could move is unknown at entry (no
 * file size, no FIONREAD), and it moves nothing. A short that did not
 * shorten is no injection: expect: {min: 1} is not met.
 */
static void short_that_did_not_bite(void **state)
{
	char *report = fl_path("r.json");
	struct fl_result r;

	(void)state;
	need("cat");
	FL_RUN(&r, "run", "-e", "{syscall: read, fd: 0, short: 50%, expect: {min: 1}}",
	       "--report", report, "--", "cat");
	fl_assert_exit(&r, 122);
	fl_assert_err_lacks(&r, "shortened to");
	assert_int_equal(rule_injected(report, 0), 0);
	assert_int_equal(json_array_size(injections(report)), 0);
	report_json(NULL);

	/* Its times: budget is given back: the one cut that bites still comes. */
	FL_RUN(&r, "run", "-e", "{syscall: read, short: 50%, times: 1, expect: {min: 1}}",
	       "--report", report, "--", "/bin/sh", "-c", "cat < /dev/null; echo 0123456789 | cat");
	fl_assert_exit(&r, 0);
	assert_int_equal(rule_injected(report, 0), 1);
}

/* ---- " (deleted)" (item 2) ---------------------------------------------------- */

static void deleted_suffix_only_when_deleted(void **state)
{
	char *dir = fl_path("d");
	struct fl_result r;

	(void)state;
	need("/bin/sh");
	assert_int_equal(mkdir(dir, 0755), 0);
	/* A file whose real name ends in " (deleted)" is not its stem. */
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: write, path: '%s/log', error: EIO}", dir), "--",
	       "/bin/sh", "-c", fl_strf("exec 3>'%s/log (deleted)'; echo hi >&3", dir));
	fl_assert_exit(&r, 0);
	assert_true(strcmp(fl_read_file(fl_strf("%s/log (deleted)", dir)), "hi\n") == 0);
	/* ... but matches by its own name, suffix and all. */
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: write, path: '%s/log (deleted)', error: EIO}", dir),
	       "--", "/bin/sh", "-c", fl_strf("exec 3>'%s/log (deleted)'; echo hi >&3", dir));
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, "I/O error");
	/* A file really unlinked while open still matches by its old name. */
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: write, path: '%s/gone', error: EIO}", dir), "--",
	       "/bin/sh", "-c", fl_strf("exec 3>'%s/gone'; rm '%s/gone'; echo hi >&3", dir, dir));
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, fl_strf("[path \"%s/gone\"]", dir));
}

/* ---- fd_type (item 9) --------------------------------------------------------- */

/*
 * EINTR on every read of the tree would hit the dynamic loader reading
 * libc ("cannot read file data: Error 4"); aimed at pipes, only the reads
 * of the pipe fail, and cat retries them.
 */
static void fd_type_aims_at_pipes(void **state)
{
	char *file = fl_mkfile("in.txt", "from a file\n");
	char *report = fl_path("r.json");
	struct fl_result r;
	json_t *one;
	size_t i;

	(void)state;
	need("cat");
	FL_RUN(&r, "run", "-e", "{syscall: read, fd_type: [pipe, socket, tty], error: EINTR, "
	       "times: 3}", "--report", report, "--", "/bin/sh", "-c",
	       fl_strf("cat '%s'; echo x | cat", file));
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "stdout", r.out, "from a file\nx\n");
	assert_int_equal(rule_injected(report, 0), 3);
	/* Every one on the pipe: the second cat's stdin. */
	json_array_foreach(injections(report), i, one)
		assert_int_equal(json_integer_value(json_array_get(fl_json_get(one, "args"), 0)), 0);
	report_json(NULL);

	/* The other way round: regular files only, and the loader meets them. */
	FL_RUN(&r, "run", "-e", "{syscall: read, fd_type: regular, error: EINTR, times: 1}", "--",
	       "cat", file);
	fl_assert_err_has(&r, "shared libraries");
	fl_assert_exit(&r, 127);
}

/* ---- sweep (items 3 and 4) ----------------------------------------------------- */

/* faultline sweep [--no-seccomp in that mode] ARGS... */
static void sweep(struct fl_result *r, const char *const *args)
{
	const char *argv[32] = { "sweep" };
	const char *mode = getenv("FL_MODE");
	size_t n = 1;

	if (mode && !strcmp(mode, "no-seccomp"))
		argv[n++] = "--no-seccomp";
	for (size_t i = 0; args[i]; i++) {
		assert_true(n < FL_ARRAY_SIZE(argv) - 1);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	fl_run_argv(r, argv);
}

/*
 * A program whose runs share state (one git directory, taken with a
 * lock that a second run at the same time cannot get) must not race
 * against itself in the baseline: its two passes run one after the other,
 * whatever -j says, and agree.
 */
static void sweep_baseline_passes_in_turn(void **state)
{
	char *dir = fl_path("repo"), *lock = fl_path("lock");
	struct fl_result r;

	(void)state;
	need("git");
	sweep(&r, (const char *const[]){
		"-j", "2", "--max-runs", "1", "-e",
		fl_strf("{syscall: mkdir, path: '%s/**', error: EACCES}", dir), "--", "/bin/sh", "-c",
		fl_strf("mkdir '%s' || exit 3; rm -rf '%s'; git init -q '%s'; s=$?; sleep 0.2; "
			"rmdir '%s'; exit $s", lock, dir, dir, lock), NULL });
	fl_assert_err_lacks(&r, "calls matching rule");
	fl_assert_err_lacks(&r, "did not end the same way");
	fl_assert_err_lacks(&r, "fails without any injection");
	fl_assert_err_has(&r, "baseline: running");
	fl_assert_out_has(&r, "runs: 1 of ");
}

/*
 * A baseline that fails on its own (git outside a repository: exit 128)
 * is faultline's error, 125, unless --allow-unstable says otherwise.
 */
static void sweep_failing_baseline_125(void **state)
{
	char *dir = fl_path("nothing-here");
	struct fl_result r;

	(void)state;
	need("git");
	assert_int_equal(mkdir(dir, 0755), 0);
	sweep(&r, (const char *const[]){
		"-e", "{syscall: [openat, stat, newfstatat], error: EACCES}", "--", "git", "-C", dir,
		"--no-pager", "log", NULL });
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "fails without any injection (exit 128)");
	fl_assert_err_has(&r, "not a git repository");
	fl_assert_err_has(&r, "--allow-unstable");
	sweep(&r, (const char *const[]){
		"--allow-unstable", "--max-runs", "2", "-e", "{syscall: openat, error: EACCES}", "--",
		"git", "-C", dir, "--no-pager", "log", NULL });
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "warning: git -C");
	fl_assert_out_has(&r, "runs: 2 of ");
}

/*
 * A program that uses temporary names (mktemp, here for git init's
 * directory) makes the same calls on other paths in every run: no run
 * diverged, and the path shows as information.
 */
static void sweep_temp_names_not_diverged(void **state)
{
	char *tmp = fl_path("tmp"), *report = fl_path("sweep.json");
	struct fl_result r;
	json_t *j, *run;
	size_t i, n_other_path = 0;

	(void)state;
	need("git");
	need("mktemp");
	assert_int_equal(mkdir(tmp, 0755), 0);
	sweep(&r, (const char *const[]){
		"-j", "2", "--max-runs", "8", "--report", report, "-e",
		fl_strf("{syscall: [mkdir, openat], path: '%s/**', error: EACCES}", tmp), "--",
		"/bin/sh", "-c",
		fl_strf("d=$(mktemp -d -p '%s'); git init -q \"$d\"; s=$?; rm -rf \"$d\"; exit $s",
			tmp), NULL });
	fl_assert_exit(&r, 0);
	fl_assert_out_lacks(&r, "instead)");
	j = fl_load_json(report);
	json_array_foreach(json_object_get(j, "runs"), i, run) {
		if (json_is_true(json_object_get(run, "diverged")))
			fail_msg("run %zu diverged: %s", i + 1, json_dumps(run, 0));
		n_other_path += json_object_get(run, "failed_path") != NULL;
	}
	assert_int_equal(json_array_size(json_object_get(j, "runs")), 8);
	/* Every run made its own directory: the first call is mktemp's mkdir of it. */
	assert_true(n_other_path >= 1);
	json_decref(j);
}

/* ---- errnos a call never returns (item 6) ------------------------------------- */

/*
 * brk answers a refused request with the old break, never an errno: glibc
 * takes -ENOMEM for the new break and crashes. check --strict says so,
 * and a sweep that crashes that way says whose crash it is.
 */
static void brk_enomem_named(void **state)
{
	char *rules = fl_mkfile("brk.yaml", "rules:\n  - syscall: brk\n    error: ENOMEM\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", "--strict", rules);
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, "brk never returns an errno");
	fl_assert_err_has(&r, "use 'retval: 0'");

	sweep(&r, (const char *const[]){ "-e", "{syscall: brk, error: ENOMEM}", "--", "/bin/sh",
					 "-c", "echo hi", NULL });
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "note: brk never returns an errno");
}

/* ---- a delay cut short (item 7) ------------------------------------------------ */

/*
 * SIGTERM to faultline cuts a delay short so the program can act on it:
 * the report gives what was served and that it was cut, not the full 10 s.
 */
static void delay_cut_reports_served(void **state)
{
	char *file = fl_mkfile("exists", "data\n"), *report = fl_path("r.json");
	struct fl_proc *p;
	struct fl_result r;
	json_t *j, *action;

	(void)state;
	p = FL_SPAWN("run", "--report", report, "-e", "{syscall: open, delay: 10s}", "--",
		     fl_victim(), "getpid", "+", "open", file);
	if (!fl_wait_stdout(p, "getpid[1]", 20000)) {
		kill(p->pid, SIGKILL);
		fl_finish(p, &r, 5000);
		fl_dump(&r);
		fail_msg("the victim never printed getpid[1]");
	}
	usleep(300 * 1000); /* now it is in the delayed open */
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	fl_finish(p, &r, 8000);
	fl_assert_exit(&r, 128 + SIGTERM);
	fl_assert_err_has(&r, "(cut short, of 10s)");
	j = fl_load_json(report);
	action = fl_json_get(json_array_get(fl_json_get(j, "injections"), 0), "action");
	assert_true(json_is_true(fl_json_get(action, "delay_cut")));
	assert_int_equal(fl_json_int(action, "delay_of_ms"), 10000);
	assert_true(json_number_value(fl_json_get(action, "delay_ms")) < 10000);
	assert_true(json_number_value(fl_json_get(action, "delay_ms")) > 0);
	json_decref(j);
}

/* ---- flag arguments decoded (item 8) --------------------------------------------- */

/* The log of a real program's anonymous mmap names its flags as glibc does. */
static void log_decodes_mmap_flags(void **state)
{
	struct fl_result r;

	(void)state;
	need("cat");
	FL_RUN(&r, "run", "--dry-run", "-e", "{syscall: mmap, args: {3: {mask: 0x20}}, error: ENOMEM}",
	       "--", "cat", "/dev/null");
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
	fl_assert_err_lacks(&r, ", 0x3, 0x22,");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(cp_short_is_of_the_file),
		FL_TEST(sqlite_pread_short_of_the_file),
		FL_TEST(short_that_did_not_bite),
		FL_TEST(deleted_suffix_only_when_deleted),
		FL_TEST(fd_type_aims_at_pipes),
		FL_TEST(sweep_baseline_passes_in_turn),
		FL_TEST(sweep_failing_baseline_125),
		FL_TEST(sweep_temp_names_not_diverged),
		FL_TEST(brk_enomem_named),
		FL_TEST(delay_cut_reports_served),
		FL_TEST(log_decodes_mmap_flags),
	};

	return fl_main(argc, argv, "realprogs", tests, FL_ARRAY_SIZE(tests), true);
}
