/*
 * Syscall groups, and the effects and counting scopes peers have (issue
 * 12): the real faultline on tests/helpers/fl-effects.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *effects(void)
{
	const char *p = getenv("FL_EFFECTS");

	assert_non_null(p);
	return p;
}

/*
 * The i386 ABI, probed outside faultline: without it, int $0x80 returns
 * -ENOSYS or kills the caller, and the test skips saying which.
 */
static void require_ia32(void)
{
	char out[256] = "";
	int fds[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execl(effects(), effects(), "fsync-abis", fl_path("probe"), (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fl_skip(fl_strf("this kernel has no i386 syscall ABI: int $0x80 kills the caller "
				"with %s", strsignal(WTERMSIG(status))));
	if (strstr(out, "int80 fsync: -38") || strstr(out, "int80 fsync: none"))
		fl_skip("this machine has no i386 syscall ABI");
	assert_non_null(strstr(out, "int80 fsync: 0"));
}

/* "@sync" is fsync on x86_64 and on i386 (where it is another number). */
static void group_on_both_abis(void **state)
{
	struct fl_result r;

	(void)state;
	require_ia32();
	FL_RUN(&r, "run", "--report", "r.json", "-e", "{syscall: \"@sync\", error: EROFS}", "--",
	       effects(), "fsync-abis", "f");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "int80 fsync: -30\n");
	fl_assert_out_has(&r, "native fsync: err EROFS\n");
	fl_assert_err_has(&r, "fsync(3) = -1 EROFS (rule \"rule 1\")");
	{
		json_t *rep = fl_load_json(fl_path("r.json"));
		json_t *rule = json_array_get(fl_json_get(rep, "rules"), 0);
		json_t *inj = fl_json_get(rep, "injections");

		/* The report names the group as written, and both ABIs' calls. */
		assert_string_equal(json_string_value(json_array_get(fl_json_get(rule, "syscalls"), 0)),
				    "@sync");
		assert_int_equal(fl_json_int(rule, "injected"), 2);
		assert_string_equal(fl_json_str(json_array_get(inj, 0), "arch"), "i386");
		assert_string_equal(fl_json_str(json_array_get(inj, 1), "arch"), "x86_64");
		assert_string_equal(fl_json_str(json_array_get(inj, 1), "syscall"), "fsync");
		json_decref(rep);
	}
}

/* A group and a name in one rule; filters narrow the group. */
static void group_native(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: [\"@sync\", \"@file-system\"], path: /nonexistent/**, "
	       "error: EROFS}", "-e", "{syscall: [dup, \"@sync\"], fd: 3, error: EIO}", "--",
	       effects(), "fsync", "f");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "native fsync: err EIO\n");
	fl_assert_err_has(&r, "fsync(3) = -1 EIO (rule \"rule 2\")");
	fl_assert_err_has(&r, "dup,@sync");
}

/* list groups NAME: what a rule with the group acts on, per ABI. */
static void group_list_members(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "list", "groups");
	fl_assert_exit(&r, 0);
	assert_true(fl_has_line(r.out, "@file-system\tFile system operations"));
	assert_true(fl_has_line(r.out, "@sync\tSynchronize files and memory to storage"));
	FL_RUN(&r, "list", "groups", "@basic-io");
	fl_assert_exit(&r, 0);
	assert_true(fl_has_line(r.out, "read\t" FL_HOST_ABIS));
	assert_true(fl_has_line(r.out, "_llseek\t" FL_COMPAT_ABI));
	fl_assert_out_lacks(&r, "openat");
	FL_RUN(&r, "list", "groups", "@syn");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "unknown group '@syn'; did you mean '@sync'?");
}

/*
 * delay: {enter, exit}: the call is held before it runs and again after
 * it ran, before the program sees its result. Seen from a second thread:
 * the directory is not there well into the call, then there while the
 * call has not returned yet. A plain delay holds on one side only.
 */
static void delay_both_sides(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--report", "r.json", "-e",
	       "{syscall: " FL_MKDIR_NAME ", delay: {enter: 400ms, exit: 800ms}}", "--", effects(),
	       "delay-sides", "d");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "mkdir: ok\n");
	fl_assert_out_has(&r, "took at least 900ms: yes\n");
	fl_assert_out_has(&r, "missing 200ms into the call: yes\n");
	fl_assert_out_has(&r, "there 300ms before the call returned: yes\n");
	fl_assert_err_has(&r, FL_MKDIR_NAME "(" FL_AT_FDCWD_ARG "\"d\", 0700) delayed 400ms enter + 800ms exit (rule");
	{
		json_t *rep = fl_load_json(fl_path("r.json"));
		json_t *action = fl_json_get(json_array_get(fl_json_get(rep, "injections"), 0),
					     "action");

		assert_int_equal(fl_json_int(action, "delay_ms"), 1200);
		assert_int_equal(fl_json_int(action, "delay_enter_ms"), 400);
		assert_int_equal(fl_json_int(action, "delay_exit_ms"), 800);
		json_decref(rep);
	}

	/* The plain form holds at the rule's phase only: before the call... */
	FL_RUN(&r, "run", "-e", "{syscall: " FL_MKDIR_NAME ", delay: 1200ms}", "--", effects(),
	       "delay-sides", "e");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "missing 200ms into the call: yes\n");
	fl_assert_out_has(&r, "there 300ms before the call returned: no\n");
	/* ... or after it, with phase: exit. */
	FL_RUN(&r, "run", "-e", "{syscall: " FL_MKDIR_NAME ", delay: 1200ms, phase: exit}", "--", effects(),
	       "delay-sides", "f");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "there 300ms before the call returned: yes\n");
}

/* Both sides around a failure: held, skipped, held again, then the error. */
static void delay_both_sides_with_error(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: " FL_MKDIR_NAME ", delay: {enter: 500ms, exit: 500ms}, error: EDQUOT}",
	       "--", effects(), "delay-sides", "d");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "mkdir: err EDQUOT\n");
	fl_assert_out_has(&r, "took at least 900ms: yes\n");
	fl_assert_out_has(&r, "there 300ms before the call returned: no\n");
	fl_assert_err_has(&r, "= -1 EDQUOT after 500ms enter + 500ms exit delay (rule");
}

/*
 * Both sides are one injection, told once: SIGTERM to faultline in the
 * delay logs and reports what the two sides served together, cut, of
 * their sum (the exit side is not then served).
 */
static void delay_both_sides_cut(void **state)
{
	char *file = fl_mkfile("exists", "data\n"), *report = fl_path("r.json");
	struct fl_proc *p;
	struct fl_result r;
	json_t *j, *injs, *action;

	(void)state;
	p = FL_SPAWN("run", "--report", report, "-e",
		     "{syscall: " FL_OPEN_NAME ", delay: {enter: 1s, exit: 10s}}", "--", fl_victim(), "getpid",
		     "+", "open", file);
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
	fl_assert_err_has(&r, "delayed 1s enter + 10s exit (cut short, served ");
	j = fl_load_json(report);
	injs = fl_json_get(j, "injections");
	assert_int_equal(json_array_size(injs), 1);
	action = fl_json_get(json_array_get(injs, 0), "action");
	assert_true(json_is_true(fl_json_get(action, "delay_cut")));
	assert_int_equal(fl_json_int(action, "delay_of_ms"), 11000);
	assert_int_equal(fl_json_int(action, "delay_enter_ms"), 1000);
	assert_int_equal(fl_json_int(action, "delay_exit_ms"), 10000);
	assert_true(json_number_value(fl_json_get(action, "delay_ms")) < 11000);
	assert_true(json_number_value(fl_json_get(action, "delay_ms")) > 0);
	json_decref(j);
}

static const char thread_view[] =
	"thread1 getppid[1]: real\n"
	"thread1 getppid[2]: 42\n"
	"thread1 getppid[3]: 42\n"
	"thread1 getppid[4]: real\n"
	"thread1 getppid[5]: real\n"
	"thread2 getppid[1]: real\n"
	"thread2 getppid[2]: 42\n"
	"thread2 getppid[3]: 42\n"
	"thread2 getppid[4]: real\n"
	"thread2 getppid[5]: real\n";

#define PER_THREAD_RULE "{syscall: getppid, retval: 42, after: 1, times: 2, per: thread}"

/*
 * per: thread with after: 1, times: 2 is strace's when=2..3: each of two
 * threads (one after the other) gets its own 2nd and 3rd call faked. The
 * report's counts stay the tree's.
 */
static void per_thread_when_2_3(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--report", "r.json", "-e", PER_THREAD_RULE, "--", effects(),
	       "threads", "5");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "stdout", r.out, thread_view);
	{
		json_t *rep = fl_load_json(fl_path("r.json"));
		json_t *rule = json_array_get(fl_json_get(rep, "rules"), 0);

		assert_int_equal(fl_json_int(rule, "matched"), 10);
		assert_int_equal(fl_json_int(rule, "injected"), 4);
		json_decref(rep);
	}
	/* The default, per: tree, counts the two threads together. */
	FL_RUN(&r, "run", "-e", "{syscall: getppid, retval: 42, after: 1, times: 2}", "--",
	       effects(), "threads", "5");
	fl_assert_exit(&r, 0);
	assert_int_equal(fl_count_lines(r.out, ": 42"), 2);
	fl_assert_out_has(&r, "thread2 getppid[2]: real\n");
}

/* The same program under strace -e inject=...:when=2..3 sees the same. */
static void per_thread_same_as_strace(void **state)
{
	char *cmd, *out;
	FILE *p;
	size_t len = 0;

	(void)state;
	if (system("strace -V >/dev/null 2>&1") != 0)
		fl_skip("strace is not installed");
	cmd = fl_strf("strace -f -qq -o /dev/null -e trace=getppid "
		      "-e inject=getppid:retval=42:when=2..3 %s threads 5 2>&1", effects());
	p = popen(cmd, "r");
	assert_non_null(p);
	out = NULL;
	if (getdelim(&out, &len, '\0', p) < 0) {
		free(out);
		out = NULL;
	}
	if (pclose(p) != 0 && out && strstr(out, "ptrace"))
		fl_skip("strace cannot trace here");
	assert_non_null(out);
	fl_assert_str(NULL, "strace's view", out, thread_view);
	free(out);
	{
		struct fl_result r;

		FL_RUN(&r, "run", "-q", "-e", PER_THREAD_RULE, "--", effects(), "threads", "5");
		fl_assert_exit(&r, 0);
		fl_assert_str(&r, "faultline's view", r.out, thread_view);
	}
}

/* per: process: four children forked one after another, each its own 2nd call. */
static void per_process_children(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--report", "r.json", "-e",
	       "{syscall: getppid, retval: 42, after: 1, times: 1, per: process}", "--", effects(),
	       "forks", "4", "3");
	fl_assert_exit(&r, 0);
	for (int c = 1; c <= 4; c++) {
		fl_assert_out_has(&r, fl_strf("child%d getppid[1]: real\n", c));
		fl_assert_out_has(&r, fl_strf("child%d getppid[2]: 42\n", c));
		fl_assert_out_has(&r, fl_strf("child%d getppid[3]: real\n", c));
	}
	{
		json_t *rep = fl_load_json(fl_path("r.json"));
		json_t *rule = json_array_get(fl_json_get(rep, "rules"), 0);

		assert_int_equal(fl_json_int(rule, "matched"), 12);
		assert_int_equal(fl_json_int(rule, "injected"), 4);
		json_decref(rep);
	}
	/* per: tree: only the tree's 2nd call, child 1's. */
	FL_RUN(&r, "run", "-e", "{syscall: getppid, retval: 42, after: 1, times: 1}", "--",
	       effects(), "forks", "4", "3");
	fl_assert_exit(&r, 0);
	assert_int_equal(fl_count_lines(r.out, ": 42"), 1);
	fl_assert_out_has(&r, "child1 getppid[2]: 42\n");
}

/*
 * Streams per process: the same seed gives every child the same draws run
 * after run; the children's draws differ from each other's (their streams
 * are not one stream restarted).
 */
static void per_process_streams_reproducible(void **state)
{
	struct fl_result a, b;
	const char *rule = "{syscall: getppid, retval: 42, probability: 0.5, per: process}";

	(void)state;
	FL_RUN(&a, "run", "-q", "-s", "99", "-e", rule, "--", effects(), "forks", "4", "16");
	FL_RUN(&b, "run", "-q", "-s", "99", "-e", rule, "--", effects(), "forks", "4", "16");
	fl_assert_exit(&a, 0);
	fl_assert_exit(&b, 0);
	fl_assert_str(&b, "second run's stdout", b.out, a.out);
	{
		char *lines[4];

		for (int c = 0; c < 4; c++) {
			char *p = a.out, *who = fl_strf("child%d ", c + 1);
			char *o = lines[c] = fl_strf("%s", "");

			for (char *l = strstr(p, who); l; l = strstr(l + 1, who)) {
				char *v = strstr(l, ": ") + 2;

				o = lines[c] = fl_strf("%s%c", o, v[0] == 'r' ? 'r' : 'x');
			}
			assert_int_equal(strlen(lines[c]), 16);
		}
		assert_true(strcmp(lines[0], lines[1]) || strcmp(lines[1], lines[2]) ||
			    strcmp(lines[2], lines[3]));
	}
}

/* poke at phase exit: getcwd ran, then its buffer says "/xyz"; to Python too. */
static void poke_getcwd(void **state)
{
	struct fl_result r;
	const char *rule = "{syscall: getcwd, phase: exit, poke: {arg: 0, data: \"/xyz\\0\"}}";

	(void)state;
	FL_RUN(&r, "run", "--report", "r.json", "-e", rule, "--", effects(), "getcwd");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "getcwd: /xyz\n");
	fl_assert_err_has(&r, "poked 5 bytes into argument 0 [exit] (rule \"rule 1\")");
	{
		json_t *rep = fl_load_json(fl_path("r.json"));
		json_t *poke = fl_json_get(fl_json_get(json_array_get(fl_json_get(rep, "injections"),
								      0), "action"), "poke");

		assert_int_equal(fl_json_int(poke, "arg"), 0);
		assert_int_equal(fl_json_int(poke, "bytes"), 5);
		json_decref(rep);
	}
	/* The system's Python itself, not a version manager's shell wrapper. */
	if (access("/usr/bin/python3", X_OK) != 0)
		fl_skip("/usr/bin/python3 is not installed");
	FL_RUN(&r, "run", "-q", "-e", rule, "--", "/usr/bin/python3", "-c",
	       "import os; print('cwd', os.getcwd())");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "cwd /xyz\n");
}

/*
 * The call's own length argument bounds a poke: 5 bytes do not go into
 * getcwd's 3-byte buffer, and faultline says so. With phase enter and a
 * retval, the call is skipped and the program reads what was poked.
 */
static void poke_bounds_and_enter(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: getcwd, phase: exit, poke: {arg: 0, data: \"/xyz\\0\"}}",
	       "--", effects(), "getcwd");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "getcwd small: err ERANGE, buffer ab\n");
	fl_assert_err_has(&r, "poke left out: 5 bytes do not fit the 3 the call's length argument "
			  "gives");
	FL_RUN(&r, "run", "-e", "{syscall: getcwd, poke: {arg: 0, data: \"/f\\0\"}, retval: 3}",
	       "--", effects(), "getcwd");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "getcwd: /f\n");
	fl_assert_out_has(&r, "getcwd small: 3, buffer /f\n");
	fl_assert_err_has(&r, "= 3, poked 3 bytes into argument 0 (rule");
}

/* The offsets of the report's first injection that corrupted something. */
static json_t *report_offsets(const char *report)
{
	json_t *rep = fl_load_json(fl_path(report));
	json_t *injs = fl_json_get(rep, "injections");

	for (size_t i = 0; i < json_array_size(injs); i++) {
		json_t *c = json_object_get(json_object_get(json_array_get(injs, i), "action"),
					    "corrupt");
		json_t *offs = c ? json_object_get(c, "offsets") : NULL;

		if (offs && json_array_size(offs)) {
			json_incref(offs);
			json_decref(rep);
			return offs;
		}
	}
	fail_msg("no injection in %s corrupted anything", report);
	return NULL;
}

/* The offsets where two files differ, as a JSON array (same length asserted). */
static json_t *differences(const char *a, const char *b, size_t len)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	json_t *out = json_array();

	assert_non_null(fa);
	assert_non_null(fb);
	for (size_t i = 0; i < len; i++) {
		int x = fgetc(fa), y = fgetc(fb);

		assert_true(x != EOF && y != EOF);
		if (x != y)
			json_array_append_new(out, json_integer((json_int_t)i));
	}
	assert_int_equal(fgetc(fa), EOF);
	assert_int_equal(fgetc(fb), EOF);
	fclose(fa);
	fclose(fb);
	return out;
}

/* A file of @len bytes that are all different from their neighbours' pattern. */
static char *pattern_file(const char *name, size_t len)
{
	char *path = fl_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	for (size_t i = 0; i < len; i++)
		fputc((int)('a' + (i * 7) % 26), f);
	fclose(f);
	return path;
}

/*
 * corrupt on a read: the copy cat makes differs from the file exactly at
 * the offsets the report gives (random: every chosen byte changes). cat
 * writes to a pipe, so that it reads (into a file it would copy_file_range).
 */
static void corrupt_read_where_report_says(void **state)
{
	char *src = pattern_file("data", 5000);
	struct fl_result r;
	json_t *want, *got;

	(void)state;
	FL_RUN(&r, "run", "-s", "11", "--report", "r.json", "-e",
	       fl_strf("{syscall: [read, pread64, readv], path: %s, corrupt: {bytes: 7, how: random}}",
		       src), "--", "sh", "-c", fl_strf("cat %s | cat > %s", src, fl_path("copy")));
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "corrupted 7 bytes (random) at offsets ");
	want = report_offsets("r.json");
	assert_int_equal(json_array_size(want), 7);
	got = differences(src, fl_path("copy"), 5000);
	if (!json_equal(want, got)) {
		fl_dump(&r);
		fail_msg("the copy differs at %s, the report says %s", json_dumps(got, 0),
			 json_dumps(want, 0));
	}
	json_decref(want);
	json_decref(got);

	/* The same seed damages the same bytes. */
	FL_RUN(&r, "run", "-s", "11", "--report", "r2.json", "-e",
	       fl_strf("{syscall: [read, pread64, readv], path: %s, corrupt: {bytes: 7, how: random}}",
		       src), "--", "sh", "-c", fl_strf("cat %s | cat > %s", src, fl_path("copy2")));
	fl_assert_exit(&r, 0);
	want = report_offsets("r.json");
	got = report_offsets("r2.json");
	assert_true(json_equal(want, got));
	json_decref(want);
	json_decref(got);
	assert_true(fl_read_file(fl_path("copy")) && fl_read_file(fl_path("copy2")));
	assert_string_equal(fl_read_file(fl_path("copy")), fl_read_file(fl_path("copy2")));
}

/*
 * corrupt on writes: what write(2) and writev(2) store is damaged, at the
 * offsets the log gives, while the program's own buffers are put back.
 */
static void corrupt_write_restores_buffer(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--report", "r.json", "-e",
	       fl_strf("{syscall: [write, writev], path: \"%s/w*\", corrupt: {bytes: 4, how: flip}}",
		       fl_dir()), "--", effects(), "write-check", fl_path("w1"), fl_path("w2"));
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "write: wrote 64\nwrite buffer unchanged: yes\nwrite stored differs: yes\n");
	fl_assert_out_has(&r, "writev: wrote 64\nwritev buffer unchanged: yes\nwritev stored "
			  "differs: yes\n");
	{
		json_t *rep = fl_load_json(fl_path("r.json"));
		json_t *injs = fl_json_get(rep, "injections");

		assert_int_equal(json_array_size(injs), 2);
		for (size_t i = 0; i < 2; i++) {
			json_t *c = fl_json_get(fl_json_get(json_array_get(injs, i), "action"), "corrupt");
			json_t *offs = fl_json_get(c, "offsets");
			char *orig = fl_strf("%s", "");
			char *file = fl_path(i == 0 ? "w1" : "w2");
			json_t *diff;

			assert_string_equal(fl_json_str(c, "how"), "flip");
			for (int k = 0; k < 64; k++)
				orig = fl_strf("%s%c", orig, 'A' + k % 26);
			fl_mkfile(i == 0 ? "o1" : "o2", orig);
			diff = differences(fl_path(i == 0 ? "o1" : "o2"), file, 64);
			assert_true(json_equal(offs, diff));
			json_decref(diff);
		}
		json_decref(rep);
	}
}

/* recvmsg and sendmsg: the bytes in their msghdr's iovecs, where the report says. */
static void corrupt_msg_iovecs(void **state)
{
	static const char *const calls[] = { "recvmsg", "sendmsg" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct fl_result r;
		json_t *offs;
		char *want = fl_strf("%s", "differs at:");

		FL_RUN(&r, "run", "--report", "r.json", "-e",
		       fl_strf("{syscall: %s, corrupt: {bytes: 3, how: random}}", calls[i]), "--",
		       effects(), "msg");
		fl_assert_exit(&r, 0);
		fl_assert_out_has(&r, "send buffer unchanged: yes\nrecvmsg: 64\n");
		offs = report_offsets("r.json");
		assert_int_equal(json_array_size(offs), 3);
		for (size_t k = 0; k < 3; k++)
			want = fl_strf("%s %lld", want,
				       (long long)json_integer_value(json_array_get(offs, k)));
		fl_assert_out_has(&r, fl_strf("%s\n", want));
		json_decref(offs);
	}
}

/* sha256sum of a file read under corrupt is not the file's. */
static void real_sha256sum_differs(void **state)
{
	char *src = pattern_file("data", 100000);
	struct fl_result native, hit;

	(void)state;
	if (access("/usr/bin/sha256sum", X_OK) != 0)
		fl_skip("sha256sum is not installed");
	FL_RUN(&native, "run", "-q", "-e", FL_NOOP_RULE, "--", "sha256sum", src);
	FL_RUN(&hit, "run", "-q", "-e",
	       fl_strf("{syscall: read, path: %s, corrupt: {bytes: 1}, times: 1}", src), "--",
	       "sha256sum", src);
	fl_assert_exit(&native, 0);
	fl_assert_exit(&hit, 0);
	assert_int_equal(strlen(native.out), strlen(hit.out));
	assert_true(strcmp(native.out, hit.out) != 0);
	/* And the file itself was never touched. */
	FL_RUN(&hit, "run", "-q", "-e", FL_NOOP_RULE, "--", "sha256sum", src);
	fl_assert_str(&hit, "sha256sum afterwards", hit.out, native.out);
}

/*
 * sqlite3 reading its database through damaged pages (pread64 of 4096
 * bytes past the first page) reports the corruption and does not crash.
 */
static void real_sqlite3_malformed(void **state)
{
	char *db = fl_path("db.sqlite");
	struct fl_result r;
	const char *query = "select count(*), sum(length(b)) from t;";

	(void)state;
	if (access("/usr/bin/sqlite3", X_OK) != 0)
		fl_skip("sqlite3 is not installed (apt-get install sqlite3)");
	FL_RUN(&r, "run", "-q", "-e", FL_NOOP_RULE, "--", "sqlite3", db,
	       "create table t(a integer primary key, b text); with recursive c(x) as (select 1 "
	       "union all select x + 1 from c limit 2000) insert into t select x, "
	       "printf('row %d padding padding padding', x) from c;");
	fl_assert_exit(&r, 0);
	FL_RUN(&r, "run", "-q", "-e", FL_NOOP_RULE, "--", "sqlite3", db, query);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "2000|");
	FL_RUN(&r, "run", "-s", "1", "--report", "r.json", "-e",
	       fl_strf("{syscall: pread64, path: %s, args: {2: 4096}, after: 1, "
		       "corrupt: {bytes: 64, how: random}}", db), "--", "sqlite3", db, query);
	assert_false(r.timed_out);
	assert_true(r.code > 0 && r.code < 128); /* an error exit, no signal */
	fl_assert_err_has(&r, "database disk image is malformed");
	{
		json_t *rep = fl_load_json(fl_path("r.json"));

		assert_int_equal(json_array_size(fl_json_get(rep, "crashes")), 0);
		json_decref(rep);
	}
}

/* stat: ls -l (statx) and Python's os.stat (newfstatat) see the faked fields. */
static void stat_fakes_size(void **state)
{
	char *f = fl_mkfile("f", "hi\n");
	struct fl_result r;
	const char *rule = fl_strf("{syscall: [stat, lstat, fstat, newfstatat, statx], path: %s, "
				   "stat: {size: 1048576, mode: 0600, mtime: 0}}", f);

	(void)state;
	FL_RUN(&r, "run", "--report", "r.json", "-e", rule, "--", "ls", "-l", "--time-style=+%Y",
	       f);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "-rw------- 1 ");
	fl_assert_out_has(&r, " 1048576 1970 ");
	fl_assert_err_has(&r, "faked size 1048576, mode 0600, mtime 0 (rule");
	{
		json_t *rep = fl_load_json(fl_path("r.json"));
		json_t *st = fl_json_get(fl_json_get(json_array_get(fl_json_get(rep, "injections"), 0),
						     "action"), "stat");

		assert_int_equal(fl_json_int(st, "size"), 1048576);
		assert_string_equal(fl_json_str(st, "mode"), "0600");
		assert_int_equal(fl_json_int(st, "mtime"), 0);
		json_decref(rep);
	}
	/* Only the result is faked: the file is as it was. */
	FL_RUN(&r, "run", "-q", "-e", FL_NOOP_RULE, "--", "ls", "-l", f);
	fl_assert_out_has(&r, " 3 ");
	if (access("/usr/bin/python3", X_OK) != 0)
		fl_skip("/usr/bin/python3 is not installed");
	FL_RUN(&r, "run", "-q", "-e", rule, "--", "/usr/bin/python3", "-c",
	       fl_strf("import os; s = os.stat('%s'); print('size', s.st_size, oct(s.st_mode))", f));
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "size 1048576 0o100600\n");
}

/*
 * caller: the same write fails when save_config() makes it and not when
 * save_log() does. Needs libdw, as --stack does: without it, faultline
 * refuses the rule (125) and the test skips saying so.
 */
static void caller_one_function(void **state)
{
	struct fl_result r;
	char *file = fl_path("out");

	(void)state;
	FL_RUN(&r, "run", "--report", "r.json", "-e",
	       fl_strf("{syscall: write, path: %s, caller: save_config, error: ENOSPC}", file), "--",
	       effects(), "caller", file);
	if (r.code == 125 && strstr(r.err, "built without libdw"))
		fl_skip("faultline was built without libdw");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "save_config write: err ENOSPC\n");
	fl_assert_out_has(&r, "save_log write: ok\n");
	fl_assert_err_has(&r, "[caller \"save_config+0x");
	{
		json_t *rep = fl_load_json(fl_path("r.json"));
		json_t *rule = json_array_get(fl_json_get(rep, "rules"), 0);
		json_t *inj = json_array_get(fl_json_get(rep, "injections"), 0);

		assert_int_equal(fl_json_int(rule, "matched"), 1); /* save_log's did not match */
		assert_int_equal(json_array_size(fl_json_get(rep, "injections")), 1);
		assert_true(strncmp(fl_json_str(inj, "caller"), "save_config+0x", 14) == 0);
		json_decref(rep);
	}
	/* A list of patterns: the other function, by glob. */
	FL_RUN(&r, "run", "-q", "-e",
	       fl_strf("{syscall: write, path: %s, caller: [nothing_here, 'save_l*'], error: EIO}",
		       file), "--", effects(), "caller", file);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "save_config write: ok\n");
	fl_assert_out_has(&r, "save_log write: err EIO\n");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(group_on_both_abis),
		FL_TEST(group_native),
		FL_TEST(group_list_members),
		FL_TEST(delay_both_sides),
		FL_TEST(delay_both_sides_with_error),
		FL_TEST(delay_both_sides_cut),
		FL_TEST(per_thread_when_2_3),
		FL_TEST(per_thread_same_as_strace),
		FL_TEST(per_process_children),
		FL_TEST(per_process_streams_reproducible),
		FL_TEST(poke_getcwd),
		FL_TEST(poke_bounds_and_enter),
		FL_TEST(corrupt_read_where_report_says),
		FL_TEST(corrupt_write_restores_buffer),
		FL_TEST(corrupt_msg_iovecs),
		FL_TEST(real_sha256sum_differs),
		FL_TEST(real_sqlite3_malformed),
		FL_TEST(stat_fakes_size),
		FL_TEST(caller_one_function),
	};

	return fl_main(argc, argv, "effects", tests, FL_ARRAY_SIZE(tests), true);
}
