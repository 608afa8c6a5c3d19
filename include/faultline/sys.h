/*
 * src/sys: the tables every stage reads. Names of syscalls (libseccomp),
 * errnos and signals (glibc), durations, and the argument kinds of each
 * syscall. Pure; no tracee involved.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Highest errno value a rule may name or return (the kernel's MAX_ERRNO). */
#define FL_ERRNO_MAX 4095

/*
 * Syscall names per ABI (@arch: an AUDIT_ARCH_* value, which is libseccomp's
 * SCMP_ARCH_*). Which ABIs faultline traces is an arch fact: the functions
 * that look across ABIs take that list (fl_arch_list() of faultline/arch.h)
 * from their caller.
 */

/* Syscall numbers first..end-1 of one ABI. */
struct fl_nr_span {
	uint32_t first, end;
};

/*
 * An ABI as the functions that enumerate names take it: which numbers its
 * calls have is an arch fact too (fl_arch_nr_spans() of faultline/arch.h
 * fills these); libseccomp says which of them are calls and their names.
 */
struct fl_syscall_abi {
	uint32_t arch;
	const struct fl_nr_span *spans;
	size_t n_spans;
};

/* Syscall number of @name for @arch, or -1 if that ABI has no such call. */
int fl_syscall_nr(uint32_t arch, const char *name);
/*
 * Static name of syscall @nr on @arch, or NULL. Any number may be asked
 * (a tracee can pass any): names are resolved when first asked and kept;
 * numbers without a name are not kept.
 */
const char *fl_syscall_name(uint32_t arch, int nr);
/* True when @name is a syscall on any of the @n_abis ABIs @abis. */
int fl_syscall_known(const uint32_t *abis, size_t n_abis, const char *name);


/*
 * Syscall groups (src/sys/groups.c): systemd's SystemCallFilter= sets, as
 * `systemd-analyze syscall-filter` of systemd 252 lists them. Members are
 * names of any architecture; resolve them per ABI with fl_syscall_nr().
 */
struct fl_syscall_group {
	const char *name;            /* "@file-system" */
	const char *description;     /* "File system operations" */
	const char *const *members;  /* names and nested "@groups", NULL-terminated */
};

/* Every group, in systemd-analyze's order. */
const struct fl_syscall_group *fl_syscall_groups(size_t *ret_n);
/* Where the membership facts come from: "systemd 252". */
const char *fl_syscall_groups_origin(void);
/* The group named @name ("@sync"), or NULL. */
const struct fl_syscall_group *fl_syscall_group_find(const char *name);
/* Closest group name to @word, or NULL. */
const char *fl_syscall_group_suggest(const char *word);
/*
 * Every syscall name of @g, nested groups expanded, sorted and unique, as a
 * malloc'd array of static strings (free() it). Returns 0 or -ENOMEM.
 */
int fl_syscall_group_expand(const struct fl_syscall_group *g, const char ***ret, size_t *ret_n);

/* errno value for "ENOENT" (also accepts a decimal 1..4095), or -1. */
int fl_errno_from_name(const char *name);
/* "ENOENT", or NULL when glibc has no name for @err. */
const char *fl_errno_name(int err);

/* Signal number for "SIGTERM" or "TERM", or -1. */
int fl_signal_from_name(const char *name);
/* "SIGSEGV", "SIGRTMIN+3", or NULL. */
const char *fl_signal_name(int sig);


/*
 * For "did you mean" on syscall and errno names: closest known name, or NULL.
 * Returned strings are static.
 */
const char *fl_syscall_suggest(const struct fl_syscall_abi *abis, size_t n_abis,
			       const char *word);
const char *fl_errno_suggest(const char *word);

/* Call @fn for every syscall name of @abis (sorted, unique), / every errno. */
void fl_syscall_foreach(const struct fl_syscall_abi *abis, size_t n_abis,
			void (*fn)(const char *name, void *ud), void *ud);
void fl_errno_foreach(void (*fn)(int err, const char *name, void *ud), void *ud);

/* ---- argument kinds ---- */

/*
 * What faultline knows about a syscall's arguments: one kind per argument,
 * by syscall name. The log formatter reads it to print arguments; the loader
 * reads it to refuse filters that can never apply to a call (path: on
 * getpid); the matcher reads it to find a call's paths, fds, socket address
 * and byte count. Pure: a static table, no tracee involved.
 */

/*
 * Argument kinds, one letter each so a signature fits in a short string.
 * How each prints in a log line is given after the dash.
 */
enum fl_arg_kind {
	FL_ARG_PATH = 'P',        /* path, relative to the cwd or to the FL_ARG_DIRFD right before it - quoted string */
	FL_ARG_STRING = 'T',      /* a string that is not a path of the call (symlink's target, mount's source) - quoted */
	FL_ARG_DIRFD = 'D',       /* dirfd for the FL_ARG_PATH after it - AT_FDCWD or int */
	FL_ARG_FD = 'F',          /* file descriptor - int */
	FL_ARG_INT = 'I',         /* int - signed decimal of the low 32 bits */
	FL_ARG_OPEN_FLAGS = 'O',  /* open(2) flags - symbolic */
	FL_ARG_MODE = 'M',        /* mode - octal */
	FL_ARG_CREAT_MODE = 'm',  /* mode, only meaningful with O_CREAT or O_TMPFILE in the flags before it - octal or hidden */
	FL_ARG_ADDR = 'A',        /* pointer - hex, NULL for 0 */
	FL_ARG_UNSIGNED = 'U',    /* size or count - unsigned decimal */
	FL_ARG_LONG = 'L',        /* offset or length - signed decimal of the full register */
	FL_ARG_HEX = 'X',         /* flags or mask without a decoder - hex */
	FL_ARG_AT_FLAGS = 'E',    /* AT_* flags of a call whose path may be "" with AT_EMPTY_PATH - hex */
	FL_ARG_COUNT = 'C',       /* byte count of a read/write-like call (short: shrinks it) - unsigned decimal */
	FL_ARG_IOVEC = 'V',       /* struct iovec array; the FL_ARG_IOVCNT right after it counts it - hex */
	FL_ARG_IOVCNT = 'N',      /* number of iovec entries - int */
	FL_ARG_SOCKADDR = 'S',    /* input socket address; its FL_ARG_SOCKLEN comes right after - hex */
	FL_ARG_SOCKLEN = 's',     /* length of the socket address - unsigned decimal */
	FL_ARG_MSGHDR = 'H',      /* input struct msghdr (sendmsg): msg_name is a socket address - hex */
	FL_ARG_PROT = 'p',        /* mmap/mprotect protection - PROT_READ|PROT_WRITE */
	FL_ARG_MAP_FLAGS = 'f',   /* mmap flags - MAP_PRIVATE|MAP_ANONYMOUS */
	FL_ARG_FD_FLAGS = 'o',    /* O_CLOEXEC/O_NONBLOCK of pipe2, dup3, accept4 - O_CLOEXEC|O_NONBLOCK */
	FL_ARG_MSG_FLAGS = 'g',   /* send/recv flags - MSG_DONTWAIT|MSG_NOSIGNAL */
	FL_ARG_WAIT_OPTIONS = 'w', /* wait4 options - WNOHANG|__WALL */
};

struct fl_sysinfo {
	const char *name;
	const char *args; /* one enum fl_arg_kind per argument, at most 6 */
};

/* What a call offers to filters and effects, from its argument kinds. */
enum {
	FL_SYS_PATH = 1 << 0,     /* an FL_ARG_PATH */
	FL_SYS_FD = 1 << 1,       /* an FL_ARG_FD */
	FL_SYS_SOCKADDR = 1 << 2, /* an FL_ARG_SOCKADDR or FL_ARG_MSGHDR */
	FL_SYS_COUNT = 1 << 3,    /* an FL_ARG_COUNT or an FL_ARG_IOVEC */
};

/* The signature of @name, or NULL when the table doesn't know the call. */
const struct fl_sysinfo *fl_sysinfo_find(const char *name);

/* The same for syscall @nr of @arch (through fl_syscall_name()). */
const struct fl_sysinfo *fl_sysinfo_of(uint32_t arch, int nr);

/* Number of arguments the call takes (0..6). */
unsigned fl_sysinfo_nargs(const struct fl_sysinfo *si);

/* Index of the first argument of @kind at index @from or later, or -1. */
int fl_sysinfo_arg(const struct fl_sysinfo *si, enum fl_arg_kind kind, int from);

/*
 * Is argument @i of the call an int (fd, dirfd, int, flags, mode, count of
 * iovecs), which the kernel reads from the low 32 bits of its register?
 * False for NULL or an unknown argument.
 */
bool fl_sysinfo_arg_is_int(const struct fl_sysinfo *si, int i);

/* FL_SYS_* bits; 0 for NULL. */
unsigned fl_sysinfo_caps(const struct fl_sysinfo *si);

/*
 * Which way a call moves data through its buffer (FL_ARG_ADDR before its
 * FL_ARG_COUNT, or its FL_ARG_IOVEC array): FL_DATA_IN when the kernel
 * fills it (read, pread64, readv, preadv, preadv2, recvfrom, recvmsg),
 * FL_DATA_OUT when the kernel takes it (write, pwrite64, writev, pwritev,
 * pwritev2, sendto, sendmsg), 0 for any other call. recvmsg and sendmsg
 * move it through the iovecs of the struct msghdr argument 1 points to.
 */
enum { FL_DATA_IN = 1, FL_DATA_OUT = 2 };
int fl_sysinfo_data_dir(const struct fl_sysinfo *si);

/* The whole table, sorted by name (for tests and listings). */
const struct fl_sysinfo *fl_sysinfo_table(size_t *ret_n);

/* ---- kinds of file behind an fd ---- */

/* What an fd refers to (fd_type:); names as fl_fd_type_name() gives them. */
enum fl_fd_type {
	FL_FD_REGULAR = 0, /* "regular" (memfds too) */
	FL_FD_DIR,         /* "dir" */
	FL_FD_PIPE,        /* "pipe": pipe(2) */
	FL_FD_FIFO,        /* "fifo": a named pipe */
	FL_FD_SOCKET,      /* "socket" */
	FL_FD_TTY,         /* "tty": a terminal (pty, console, serial line) */
	FL_FD_CHARDEV,     /* "chardev": any other character device (/dev/null) */
	FL_FD_BLOCKDEV,    /* "blockdev" */
	FL_FD_EVENTFD,     /* "eventfd" */
	FL_FD_EPOLL,       /* "epoll" */
	FL_FD_TIMERFD,     /* "timerfd" */
	FL_FD_SIGNALFD,    /* "signalfd" */
	FL_FD_INOTIFY,     /* "inotify" */
	FL_FD_PIDFD,       /* "pidfd" */
	FL_FD_ANON,        /* "anon_inode": any other anonymous inode (io_uring, perf, bpf) */
	FL_FD_TYPE_MAX,
};

/* "pipe", or NULL for a value out of range. */
const char *fl_fd_type_name(enum fl_fd_type t);
/* The type named @name, or -1. */
int fl_fd_type_from_name(const char *name);
/*
 * The type of a file from its st_mode, its /proc/PID/fd/N link text
 * (pipes are "pipe:[N]", anonymous inodes "anon_inode:[eventfd]"; NULL when
 * unknown) and whether it is a terminal.
 */
enum fl_fd_type fl_fd_type_classify(unsigned mode, const char *link, bool tty);

/* How a read-like call says where in its source it reads. */
enum fl_offset_kind {
	FL_OFFSET_NONE = 0,  /* at the fd's file position */
	FL_OFFSET_REGISTER,  /* an offset argument; -1 (preadv2): the file position */
	FL_OFFSET_POINTER,   /* a loff_t * argument; NULL: the file position */
};

/* Where a read-like call's bytes come from. */
struct fl_data_source {
	int fd_arg;     /* the fd read from */
	int offset_arg; /* -1 with FL_OFFSET_NONE */
	enum fl_offset_kind offset;
};

/*
 * For a call that reads from an fd (read, pread64, readv, preadv(2),
 * recvfrom, copy_file_range, sendfile, splice, tee): true, with where its
 * data comes from in *@ret. False for calls that write, or make their data.
 */
bool fl_sysinfo_source(const struct fl_sysinfo *si, struct fl_data_source *ret);

/* ---- clocks and the calls that read or wait on them (clocks.c) ---- */

/* The clocks a clock: rule shifts, by the names rules give them. */
enum fl_clock {
	FL_CLOCK_REALTIME = 0, /* CLOCK_REALTIME, _COARSE, _ALARM, CLOCK_TAI; gettimeofday, time */
	FL_CLOCK_MONOTONIC,    /* CLOCK_MONOTONIC, _RAW, _COARSE */
	FL_CLOCK_BOOTTIME,     /* CLOCK_BOOTTIME, _ALARM */
	FL_CLOCK_N,
};

/* "realtime", "monotonic", "boottime"; NULL out of range. */
const char *fl_clock_name(enum fl_clock c);
/* The clock named @name, or -1. */
int fl_clock_from_name(const char *name);
/*
 * Which of them kernel clock id @id (CLOCK_*) reads, or -1 (a CPU-time
 * clock, a dynamic clock of an fd: never shifted).
 */
int fl_clock_of_id(int64_t id);
/* The kernel clock ids of @c, ending with -1. */
const int *fl_clock_ids(enum fl_clock c);

/* What a call does with a clock, for a clock: rule. */
enum fl_clock_call {
	FL_CCALL_NONE = 0,
	FL_CCALL_GETTIME,      /* clock_gettime(id, struct timespec *): a reading */
	FL_CCALL_GETTIMEOFDAY, /* gettimeofday(struct timeval *, tz): a reading of realtime */
	FL_CCALL_TIME,         /* time(time_t *): realtime seconds, returned and stored */
	FL_CCALL_NANOSLEEP,    /* clock_nanosleep(id, flags, const struct timespec *, rem) */
	FL_CCALL_TIMERFD,      /* timerfd_settime(fd, flags, const struct itimerspec *, old) */
	FL_CCALL_TIMER,        /* timer_settime(timerid, flags, const struct itimerspec *, old) */
	/*
	 * futex(uaddr, FUTEX_WAIT_BITSET [| FUTEX_CLOCK_REALTIME], val, const
	 * struct timespec *, ...): an absolute wait on monotonic (realtime with
	 * the flag), as pthread_cond_timedwait and sem_timedwait make it.
	 */
	FL_CCALL_FUTEX,
};

/* futex(2): the op's command bits, FUTEX_WAIT_BITSET, FUTEX_CLOCK_REALTIME. */
#define FL_FUTEX_CMD_MASK 0x7f
#define FL_FUTEX_WAIT_BITSET 9
#define FL_FUTEX_CLOCK_REALTIME 256

struct fl_clock_callinfo {
	const char *name;
	enum fl_clock_call kind;
	bool time64;           /* passes struct __kernel_timespec (64-bit fields) */
};

/* The call named @name, or NULL when it has nothing to do with clocks. */
const struct fl_clock_callinfo *fl_clock_call_find(const char *name);
/* Every call a clock: rule acts on, in a fixed order; *@ret_n of them. */
const struct fl_clock_callinfo *fl_clock_calls(size_t *ret_n);
