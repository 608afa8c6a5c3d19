/* What the tracer reads of /proc: thread groups, status fields, command names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/base.h"
#include "run.h"

pid_t fl_tracee_tgid(struct fl_tracee *t)
{
	char path[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;

	if (t->tgid)
		return t->tgid;
	snprintf(path, sizeof(path), "/proc/%d/status", t->tid);
	f = fopen(path, "re");
	if (!f)
		return t->tid;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &t->tgid) == 1)
			return t->tgid;
	return t->tid;
}

/* Field @key of /proc/PID/status as an integer, or -1. */
long fl_proc_status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			return strtol(line + klen + 1, NULL, 10);
	return -1;
}

void fl_proc_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(buf, size, "?");
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
}
