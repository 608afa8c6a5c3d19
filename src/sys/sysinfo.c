/*
 * The per-syscall argument table behind the log formatter, the loader's
 * "can this filter ever apply" checks and the matcher's filters. libseccomp
 * knows names and numbers but not argument types, hence this table.
 */
#include <stdlib.h>
#include <string.h>

#include "faultline/sys.h"
#include "faultline/base.h"

/*
 * Signatures follow the x86_64 kernel entry points; i386 shares them by name
 * (where i386 splits a 64-bit offset over two registers only the printing
 * of that offset is off; paths, fds, counts and addresses sit at the same
 * index). A few i386-only names are here so that filters work on them too.
 * Keep sorted by strcmp(): looked up with bsearch(), and test_sysinfo checks.
 *
 * Kinds that filters read (see enum fl_arg_kind): P paths, D the dirfd of
 * the P after it, F fds, S/s and H socket addresses, C and V/N byte counts,
 * E flags that may carry AT_EMPTY_PATH. T marks strings that look like paths
 * but are not the call's path (symlink's target, mount's source and type),
 * so path: never looks at them.
 */
static const struct fl_sysinfo sys_table[] = {
	{ "_llseek", "FUUAI" },
	{ "accept", "FAA" },
	{ "accept4", "FAAo" },
	{ "access", "PI" },
	{ "acct", "P" },
	{ "bind", "FSs" },
	{ "brk", "A" },
	{ "chdir", "P" },
	{ "chmod", "PM" },
	{ "chown", "PII" },
	{ "chown32", "PII" },
	{ "chroot", "P" },
	{ "clock_gettime", "IA" },
	{ "clock_gettime64", "IA" },
	{ "clock_nanosleep", "IXAA" },
	{ "clock_nanosleep_time64", "IXAA" },
	{ "clone", "XAAAA" },
	{ "clone3", "AU" },
	{ "close", "F" },
	{ "connect", "FSs" },
	{ "copy_file_range", "FAFACX" },
	{ "creat", "PM" },
	{ "dup", "F" },
	{ "dup2", "FF" },
	{ "dup3", "FFo" },
	{ "epoll_ctl", "FIFA" },
	{ "epoll_pwait", "FAIIAU" },
	{ "epoll_wait", "FAII" },
	{ "execve", "PAA" },
	{ "execveat", "DPAAE" },
	{ "exit", "I" },
	{ "exit_group", "I" },
	{ "faccessat", "DPI" },
	{ "faccessat2", "DPIE" },
	{ "fadvise64", "FLLI" },
	{ "fallocate", "FILL" },
	{ "fchdir", "F" },
	{ "fchmod", "FM" },
	{ "fchmodat", "DPM" },
	{ "fchown", "FII" },
	{ "fchown32", "FII" },
	{ "fchownat", "DPIIE" },
	{ "fcntl", "FIX" },
	{ "fcntl64", "FIX" },
	{ "fdatasync", "F" },
	{ "fgetxattr", "FTAU" },
	{ "flistxattr", "FAU" },
	{ "flock", "FI" },
	{ "fork", "" },
	{ "fremovexattr", "FT" },
	{ "fsetxattr", "FTAUX" },
	{ "fstat", "FA" },
	{ "fstat64", "FA" },
	{ "fstatat64", "DPAE" },
	{ "fstatfs", "FA" },
	{ "fstatfs64", "FUA" },
	{ "fsync", "F" },
	{ "ftruncate", "FL" },
	{ "ftruncate64", "FUU" },
	{ "getcwd", "AU" },
	{ "getdents", "FAU" },
	{ "getdents64", "FAU" },
	{ "getpeername", "FAA" },
	{ "getpid", "" },
	{ "getppid", "" },
	{ "getrandom", "ACX" },
	{ "getsockname", "FAA" },
	{ "getsockopt", "FIIAA" },
	{ "gettid", "" },
	{ "gettimeofday", "AA" },
	{ "getxattr", "PTAU" },
	{ "inotify_add_watch", "FPX" },
	{ "ioctl", "FXA" },
	{ "kill", "II" },
	{ "lchown", "PII" },
	{ "lchown32", "PII" },
	{ "lgetxattr", "PTAU" },
	{ "link", "PP" },
	{ "linkat", "DPDPE" },
	{ "listen", "FI" },
	{ "listxattr", "PAU" },
	{ "llistxattr", "PAU" },
	{ "lremovexattr", "PT" },
	{ "lseek", "FLI" },
	{ "lsetxattr", "PTAUX" },
	{ "lstat", "PA" },
	{ "lstat64", "PA" },
	{ "mkdir", "PM" },
	{ "mkdirat", "DPM" },
	{ "mknod", "PMU" },
	{ "mknodat", "DPMU" },
	{ "mmap", "AUpfFL" },
	{ "mmap2", "AUpfFU" },
	{ "mount", "TPTXA" },
	{ "mprotect", "AUp" },
	{ "munmap", "AU" },
	{ "nanosleep", "AA" },
	{ "newfstatat", "DPAE" },
	{ "open", "POm" },
	{ "openat", "DPOm" },
	{ "openat2", "DPAU" },
	{ "pipe", "A" },
	{ "pipe2", "Ao" },
	{ "pivot_root", "PP" },
	{ "poll", "AUI" },
	{ "ppoll", "AUAAU" },
	{ "pread64", "FACL" },
	{ "preadv", "FVNL" },
	{ "preadv2", "FVNLX" },
	{ "pselect6", "IAAAAA" },
	{ "pwrite64", "FACL" },
	{ "pwritev", "FVNL" },
	{ "pwritev2", "FVNLX" },
	{ "read", "FAC" },
	{ "readahead", "FLU" },
	{ "readlink", "PAU" },
	{ "readlinkat", "DPAU" },
	{ "readv", "FVN" },
	{ "recvfrom", "FACgAA" },
	{ "recvmmsg", "FAUgA" },
	{ "recvmsg", "FAg" },
	{ "removexattr", "PT" },
	{ "rename", "PP" },
	{ "renameat", "DPDP" },
	{ "renameat2", "DPDPX" },
	{ "rmdir", "P" },
	{ "select", "IAAAA" },
	{ "sendfile", "FFAC" },
	{ "sendfile64", "FFAC" },
	{ "sendmmsg", "FAUg" },
	{ "sendmsg", "FHg" },
	{ "sendto", "FACgSs" },
	{ "setsockopt", "FIIAU" },
	{ "setxattr", "PTAUX" },
	{ "shutdown", "FI" },
	{ "socket", "III" },
	{ "splice", "FAFACX" },
	{ "stat", "PA" },
	{ "stat64", "PA" },
	{ "statfs", "PA" },
	{ "statfs64", "PUA" },
	{ "statx", "DPEXA" },
	{ "swapoff", "P" },
	{ "swapon", "PX" },
	{ "symlink", "TP" },
	{ "symlinkat", "TDP" },
	{ "sync_file_range", "FLLX" },
	{ "syncfs", "F" },
	{ "tee", "FFCX" },
	{ "tgkill", "III" },
	{ "time", "A" },
	{ "timer_settime", "IXAA" },
	{ "timer_settime64", "IXAA" },
	{ "timerfd_settime", "FXAA" },
	{ "timerfd_settime64", "FXAA" },
	{ "truncate", "PL" },
	{ "truncate64", "PUU" },
	{ "umount2", "PX" },
	{ "unlink", "P" },
	{ "unlinkat", "DPX" },
	{ "utime", "PA" },
	{ "utimensat", "DPAE" },
	{ "utimes", "PA" },
	{ "vfork", "" },
	{ "wait4", "IAwA" },
	{ "write", "FAC" },
	{ "writev", "FVN" },
};

static int sysinfo_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct fl_sysinfo *)elem)->name);
}

const struct fl_sysinfo *fl_sysinfo_find(const char *name)
{
	if (!name)
		return NULL;
	return bsearch(name, sys_table, FL_ARRAY_SIZE(sys_table), sizeof(sys_table[0]),
		       sysinfo_cmp);
}

const struct fl_sysinfo *fl_sysinfo_of(uint32_t arch, int nr)
{
	return fl_sysinfo_find(fl_syscall_name(arch, nr));
}

unsigned fl_sysinfo_nargs(const struct fl_sysinfo *si)
{
	return si ? (unsigned)strnlen(si->args, 6) : 0;
}

int fl_sysinfo_arg(const struct fl_sysinfo *si, enum fl_arg_kind kind, int from)
{
	if (!si || from < 0)
		return -1;
	for (int i = from; i < 6 && si->args[i]; i++)
		if (si->args[i] == (char)kind)
			return i;
	return -1;
}

bool fl_sysinfo_arg_is_int(const struct fl_sysinfo *si, int i)
{
	if (!si || i < 0 || i >= 6 || (unsigned)i >= fl_sysinfo_nargs(si))
		return false;
	switch (si->args[i]) {
	case FL_ARG_DIRFD:
	case FL_ARG_FD:
	case FL_ARG_INT:
	case FL_ARG_OPEN_FLAGS:
	case FL_ARG_MODE:
	case FL_ARG_CREAT_MODE:
	case FL_ARG_AT_FLAGS:
	case FL_ARG_IOVCNT:
		return true;
	default:
		return false;
	}
}

int fl_sysinfo_data_dir(const struct fl_sysinfo *si)
{
	static const char *const in[] = { "read", "pread64", "readv", "preadv", "preadv2",
					  "recvfrom", "recvmsg" };
	static const char *const out[] = { "write", "pwrite64", "writev", "pwritev", "pwritev2",
					   "sendto", "sendmsg" };

	for (size_t i = 0; si && i < FL_ARRAY_SIZE(in); i++)
		if (strcmp(si->name, in[i]) == 0)
			return FL_DATA_IN;
	for (size_t i = 0; si && i < FL_ARRAY_SIZE(out); i++)
		if (strcmp(si->name, out[i]) == 0)
			return FL_DATA_OUT;
	return 0;
}

unsigned fl_sysinfo_caps(const struct fl_sysinfo *si)
{
	unsigned caps = 0;

	for (int i = 0; si && i < 6 && si->args[i]; i++) {
		switch (si->args[i]) {
		case FL_ARG_PATH:
			caps |= FL_SYS_PATH;
			break;
		case FL_ARG_FD:
			caps |= FL_SYS_FD;
			break;
		case FL_ARG_SOCKADDR:
		case FL_ARG_MSGHDR:
			caps |= FL_SYS_SOCKADDR;
			break;
		case FL_ARG_COUNT:
		case FL_ARG_IOVEC:
			caps |= FL_SYS_COUNT;
			break;
		default:
			break;
		}
	}
	return caps;
}

const struct fl_sysinfo *fl_sysinfo_table(size_t *ret_n)
{
	*ret_n = FL_ARRAY_SIZE(sys_table);
	return sys_table;
}
