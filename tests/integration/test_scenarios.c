/*
 * The scenario library (the YAML files in rules/scenarios/): each file runs a real
 * program into its failure, and the test checks that the program saw it.
 *
 * The files are used as shipped, except for their placeholders: a data
 * directory (/var/lib/myapp), an executable name (myapp) or a socket
 * directory is replaced in a temporary copy by this test's own, so a
 * change to a scenario shows up here. Programs are the machine's: cp, cat,
 * dd, sh, and /usr/bin/python3 (the network scenarios need sockets, which
 * the shell has none of); a test whose program is missing skips.
 */
#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"

/* @text with every @from replaced by @to; fails the test when @from is absent. */
static char *replace_all(const char *name, char *text, const char *from, const char *to)
{
	size_t n = 0, flen = strlen(from), tlen = strlen(to);
	char *out, *o;

	for (const char *p = text; (p = strstr(p, from)); p += flen)
		n++;
	if (!n) {
		print_error("scenario %s no longer contains '%s': update this test\n", name, from);
		fail();
	}
	out = fl_strf("%*s", (int)(strlen(text) + n * tlen), "");
	o = out;
	for (const char *p = text, *hit; ; p = hit + flen) {
		hit = strstr(p, from);
		if (!hit) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, to, tlen);
		o += tlen;
	}
	return out;
}

/*
 * A copy of rules/scenarios/@name in the test directory, with each
 * (FROM, TO) pair of the NULL-terminated list replaced. Returns its path.
 */
static char *scenario(const char *name, ...)
{
	const char *root = getenv("FL_SOURCE_ROOT");
	char *text;
	va_list ap;

	assert_non_null(root);
	text = fl_read_file(fl_strf("%s/rules/scenarios/%s", root, name));
	if (!text) {
		print_error("no scenario rules/scenarios/%s\n", name);
		fail();
	}
	va_start(ap, name);
	for (const char *from = va_arg(ap, const char *); from; from = va_arg(ap, const char *))
		text = replace_all(name, text, from, va_arg(ap, const char *));
	va_end(ap);
	return fl_mkfile(name, text);
}

/* The test's data directory, standing in for /var/lib/myapp. */
static char *data_dir(void)
{
	char *d = fl_path("data");

	if (mkdir(d, 0755) < 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", d, strerror(errno));
	return d;
}

static void need_python(void)
{
	if (access(PYTHON, X_OK) < 0)
		fl_skip(PYTHON " is not installed");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The "injected" count of rule @name in the JSON report at @path. */
static long long injected(const char *path, const char *name)
{
	json_t *j = fl_load_json(path), *rules = json_object_get(j, "rules");
	long long n = -1;
	size_t i;
	json_t *rule;

	json_array_foreach(rules, i, rule)
		if (!strcmp(json_string_value(json_object_get(rule, "name")), name))
			n = json_integer_value(json_object_get(rule, "injected"));
	json_decref(j);
	if (n < 0)
		fail_msg("no rule %s in %s", name, path);
	return n;
}

/* ---- files ---------------------------------------------------------------- */

static void disk_full(void **state)
{
	char *dir = data_dir();
	char *rules = scenario("disk-full.yaml", "/var/lib/myapp", dir, NULL);
	char *copy = fl_strf("%s/copy", dir);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-r", rules, "--", "cp", "/etc/os-release", copy);
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, "No space left on device");
	fl_assert_err_has(&r, "= -1 ENOSPC (rule \"disk-full\")");

	FL_RUN(&r, "run", "-r", rules, "--", "mkdir", fl_strf("%s/sub", dir));
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, "No space left on device");
	assert_false(fl_exists(fl_strf("%s/sub", dir)));
	/* The rule that must act did not: the run says so. */
	fl_assert_err_has(&r, "expectation not met: rule \"disk-full\"");

	/*
	 * Elsewhere, writing works; and because the rule that must act did
	 * not, the run fails although cp succeeded.
	 */
	FL_RUN(&r, "run", "-r", rules, "--", "cp", "/etc/os-release", fl_path("elsewhere"));
	fl_assert_exit(&r, 122);
	assert_true(fl_exists(fl_path("elsewhere")));
}

static void read_only_fs(void **state)
{
	char *dir = data_dir();
	char *rules = scenario("read-only-fs.yaml", "/var/lib/myapp", dir, NULL);
	char *existing = fl_strf("%s/existing", dir);
	struct fl_result r;

	(void)state;
	fl_mkfile("data/existing", "old contents\n");
	FL_RUN(&r, "run", "-r", rules, "--", "/bin/sh", "-c",
	       fl_strf("cd '%s' && cat existing; "
		       "echo new > existing || echo TRUNCATE-FAILED; "
		       "echo new >> existing || echo APPEND-FAILED; "
		       "echo new > created || echo CREATE-FAILED; "
		       "mkdir sub || echo MKDIR-FAILED; "
		       "mv existing moved || echo RENAME-FAILED; "
		       "rm existing || echo RM-FAILED; "
		       "cat existing", dir));
	fl_assert_exit(&r, 0);
	/* Reading works, before and after; every change fails with EROFS. */
	assert_int_equal(fl_count_lines(r.out, "old contents"), 2);
	fl_assert_out_has(&r, "TRUNCATE-FAILED");
	fl_assert_out_has(&r, "APPEND-FAILED");
	fl_assert_out_has(&r, "CREATE-FAILED");
	fl_assert_out_has(&r, "MKDIR-FAILED");
	fl_assert_out_has(&r, "RENAME-FAILED");
	fl_assert_out_has(&r, "RM-FAILED");
	assert_true(fl_count_lines(r.err, "Read-only file system") >= 6);
	fl_assert_str(&r, "existing", fl_read_file(existing), "old contents\n");
	assert_false(fl_exists(fl_strf("%s/created", dir)));
	assert_false(fl_exists(fl_strf("%s/sub", dir)));
}

static void slow_disk(void **state)
{
	char *dir = data_dir();
	char *rules = scenario("slow-disk.yaml", "/var/lib/myapp", dir, NULL);
	double t0, elapsed;
	struct stat st;
	struct fl_result r;

	(void)state;
	t0 = now_s();
	FL_RUN(&r, "run", "-r", rules, "--", "dd", "if=/dev/zero", fl_strf("of=%s/f", dir), "bs=4096",
	       "count=4", "conv=fsync", "status=none");
	elapsed = now_s() - t0;
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "delayed 200ms (rule \"slow-flush\")");
	assert_int_equal(fl_count_lines(r.err, "delayed 20ms (rule \"slow-writes\")"), 4);
	/* The data arrived all the same, and it took the time the rules say. */
	assert_int_equal(stat(fl_strf("%s/f", dir), &st), 0);
	assert_int_equal(st.st_size, 4 * 4096);
	if (elapsed < 0.28) {
		fl_dump(&r);
		fail_msg("dd took %.3f s; the rules add at least 0.28 s", elapsed);
	}
}

static void fd_exhaustion(void **state)
{
	char *dir = data_dir();
	char *rules = scenario("fd-exhaustion.yaml", "/var/lib/myapp", dir, NULL);
	struct fl_result r;

	(void)state;
	fl_mkfile("data/file", "x\n");
	FL_RUN(&r, "run", "-r", rules, "--", "cat", fl_strf("%s/file", dir));
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, "Too many open files");

	need_python();
	FL_RUN(&r, "run", "-r", rules, "--", PYTHON, "-c",
	       "import os, socket\n"
	       "for what, f in [('socket', lambda: socket.socket()), ('pipe', os.pipe)]:\n"
	       "    try:\n"
	       "        f()\n"
	       "        print(what, 'ok')\n"
	       "    except OSError as e:\n"
	       "        print(what, os.strerror(e.errno))\n");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "socket Too many open files");
	fl_assert_out_has(&r, "pipe Too many open files");
}

static void memory_pressure(void **state)
{
	char *rules = scenario("memory-pressure.yaml", "process: myapp", "process: python3*", NULL);
	struct fl_result r;

	(void)state;
	need_python();
	/* 200 blocks of 1 MiB: each is an mmap of its own. */
	FL_RUN(&r, "run", "-r", rules, "--", PYTHON, "-c",
	       "blocks = []\n"
	       "try:\n"
	       "    for i in range(200):\n"
	       "        blocks.append(bytearray(1 << 20))\n"
	       "    print('allocated', len(blocks))\n"
	       "except MemoryError:\n"
	       "    print('MemoryError after', len(blocks))\n");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "MemoryError after");
	fl_assert_err_has(&r, "brk(NULL) = 0 (rule \"heap-cannot-grow\")");
	fl_assert_err_has(&r, "= -1 ENOMEM (rule \"anonymous-mmap-enomem\")");
	fl_assert_err_lacks(&r, "expectation not met");
}

static void eintr_storm(void **state)
{
	char *rules = scenario("eintr-storm.yaml", NULL);
	char *report = fl_path("report.json");
	char *input, *in_path;
	size_t len = 300 * 1024;
	struct fl_result r;

	(void)state;
	/* Big enough for several reads and writes. */
	input = fl_strf("%*s", (int)len, "");
	for (size_t i = 0; i < len; i++)
		input[i] = (char)('a' + i % 26);
	input[len - 1] = '\n';
	in_path = fl_mkfile("input", input);

	/*
	 * Through a pipe: the first cat reads a regular file (never
	 * interrupted) and writes to the pipe, the second reads the pipe.
	 */
	FL_RUN(&r, "run", "-r", rules, "--report", report, "--", "/bin/sh", "-c",
	       fl_strf("cat '%s' | cat; sleep 0.01", in_path));
	fl_assert_exit(&r, 0);
	/* cat and sleep retry: nothing lost, nothing failed. */
	assert_true(strcmp(r.out, input) == 0);
	assert_true(injected(report, "stream-reads") >= 2);
	assert_true(injected(report, "stream-writes") >= 1);
	assert_true(injected(report, "waits") >= 1);
	/* Only pipes: not the file, not the loader's reads of libc. */
	{
		json_t *j = fl_load_json(report), *inj;
		size_t i;

		json_array_foreach(json_object_get(j, "injections"), i, inj) {
			const char *path = json_string_value(json_object_get(inj, "path"));

			if (path && path[0] == '/')
				fail_msg("EINTR on a file: %s", path);
		}
		json_decref(j);
	}

	need_python();
	/* Python retries EINTR for us (PEP 475); a file as stdin is never interrupted. */
	FL_RUN(&r, "run", "-r", rules, "--report", report, "--", "/bin/sh", "-c",
	       fl_strf("cat '%s' | " PYTHON " -c 'import sys; sys.stdout.write(sys.stdin.read())'",
		       in_path));
	fl_assert_exit(&r, 0);
	assert_true(strcmp(r.out, input) == 0);
	assert_true(injected(report, "stream-reads") >= 1);
	FL_RUN(&r, "run", "-r", rules, "--report", report, "--", "/bin/sh", "-c",
	       fl_strf(PYTHON " -c 'import sys; sys.stdout.write(sys.stdin.read())' < '%s'",
		       in_path));
	/* Nothing to interrupt, and the scenario's expectation says so. */
	fl_assert_exit(&r, 122);
	assert_true(strcmp(r.out, input) == 0);
	assert_int_equal(injected(report, "stream-reads"), 0);
}

static void short_io(void **state)
{
	char *dir = data_dir();
	char *rules = scenario("short-io.yaml", NULL);
	char *report = fl_path("report.json");
	char *content = fl_strf("%*s", 100000, "");
	struct fl_result r;

	(void)state;
	for (size_t i = 0; i < 100000; i++)
		content[i] = (char)('0' + i % 10);
	fl_mkfile("data/in", content);

	/* cat and dd loop until everything is moved through the pipe. */
	FL_RUN(&r, "run", "-r", rules, "--report", report, "--", "/bin/sh", "-c",
	       fl_strf("cat '%s/in' | dd of='%s/out' bs=64k status=none", dir, dir));
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "shortened to");
	assert_true(strcmp(fl_read_file(fl_strf("%s/out", dir)), content) == 0);
	assert_true(injected(report, "short-stream-writes") >= 1);
	/* Regular files are left alone: cp copies without a single cut. */
	FL_RUN(&r, "run", "-r", rules, "--report", report, "--", "cp", fl_strf("%s/in", dir),
	       fl_strf("%s/copy", dir));
	fl_assert_exit(&r, 122);
	assert_int_equal(injected(report, "short-stream-reads"), 0);
	assert_int_equal(injected(report, "short-stream-writes"), 0);

	/*
	 * One write(2) to a pipe that believes it wrote everything would lose
	 * half. (Said on stderr: Python's unbuffered stdout, PYTHONUNBUFFERED=1
	 * as CI machines often set, drops the rest of a short write itself.)
	 */
	need_python();
	FL_RUN(&r, "run", "-r", rules, "--", "/bin/sh", "-c",
	       PYTHON " -c \"import os, sys\n"
	       "print('wrote', os.write(1, b'x' * 1000), 'of 1000', file=sys.stderr)\" | cat");
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "wrote 500 of 1000");
}

/* ---- network ------------------------------------------------------------ */

static void flaky_network(void **state)
{
	char *rules = scenario("flaky-network.yaml", NULL);
	struct fl_result r;
	char *outcomes;
	int refused, timedout, unreach, ok;

	(void)state;
	need_python();
	/* 40 connections to a listener of its own on loopback. */
	FL_RUN(&r, "run", "-r", rules, "--", PYTHON, "-c",
	       "import errno, socket\n"
	       "srv = socket.socket()\n"
	       "srv.bind(('127.0.0.1', 0))\n"
	       "srv.listen(64)\n"
	       "for i in range(40):\n"
	       "    c = socket.socket()\n"
	       "    try:\n"
	       "        c.connect(srv.getsockname())\n"
	       "        print(f'connect[{i}]: ok')\n"
	       "    except OSError as e:\n"
	       "        print(f'connect[{i}]: err {errno.errorcode[e.errno]}')\n"
	       "    c.close()\n");
	fl_assert_exit(&r, 0);
	outcomes = fl_outcomes(r.out, "connect");
	refused = fl_count_lines(r.out, "err ECONNREFUSED");
	timedout = fl_count_lines(r.out, "err ETIMEDOUT");
	unreach = fl_count_lines(r.out, "err ENETUNREACH");
	ok = fl_count_lines(r.out, ": ok");
	if (refused + timedout + unreach + ok != 40 || ok == 40 || ok < 10) {
		fl_dump(&r);
		fail_msg("connect outcomes: %s", outcomes);
	}
	/* Seeded: the same run fails the same calls. */
	FL_RUN(&r, "run", "-r", rules, "--", PYTHON, "-c",
	       "import errno, socket\n"
	       "srv = socket.socket()\n"
	       "srv.bind(('127.0.0.1', 0))\n"
	       "srv.listen(64)\n"
	       "for i in range(40):\n"
	       "    c = socket.socket()\n"
	       "    try:\n"
	       "        c.connect(srv.getsockname())\n"
	       "        print(f'connect[{i}]: ok')\n"
	       "    except OSError as e:\n"
	       "        print(f'connect[{i}]: err {errno.errorcode[e.errno]}')\n"
	       "    c.close()\n");
	fl_assert_outcomes(&r, "connect", outcomes);
}

static void dns_outage(void **state)
{
	char *rules = scenario("dns-outage.yaml", NULL);
	struct fl_result r;
	int st;

	(void)state;
	need_python();
	/*
	 * In a network namespace of its own (loopback only, and down), so
	 * that no query can leave this machine even if a rule missed it.
	 */
	st = system("unshare -n true >/dev/null 2>&1");
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fl_skip("unshare -n (a network namespace) is not permitted here");
	FL_RUN(&r, "run", "-r", rules, "--", "unshare", "-n", PYTHON, "-c",
	       "import socket\n"
	       "try:\n"
	       "    socket.getaddrinfo('db.faultline-test.example', 5432)\n"
	       "    print('resolved')\n"
	       "except socket.gaierror as e:\n"
	       "    print('gaierror', e)\n"
	       "print(socket.getaddrinfo('localhost', 5432)[0][4][1])\n");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "gaierror");
	/* /etc/hosts still answers. */
	fl_assert_out_has(&r, "5432");
	fl_assert_err_has(&r, "= -1 ECONNREFUSED (rule \"dns-refused\")");
	fl_assert_err_has(&r, ":53]");
	fl_assert_err_lacks(&r, "expectation not met");
}

static void database_down(void **state)
{
	char *sockdir = fl_path("run/postgresql");
	char *rules = scenario("database-down.yaml", "[/run/postgresql/",
			       fl_strf("[%s/", sockdir), NULL);
	struct fl_result r;

	(void)state;
	need_python();
	assert_int_equal(mkdir(fl_path("run"), 0755), 0);
	assert_int_equal(mkdir(sockdir, 0755), 0);
	/*
	 * Servers that listen (where the port is free), so that a refusal can
	 * only come from faultline.
	 */
	FL_RUN(&r, "run", "-r", rules, "--", PYTHON, "-c",
	       fl_strf("import errno, socket\n"
		       "def outcome(family, addr):\n"
		       "    c = socket.socket(family)\n"
		       "    try:\n"
		       "        c.connect(addr)\n"
		       "        return 'ok'\n"
		       "    except OSError as e:\n"
		       "        return errno.errorcode[e.errno]\n"
		       "servers = []\n"
		       "for port in (5432, 3306, 6379, 8080):\n"
		       "    s = socket.socket()\n"
		       "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
		       "    try:\n"
		       "        s.bind(('127.0.0.1', port)); s.listen(4); servers.append(s)\n"
		       "    except OSError:\n"
		       "        pass\n"
		       "    print(f'tcp {port}:', outcome(socket.AF_INET, ('127.0.0.1', port)),\n"
		       "          'listening' if s in servers else 'not listening')\n"
		       "u = socket.socket(socket.AF_UNIX)\n"
		       "u.bind('%s/.s.PGSQL.5432'); u.listen(4)\n"
		       "print('unix:', outcome(socket.AF_UNIX, '%s/.s.PGSQL.5432'))\n",
		       sockdir, sockdir));
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "tcp 5432: ECONNREFUSED");
	fl_assert_out_has(&r, "tcp 3306: ECONNREFUSED");
	fl_assert_out_has(&r, "tcp 6379: ECONNREFUSED");
	fl_assert_out_has(&r, "unix: ECONNREFUSED");
	fl_assert_err_has(&r, "(rule \"postgres-down\")");
	fl_assert_err_has(&r, "(rule \"local-sockets-down\")");
	/* Other services still connect (when the port was free to listen on). */
	if (strstr(r.out, "tcp 8080: ") && strstr(r.out, "8080: ok listening") == NULL &&
	    !strstr(r.out, "not listening"))
		fail_msg("port 8080 was refused although no rule names it");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(disk_full),
		FL_TEST(read_only_fs),
		FL_TEST(slow_disk),
		FL_TEST(fd_exhaustion),
		FL_TEST(memory_pressure),
		FL_TEST(eintr_storm),
		FL_TEST(short_io),
		FL_TEST(flaky_network),
		FL_TEST(dns_outage),
		FL_TEST(database_down),
	};

	return fl_main(argc, argv, "scenarios", tests, FL_ARRAY_SIZE(tests), true);
}
