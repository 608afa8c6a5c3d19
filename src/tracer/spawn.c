/* Finding the command and starting it stopped, ready to be seized. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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

int fl_spawn_stopped(const char *exe_path, char *const *argv,
		     const struct fl_prefilter *filter, const struct fl_spawn_signals *sigs,
		     unsigned close_std_fds, pid_t *ret_pid, int *ret_go_fd)
{
	pid_t parent = getpid();
	int go[2];

	/* A socket, not a pipe: send(MSG_NOSIGNAL) to a child that died raises no SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) < 0)
		return -errno;
	pid_t pid = fork();

	if (pid < 0) {
		int err = errno;
		close(go[0]);
		close(go[1]);
		return -err;
	}
	if (pid == 0) {
		sigset_t none;
		char token;
		ssize_t n;

		close(go[1]);

		/*
		 * Until faultline has seized it, the child dies with faultline:
		 * SIGKILL on the parent's death (even while stopped), and a
		 * re-check for a parent that died before prctl() took effect.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(FL_EXIT_OWN_ERROR);

		/*
		 * The command starts with the signal state faultline was given:
		 * what the caller ignored (nohup, a shell's background job) stays
		 * ignored, what it blocked stays blocked.
		 */
		sigemptyset(&none);
		for (size_t i = 0; sigs && i < sigs->n; i++)
			sigaction(sigs->signo[i], &sigs->action[i], NULL);
		sigprocmask(SIG_SETMASK, sigs ? sigs->mask : &none, NULL);

		/* Wait here until the parent has seized us. */
		raise(SIGSTOP);

		/*
		 * Continued by anyone but a seizing faultline (a SIGCONT from a
		 * shell, faultline gone between stop and seize): never run the
		 * program untraced with a filter that fails every call it names.
		 * The parent sends the token once it has seized us, before it
		 * continues us: when we wake without it, someone else woke us
		 * (or the parent failed). A socket rather than
		 * /proc/self/status's TracerPid: it works without /proc too.
		 * Once seized, PTRACE_O_EXITKILL takes over and the program gets
		 * the parent-death signal it was started with (none).
		 */
		do
			n = recv(go[0], &token, 1, MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		close(go[0]);
		if (n != 1) {
			fprintf(stderr, "faultline: the command was continued without its tracer; "
				"not starting it\n");
			_exit(FL_EXIT_OWN_ERROR);
		}
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

	int status;
	close(go[0]);
	while (waitpid(pid, &status, WSTOPPED) < 0) {
		if (errno != EINTR) {
			int err = errno;
			kill(pid, SIGKILL);
			close(go[1]);
			return -err;
		}
	}
	if (!WIFSTOPPED(status)) {
		/* It died before stopping: nothing to trace. */
		close(go[1]);
		return -ECHILD;
	}
	*ret_pid = pid;
	*ret_go_fd = go[1];
	return 0;
}

/*
 * Run mode: fork the command stopped, seize it, and have the signal handler
 * forward to it. The caller sends SIGCONT.
 */
int fl_start_command(struct tracer *tr, const struct fl_spawn_signals *sigs)
{
	const struct fl_tracer_config *cfg = tr->cfg;
	pid_t pid;
	int r, go_fd;

	r = fl_spawn_stopped(cfg->exe_path, cfg->argv, cfg->prefilter, sigs, cfg->closed_std_fds,
			     &pid, &go_fd);
	if (r < 0)
		return r;
	tr->main_pid = pid;

	r = fl_seize(pid, cfg->prefilter != NULL, false);
	struct fl_tracee *t = r < 0 ? NULL : fl_tracee_add(&tr->tracees, pid);
	/*
	 * Seized: the child may go on once continued (see fl_spawn_stopped()).
	 * Should the send fail, the child is dead, and the loop will see it.
	 */
	if (t && send(go_fd, "", 1, MSG_NOSIGNAL) != 1)
		(void)0;
	close(go_fd);
	if (!t) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return r < 0 ? r : -ENOMEM;
	}
	t->before_exec = true;
	t->tgid = pid;
	fl_signals_forward_to(pid);
	return 0;
}

int fl_tracer_exit_status(const struct fl_tracer_result *res)
{
	if (res->detached)
		return 0;
	if (res->exited)
		return res->exit_code;
	return 128 + res->term_signal;
}
