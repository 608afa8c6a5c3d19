/*
 * A read(2) that a signal interrupts and the kernel restarts (SA_RESTART):
 * a child sends SIGALRM while the parent blocks in read on a pipe, then
 * writes 100 bytes. Prints "read -> N". Under a short: rule the restarted
 * call must still be the shortened one.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa;
	char buf[100];
	int p[2];
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	if (pipe(p) < 0)
		return 2;
	pid = fork();
	if (pid == 0) {
		usleep(200 * 1000);
		kill(getppid(), SIGALRM);
		usleep(200 * 1000);
		memset(buf, 'x', sizeof(buf));
		_exit(write(p[1], buf, sizeof(buf)) == sizeof(buf) ? 0 : 1);
	}
	ssize_t n = read(p[0], buf, sizeof(buf));
	printf("read -> %zd\n", n);
	waitpid(pid, NULL, 0);
	return 0;
}
