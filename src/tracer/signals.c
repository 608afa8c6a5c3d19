/*
 * The signal handler and the only state it shares with the loop (see
 * signals.h): five sig_atomic_t flags, private to this file.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "faultline/base.h"
#include "signals.h"

static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t pending_forward;
static volatile sig_atomic_t attach_mode;
static volatile sig_atomic_t detach_requested;
static volatile sig_atomic_t cut_delays;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;

	(void)uc;
	if (attach_mode) {
		detach_requested = 1;
	} else if ((sig == SIGINT || sig == SIGQUIT) && si && si->si_code == SI_KERNEL) {
		/*
		 * SIGINT/SIGQUIT typed at a terminal reach the whole foreground
		 * process group, the command included: forwarding those would
		 * deliver them twice. Only forward what was sent to faultline.
		 */
	} else if (forward_pid > 0) {
		kill((pid_t)forward_pid, sig);
		cut_delays = 1;
	} else {
		pending_forward = sig;
	}
	errno = saved_errno;
}

static void noop_handler(int sig)
{
	(void)sig;
}

static const int forwarded_signals[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
_Static_assert(FL_ARRAY_SIZE(forwarded_signals) + 1 == FL_N_SAVED_SIGNALS,
	       "the forwarded signals and SIGCHLD");

/*
 * The forwarded signals get on_signal(), except those faultline was started
 * with ignored (nohup, a shell's background job): they stay ignored, and the
 * command inherits that. SIGCHLD stays blocked so that sigtimedwait() can
 * wait for it with a timeout. The handlers are not blocked and not
 * SA_RESTART-less: they interrupt sigtimedwait(), and the loop looks at what
 * they left at every turn.
 */
void fl_signals_install(struct fl_saved_signals *saved, bool attach)
{
	struct sigaction sa;
	sigset_t block;

	forward_pid = 0;
	cut_delays = 0;
	attach_mode = attach;
	detach_requested = 0;
	pending_forward = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < FL_ARRAY_SIZE(forwarded_signals); i++) {
		saved->signo[i] = forwarded_signals[i];
		sigaction(forwarded_signals[i], NULL, &saved->old[i]);
		if (saved->old[i].sa_handler != SIG_IGN || attach)
			sigaction(forwarded_signals[i], &sa, NULL);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_handler;
	sigemptyset(&sa.sa_mask);
	saved->signo[FL_N_SAVED_SIGNALS - 1] = SIGCHLD;
	sigaction(SIGCHLD, &sa, &saved->old[FL_N_SAVED_SIGNALS - 1]);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &saved->old_mask);
}

void fl_signals_restore(const struct fl_saved_signals *saved)
{
	forward_pid = 0;
	for (size_t i = 0; i < FL_N_SAVED_SIGNALS; i++)
		sigaction(saved->signo[i], &saved->old[i], NULL);
	sigprocmask(SIG_SETMASK, &saved->old_mask, NULL);
}

void fl_signals_forward_to(pid_t pid)
{
	forward_pid = pid;
}

int fl_signals_take_pending(void)
{
	int sig = pending_forward;

	if (sig)
		pending_forward = 0;
	return sig;
}

bool fl_signals_detach_requested(void)
{
	return detach_requested;
}

bool fl_signals_cut_pending(void)
{
	return cut_delays;
}

bool fl_signals_take_cut(void)
{
	bool cut = cut_delays;

	cut_delays = 0;
	return cut;
}

void fl_signals_cut(void)
{
	cut_delays = 1;
}
