/* Finding the command and starting it stopped, ready to be seized. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faultline/tracer.h"
#include "faultline/base.h"
#include "run.h"
#include "signals.h"
#include "spawn.h"

/* 0 if @path is an executable regular file, else -ENOENT / -EACCES. */
static int check_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -EACCES;
	if (S_ISDIR(st.st_mode))
		return -EACCES;
	if (access(path, X_OK) < 0)
		return -EACCES;
	return 0;
}

int fl_resolve_command(const char *name, char **ret_path)
{
	const char *path_env;
	int best = -ENOENT;

	if (!name || !*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		int r = check_executable(name);
		if (r < 0)
			return r;
		*ret_path = strdup(name);
		return *ret_path ? 0 : -ENOMEM;
	}

	path_env = getenv("PATH");
	if (!path_env)
		path_env = "/usr/local/bin:/usr/bin:/bin";

	/* Same search as execvp(): an empty entry is the current directory. */
	for (const char *p = path_env;; ) {
		const char *colon = strchrnul(p, ':');
		size_t dlen = (size_t)(colon - p);
		_cleanup_free_ char *cand = NULL;

		if (asprintf(&cand, "%.*s%s%s", (int)dlen, p, dlen ? "/" : "", name) < 0)
			return -ENOMEM;
		int r = check_executable(cand);
		if (r == 0) {
			*ret_path = steal_pointer(&cand);
			return 0;
		}
		if (r == -EACCES)
			best = -EACCES; /* found but not runnable: 126, as a shell says */
		if (!*colon)
			break;
		p = colon + 1;
	}
	return best;
}

int fl_spawn_held(const char *exe_path, char *const *argv,
		  const struct fl_prefilter *filter, const struct fl_spawn_signals *sigs,
		  unsigned close_std_fds, pid_t *ret_pid, int ret_go[2])
{
	pid_t parent = getpid();
	int go[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = errno;
		close(go[0]);
		close(go[1]);
		return -err;
	}
	if (pid == 0) {
		sigset_t none;
		ssize_t n;
		char c;

		close(go[1]);
		/*
		 * Until faultline has seized it, the child dies with faultline:
		 * SIGKILL on the parent's death, and a re-check for a parent
		 * that died before prctl() took effect.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(FL_EXIT_OWN_ERROR);
		if (getppid() != parent)
			kill(getpid(), SIGKILL);

		/*
		 * The command starts with the signal state faultline was given:
		 * what the caller ignored (nohup, a shell's background job) stays
		 * ignored, what it blocked stays blocked.
		 */
		sigemptyset(&none);
		for (size_t i = 0; sigs && i < sigs->n; i++)
			sigaction(sigs->signo[i], &sigs->action[i], NULL);
		sigprocmask(SIG_SETMASK, sigs ? sigs->mask : &none, NULL);

		/*
		 * Wait until the parent has seized us: it writes one byte only
		 * then. End of file (faultline died or gave up) never runs the
		 * program untraced with a filter that fails every call it
		 * names; nor does a SIGCONT from anyone, which a stopped child
		 * had to guard against. Once seized, PTRACE_O_EXITKILL takes
		 * over and the program gets the parent-death signal it was
		 * started with (none).
		 */
		do
			n = read(go[0], &c, 1);
		while (n < 0 && errno == EINTR);
		/*
		 * The kernel closes a dying parent's files before it sends the
		 * parent-death signal, so the end of file can win the race:
		 * die as that signal would have killed us, not with a status
		 * that reads as the program's.
		 */
		if (n != 1)
			kill(getpid(), SIGKILL);
		close(go[0]);
		if (prctl(PR_SET_PDEATHSIG, 0) < 0)
			_exit(FL_EXIT_OWN_ERROR);

		if (filter && filter->install && filter->install(filter->ud) < 0) {
			fprintf(stderr, "faultline: cannot install the seccomp filter: %s\n",
				strerror(errno));
			_exit(FL_EXIT_OWN_ERROR);
		}
		for (int fd = 0; fd <= 2; fd++)
			if (close_std_fds & (1u << fd))
				close(fd);
		execv(exe_path, argv);
		int err = errno;
		fprintf(stderr, "faultline: %s: %s\n", argv[0], strerror(err));
		_exit(err == ENOENT ? FL_EXIT_NOT_FOUND : FL_EXIT_NOT_EXECUTABLE);
	}
	*ret_pid = pid;
	ret_go[0] = go[0];
	ret_go[1] = go[1];
	return 0;
}

/*
 * Run mode: fork the command, seize it while it waits for the word to go,
 * have the signal handler forward to it, and let it go. Nothing stops: the
 * first event of the command is its exec (seccomp mode), where a stopped
 * child cost a stop, a PTRACE_LISTEN, a SIGCONT, its trap stop, its
 * signal-delivery stop and a /proc read before.
 */
int fl_start_command(struct tracer *tr, const struct fl_spawn_signals *sigs)
{
	const struct fl_tracer_config *cfg = tr->cfg;
	int go[2];
	pid_t pid;
	int r;

	r = fl_spawn_held(cfg->exe_path, cfg->argv, cfg->prefilter, sigs, cfg->closed_std_fds,
			  &pid, go);
	if (r < 0)
		return r;
	tr->main_pid = pid;

	r = fl_seize(pid, cfg->prefilter != NULL, false);
	struct fl_tracee *t = r < 0 ? NULL : fl_tracee_add(&tr->tracees, pid);
	if (!t) {
		close(go[0]);
		close(go[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return r < 0 ? r : -ENOMEM;
	}
	t->before_exec = true;
	t->tgid = pid;
	fl_signals_forward_to(pid);
	/* Both ends were open until now: the write cannot raise SIGPIPE. */
	r = write(go[1], "g", 1) < 0 ? -errno : 0;
	close(go[0]);
	close(go[1]);
	return r;
}

int fl_tracer_exit_status(const struct fl_tracer_result *res)
{
	if (res->detached)
		return 0;
	if (res->exited)
		return res->exit_code;
	return 128 + res->term_signal;
}
