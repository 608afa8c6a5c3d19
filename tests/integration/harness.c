#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- allocations freed at teardown -------------------------------------- */

static void **owned;
static size_t n_owned, cap_owned;

static void *own(void *p)
{
	if (!p) {
		fprintf(stderr, "harness: out of memory\n");
		abort();
	}
	if (n_owned == cap_owned) {
		cap_owned = cap_owned ? 2 * cap_owned : 64;
		owned = realloc(owned, cap_owned * sizeof(*owned));
		if (!owned)
			abort();
	}
	owned[n_owned++] = p;
	return p;
}

static void free_owned(void)
{
	for (size_t i = 0; i < n_owned; i++)
		free(owned[i]);
	n_owned = 0;
}

char *fl_strf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return own(s);
}

/* ---- environment -------------------------------------------------------- */

static const char *env_path(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		print_error("environment variable %s is not set (run through meson test)\n", name);
		fail();
	}
	return v;
}

const char *fl_faultline(void)
{
	return env_path("FAULTLINE");
}

const char *fl_victim(void)
{
	return env_path("FL_VICTIM");
}

const char *fl_victim_static(void)
{
	const char *v = getenv("FL_VICTIM_STATIC");

	return v && *v ? v : NULL;
}

/* ---- fixture ------------------------------------------------------------ */

static char *test_dir;
static unsigned run_counter;

int fl_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *templ;

	if (asprintf(&templ, "%s/fl-it-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return -1;
	if (!mkdtemp(templ)) {
		fprintf(stderr, "harness: mkdtemp %s: %s\n", templ, strerror(errno));
		free(templ);
		return -1;
	}
	test_dir = templ;
	run_counter = 0;
	*state = test_dir;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

int fl_teardown(void **state)
{
	(void)state;
	if (test_dir) {
		if (!getenv("FL_KEEP_TMP"))
			nftw(test_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		else
			fprintf(stderr, "harness: kept %s\n", test_dir);
		free(test_dir);
		test_dir = NULL;
	}
	free_owned();
	return 0;
}

const char *fl_dir(void)
{
	assert_non_null(test_dir);
	return test_dir;
}

char *fl_path(const char *name)
{
	return fl_strf("%s/%s", fl_dir(), name);
}

char *fl_mkfile(const char *name, const char *content)
{
	char *path = fl_path(name);
	FILE *f = fopen(path, "w");

	if (!f) {
		print_error("cannot create %s: %s\n", path, strerror(errno));
		fail();
	}
	fputs(content, f);
	fclose(f);
	return path;
}

/* ---- running ------------------------------------------------------------ */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static char *join_cmdline(const char *prog, const char *const *args)
{
	size_t len = strlen(prog) + 1;
	char *s;

	for (size_t i = 0; args[i]; i++)
		len += strlen(args[i]) + 3;
	s = own(malloc(len + 1));
	strcpy(s, prog);
	for (size_t i = 0; args[i]; i++) {
		bool quote = strpbrk(args[i], " {}:,'\"") != NULL || !*args[i];

		strcat(s, quote ? " '" : " ");
		strcat(s, args[i]);
		if (quote)
			strcat(s, "'");
	}
	return s;
}

struct fl_proc *fl_spawn_wrapped(const char *const *wrapper, const char *const *args)
{
	const char *prog = fl_faultline();
	struct fl_proc *p = own(calloc(1, sizeof(*p)));
	size_t n = 0, w = 0;
	const char **argv, **fl_argv;
	int fd_in, fd_out, fd_err;

	if (access(prog, X_OK) < 0) {
		print_error("FAULTLINE=%s is not executable: %s\n", prog, strerror(errno));
		fail();
	}
	while (args[n])
		n++;
	while (wrapper && wrapper[w])
		w++;
	argv = own(calloc(w + n + 3, sizeof(*argv)));
	memcpy(argv, wrapper, w * sizeof(*argv));
	fl_argv = argv + w;
	fl_argv[0] = prog;
	memcpy(fl_argv + 1, args, n * sizeof(*argv));
	/*
	 * FL_MODE=no-seccomp runs the same case with every syscall stopping
	 * (PTRACE_SYSCALL): both engine paths must behave the same.
	 */
	if (n > 0 && !strcmp(args[0], "run") && getenv("FL_MODE") &&
	    !strcmp(getenv("FL_MODE"), "no-seccomp")) {
		memmove(fl_argv + 3, fl_argv + 2, (n - 1) * sizeof(*argv));
		fl_argv[2] = "--no-seccomp";
	}

	run_counter++;
	p->out_path = fl_strf("%s/.fl-stdout.%u", fl_dir(), run_counter);
	p->err_path = fl_strf("%s/.fl-stderr.%u", fl_dir(), run_counter);
	p->cmdline = join_cmdline(prog, args);
	if (w)
		prog = argv[0];

	fd_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fd_out = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	fd_err = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd_in >= 0 && fd_out >= 0 && fd_err >= 0);

	fflush(NULL);
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		sigset_t none;

		/* Own process group, so a timeout can kill faultline and its tree. */
		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(fd_in, 0) < 0 || dup2(fd_out, 1) < 0 || dup2(fd_err, 2) < 0)
			_exit(121);
		if (chdir(test_dir) < 0)
			_exit(122);
		execvp(prog, (char *const *)argv);
		dprintf(2, "harness: execv %s: %s\n", prog, strerror(errno));
		_exit(123);
	}
	setpgid(p->pid, p->pid); /* no race with the child's own call */
	close(fd_in);
	close(fd_out);
	close(fd_err);
	return p;
}

struct fl_proc *fl_spawn_argv(const char *const *args)
{
	return fl_spawn_wrapped(NULL, args);
}

struct fl_proc *fl_spawn_list(const char *first, ...)
{
	const char *args[128];
	size_t n = 0;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		assert_true(n < FL_ARRAY_SIZE(args) - 1);
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	return fl_spawn_argv(args);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 8192;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	buf[len] = 0;
	return buf;
}

char *fl_read_file(const char *path)
{
	char *s = slurp(path);

	return s ? own(s) : NULL;
}

bool fl_wait_stdout(struct fl_proc *p, const char *needle, int timeout_ms)
{
	double end = now_ms() + timeout_ms;

	for (;;) {
		char *s = slurp(p->out_path);
		bool found = s && strstr(s, needle);

		free(s);
		if (found)
			return true;
		if (!p->reaped && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
			p->reaped = true; /* ended; fl_finish reports the status */
		if (p->reaped) {
			s = slurp(p->out_path);
			found = s && strstr(s, needle);
			free(s);
			return found;
		}
		if (now_ms() > end)
			return false;
		sleep_ms(5);
	}
}

void fl_finish(struct fl_proc *p, struct fl_result *r, int timeout_ms)
{
	double end = now_ms() + timeout_ms;
	int st = 0;

	memset(r, 0, sizeof(*r));
	r->cmdline = p->cmdline;
	while (!p->reaped) {
		pid_t w = waitpid(p->pid, &st, WNOHANG);

		if (w == p->pid) {
			p->reaped = true;
			p->status = st;
			break;
		}
		if (w < 0 && errno != EINTR) {
			print_error("waitpid: %s\n", strerror(errno));
			fail();
		}
		if (now_ms() > end) {
			r->timed_out = true;
			kill(-p->pid, SIGKILL);
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &p->status, 0);
			p->reaped = true;
			break;
		}
		sleep_ms(2);
	}
	st = p->status;
	/* Whatever faultline left behind in its group must not outlive the test. */
	kill(-p->pid, SIGKILL);

	r->status = st;
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	r->out = fl_read_file(p->out_path);
	r->err = fl_read_file(p->err_path);
	if (!r->out)
		r->out = fl_strf("%s", "");
	if (!r->err)
		r->err = fl_strf("%s", "");
	if (r->timed_out) {
		print_error("faultline did not end within %d ms; killed it\n", timeout_ms);
		fl_dump(r);
		fail();
	}
}

void fl_run_argv(struct fl_result *r, const char *const *args)
{
	fl_finish(fl_spawn_argv(args), r, FL_RUN_TIMEOUT_MS);
}

void fl_run_list(struct fl_result *r, ...)
{
	const char *args[128];
	size_t n = 0;
	va_list ap;

	va_start(ap, r);
	for (const char *a = va_arg(ap, const char *); a; a = va_arg(ap, const char *)) {
		assert_true(n < FL_ARRAY_SIZE(args) - 1);
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	fl_run_argv(r, args);
}

/* ---- reading output ----------------------------------------------------- */

/* Calls @fn on every line of @text (without its newline). */
static const char *next_line(const char *s, size_t *len)
{
	const char *nl;

	if (!s || !*s)
		return NULL;
	nl = strchr(s, '\n');
	*len = nl ? (size_t)(nl - s) : strlen(s);
	return s;
}

char *fl_outcomes(const char *text, const char *op)
{
	size_t oplen = strlen(op), len, cap = 1, used = 0;
	char *res = malloc(1);

	assert_non_null(res);
	res[0] = 0;
	for (const char *l = text; (l = next_line(l, &len)); l += len + (l[len] == '\n')) {
		const char *colon, *word;
		size_t wlen;

		if (len <= oplen || strncmp(l, op, oplen) || l[oplen] != '[')
			continue;
		colon = memmem(l, len, ": ", 2);
		if (!colon)
			continue;
		word = colon + 2;
		if (!strncmp(word, "ok", 2)) {
			wlen = 2;
		} else if (!strncmp(word, "err ", 4)) {
			word += 4;
			wlen = strcspn(word, " \n");
		} else {
			word = "?";
			wlen = 1;
		}
		cap = used + wlen + 2;
		res = realloc(res, cap);
		assert_non_null(res);
		if (used)
			res[used++] = ' ';
		memcpy(res + used, word, wlen);
		used += wlen;
		res[used] = 0;
	}
	return own(res);
}

char *fl_line_after(const char *text, const char *prefix)
{
	size_t plen = strlen(prefix), len;

	for (const char *l = text; (l = next_line(l, &len)); l += len + (l[len] == '\n'))
		if (len >= plen && !strncmp(l, prefix, plen))
			return fl_strf("%.*s", (int)(len - plen), l + plen);
	return NULL;
}

int fl_count_lines(const char *text, const char *needle)
{
	size_t len;
	int n = 0;

	for (const char *l = text; (l = next_line(l, &len)); l += len + (l[len] == '\n'))
		if (memmem(l, len, needle, strlen(needle)))
			n++;
	return n;
}

bool fl_has_line(const char *text, const char *line)
{
	size_t len;

	for (const char *l = text; (l = next_line(l, &len)); l += len + (l[len] == '\n'))
		if (len == strlen(line) && !strncmp(l, line, len))
			return true;
	return false;
}

bool fl_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *fl_log_seed(const char *log)
{
	char *rest = fl_line_after(log, "faultline 0.1.0: seed ");
	size_t n;

	if (!rest)
		return NULL;
	n = strspn(rest, "0123456789");
	if (n == 0 || (rest[n] != ',' && rest[n] != 0))
		return NULL;
	rest[n] = 0;
	return rest;
}

json_t *fl_load_json(const char *path)
{
	json_error_t jerr;
	json_t *j;

	if (!fl_exists(path)) {
		print_error("report %s was not written\n", path);
		fail();
	}
	j = json_load_file(path, 0, &jerr);
	if (!j) {
		print_error("report %s is not valid JSON: %s at line %d column %d\n%s\n", path,
			    jerr.text, jerr.line, jerr.column, fl_read_file(path));
		fail();
	}
	return j;
}

/* ---- assertions --------------------------------------------------------- */

void fl_dump(const struct fl_result *r)
{
	if (!r)
		return;
	print_error("--- run: %s\n", r->cmdline ? r->cmdline : "?");
	if (r->timed_out)
		print_error("--- timed out\n");
	else if (r->signal)
		print_error("--- faultline killed by signal %d (%s)\n", r->signal, strsignal(r->signal));
	else
		print_error("--- faultline exit status %d\n", r->code);
	print_error("--- stdout:\n%s%s--- stderr:\n%s%s--- end\n", r->out ? r->out : "",
		    r->out && *r->out && r->out[strlen(r->out) - 1] != '\n' ? "\n" : "",
		    r->err ? r->err : "",
		    r->err && *r->err && r->err[strlen(r->err) - 1] != '\n' ? "\n" : "");
}

void fl_assert_exit_(const struct fl_result *r, int code, const char *file, int line)
{
	if (!r->timed_out && !r->signal && r->code == code)
		return;
	print_error("expected faultline to exit with %d\n", code);
	fl_dump(r);
	_fail(file, line);
}

void fl_assert_contains_(const struct fl_result *r, const char *what, const char *hay,
			 const char *needle, bool want, const char *file, int line)
{
	bool has = hay && strstr(hay, needle);

	if (has == want)
		return;
	print_error("expected %s %s \"%s\"\n", what, want ? "to contain" : "not to contain", needle);
	fl_dump(r);
	_fail(file, line);
}

void fl_assert_str_(const struct fl_result *r, const char *what, const char *got,
		    const char *want, const char *file, int line)
{
	if (got && want && !strcmp(got, want))
		return;
	print_error("%s: got \"%s\", want \"%s\"\n", what, got ? got : "(null)",
		    want ? want : "(null)");
	fl_dump(r);
	_fail(file, line);
}

/* ---- main --------------------------------------------------------------- */

/*
 * 1: a child may PTRACE_TRACEME and be stopped; 0: EPERM (no ptrace here);
 * -1: something else went wrong (reported, and then the tests run and fail).
 */
static int ptrace_permitted(void)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(errno == EPERM ? 77 : 1);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		ptrace(PTRACE_CONT, pid, NULL, NULL);
		waitpid(pid, &st, 0);
		return 1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		return 0;
	fprintf(stderr, "harness: ptrace probe ended oddly (status 0x%x)\n", st);
	return -1;
}

static unsigned n_skipped;

void fl_note_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	n_skipped++;
}

static int check_listed(int argc, char **argv, const struct CMUnitTest *tests, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (int a = 0; a < argc; a++)
			found |= !strcmp(argv[a], tests[i].name);
		if (!found) {
			fprintf(stderr, "test %s is not listed in tests/integration/meson.build\n",
				tests[i].name);
			bad = 1;
		}
	}
	for (int a = 0; a < argc; a++) {
		bool found = false;

		for (size_t i = 0; i < n; i++)
			found |= !strcmp(argv[a], tests[i].name);
		if (!found) {
			fprintf(stderr, "meson.build lists %s, which is no test\n", argv[a]);
			bad = 1;
		}
	}
	if (!bad)
		printf("all %zu tests are listed\n", n);
	return bad;
}

int fl_main(int argc, char **argv, const char *group, const struct CMUnitTest *tests,
	    size_t n_tests, bool needs_ptrace)
{
	struct CMUnitTest *sel;
	size_t n_sel = 0;

	if (argc > 1 && !strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < n_tests; i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--check-listed"))
		return check_listed(argc - 2, argv + 2, tests, n_tests);

	sel = calloc(n_tests, sizeof(*sel));
	if (!sel)
		return 1;
	if (argc <= 1) {
		memcpy(sel, tests, n_tests * sizeof(*sel));
		n_sel = n_tests;
	}
	for (int a = 1; a < argc; a++) {
		bool found = false;

		for (size_t i = 0; i < n_tests; i++) {
			if (!strcmp(argv[a], tests[i].name)) {
				sel[n_sel++] = tests[i];
				found = true;
				break;
			}
		}
		if (!found) {
			fprintf(stderr, "%s: no test named %s\n", group, argv[a]);
			free(sel);
			return 1;
		}
	}

	if (needs_ptrace) {
		int ok = ptrace_permitted();

		if (ok == 0) {
			printf("SKIP: ptrace is not permitted here (PTRACE_TRACEME: EPERM)\n");
			free(sel);
			return 77;
		}
	}
	int failed = _cmocka_run_group_tests(group, sel, n_sel, NULL, NULL);
	free(sel);
	if (failed)
		return 1;
	return n_sel > 0 && n_skipped == n_sel ? 77 : 0;
}

json_t *fl_json_get(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		char *text = json_dumps(obj, JSON_INDENT(2));

		print_error("report: no key \"%s\" in\n%s\n", key, text ? text : "?");
		free(text);
		fail();
	}
	return v;
}

const char *fl_json_str(json_t *obj, const char *key)
{
	json_t *v = fl_json_get(obj, key);

	if (!json_is_string(v)) {
		print_error("report: \"%s\" is not a string\n", key);
		fail();
	}
	return json_string_value(v);
}

json_int_t fl_json_int(json_t *obj, const char *key)
{
	json_t *v = fl_json_get(obj, key);

	if (!json_is_integer(v)) {
		print_error("report: \"%s\" is not an integer\n", key);
		fail();
	}
	return json_integer_value(v);
}
