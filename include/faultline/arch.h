/*
 * arch: every fact about a syscall ABI, and the registers of a stopped
 * thread. The rest of the tree asks here instead of knowing that i386
 * arguments are 32 bits or where iov_len sits in a struct iovec.
 *
 * An ABI (struct fl_abi) is one syscall convention a thread can run in,
 * named by its AUDIT_ARCH_* value (what PTRACE_GET_SYSCALL_INFO reports,
 * and libseccomp's SCMP_ARCH_*). A machine architecture (struct fl_arch)
 * runs one or more ABIs, native first. Each architecture is one file,
 * src/arch/NAME.c, listed once in src/arch/meson.build: its ABI tables are
 * built on every machine, its register access only on NAME itself.
 *
 * x32 shares AUDIT_ARCH_X86_64 with x86_64; its calls carry
 * __X32_SYSCALL_BIT in the number, which no rule names, so they are never
 * matched (and x32 is not in the ABI list).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faultline/sys.h"

/* ---- ABIs: pure tables ---- */

/* The fields a stat: rule can fake, and where they sit in a stat-like struct. */
enum fl_stat_field {
	FL_STAT_SIZE,
	FL_STAT_MODE,   /* only the permission bits (07777) are replaced */
	FL_STAT_UID,
	FL_STAT_GID,
	FL_STAT_NLINK,
	FL_STAT_INO,
	FL_STAT_ATIME,  /* seconds */
	FL_STAT_MTIME,
	FL_STAT_CTIME,
	FL_STAT_N_FIELDS,
};

struct fl_stat_layout {
	unsigned size;          /* bytes of the struct */
	struct {
		unsigned off, width; /* little-endian, width 2, 4 or 8 */
		uint32_t mask_bit;   /* statx: the STATX_* bit of stx_mask that says it is filled */
	} f[FL_STAT_N_FIELDS];
	bool has_mask;          /* statx: stx_mask, a u32 at offset 0 */
};

/* "size", "mode", ...: the name of @f as rules write it. */
const char *fl_stat_field_name(enum fl_stat_field f);

/* struct statx (the same on every architecture). */
const struct fl_stat_layout *fl_statx_layout(void);

struct fl_abi {
	uint32_t audit_arch;     /* AUDIT_ARCH_* (== SCMP_ARCH_*) */
	const char *name;        /* "x86_64", "i386" */
	unsigned long_size;      /* 8 or 4: size of a long and of a pointer */
	uint64_t arg_mask;       /* what the kernel reads of an argument register */
	/* struct iovec { void *iov_base; size_t iov_len; } */
	unsigned iovec_size;
	unsigned iov_len_off;    /* iov_len is long_size bytes */
	/*
	 * struct msghdr starts with void *msg_name, socklen_t msg_namelen:
	 * read msghdr_head bytes to have both.
	 */
	unsigned msghdr_head;
	unsigned msg_namelen_off; /* a 32-bit socklen_t */
	/* msg_iov (a pointer) and msg_iovlen (a size_t): long_size bytes each; 0: not known */
	unsigned msg_iov_off;
	unsigned msg_iovlen_off;
	/* struct stat as stat, lstat, fstat and newfstatat fill it; NULL: not known here. */
	const struct fl_stat_layout *stat;
	/*
	 * The open(2) flags whose values differ between architectures, as the
	 * kernel reads them (asm/fcntl.h: x86 has asm-generic's, arm and arm64
	 * their own); the other O_* flags are the same everywhere.
	 */
	struct {
		uint32_t directory, nofollow, direct, largefile;
	} open_flags;
	/*
	 * The syscall numbers of the ABI's calls, from the kernel's tables:
	 * where `list syscalls` and "did you mean" ask libseccomp for names
	 * (fl_syscall_name() answers any number without them).
	 */
	const struct fl_nr_span *nr_spans;
	size_t n_nr_spans;
};

/* The ABI of AUDIT_ARCH_* @audit_arch, or NULL: not traced by this build. */
const struct fl_abi *fl_abi_of(uint32_t audit_arch);

/*
 * The ABIs this build traces and resolves syscall names for: those of the
 * host architecture, native first, as AUDIT_ARCH_* values. At most
 * FL_ABI_MAX of them.
 */
#define FL_ABI_MAX 4
const uint32_t *fl_arch_list(size_t *ret_n);

/*
 * The same ABIs with their syscall number spans, for fl_syscall_foreach()
 * and fl_syscall_suggest() of faultline/sys.h.
 */
const struct fl_syscall_abi *fl_arch_nr_spans(size_t *ret_n);

/* Index of @audit_arch in fl_arch_list(), or -1. */
int fl_abi_index(uint32_t audit_arch);

/* "x86_64", "i386", or NULL for an ABI not in fl_arch_list(). */
const char *fl_arch_name(uint32_t audit_arch);

/* A long (or pointer, or size_t) of @abi stored at @p, little-endian. */
uint64_t fl_abi_load_long(const struct fl_abi *abi, const void *p);

/*
 * Argument value @v as the kernel reads it in ABI @audit_arch (i386: the low
 * 32 bits). fl_arch_get_syscall_info() has applied this already to what it
 * read; it is for fl_call values that came from elsewhere (unit tests).
 * An ABI not traced here keeps all 64 bits.
 */
uint64_t fl_abi_arg(uint32_t audit_arch, uint64_t v);

/*
 * The initial stack of a new image, as execve(2) leaves it for its first
 * instruction (the System V ABI's process start-up, the same on every Linux
 * architecture, words of the ABI's long_size): at the stack pointer argc,
 * then argv[0..argc-1] and a NULL, envp[] and a NULL, then the auxiliary
 * vector, pairs (a_type, a_val) ending with AT_NULL.
 *
 * The byte offset from the stack pointer of the a_type word of the first
 * auxv entry of type @type, in @stack (@len bytes read at the stack
 * pointer): >= 0; -ENOENT when the vector has no such entry; -E2BIG when
 * @len bytes do not reach its end (read more).
 */
long fl_auxv_find(const struct fl_abi *abi, const void *stack, size_t len, uint64_t type);

/*
 * struct timespec and struct timeval as a call of @abi passes them: two
 * words of this many bytes (tv_sec, then tv_nsec or tv_usec), little-endian.
 * @time64: the *_time64 calls of 32-bit ABIs, whose struct
 * __kernel_timespec has 64-bit fields (nanoseconds in the low 32 bits
 * of the second).
 */
unsigned fl_abi_time_word(const struct fl_abi *abi, bool time64);
/* Where it_value sits in a struct itimerspec { it_interval, it_value } of @abi. */
unsigned fl_abi_itimerspec_value_off(const struct fl_abi *abi, bool time64);

/* ---- machine architectures ---- */

enum fl_stop_op {
	FL_STOP_NONE = 0,
	FL_STOP_ENTRY = 1,
	FL_STOP_EXIT = 2,
	FL_STOP_SECCOMP = 3,
};

struct fl_syscall_info {
	enum fl_stop_op op;
	uint32_t arch;      /* AUDIT_ARCH_* of the thread's current syscall ABI */
	int nr;             /* entry/seccomp only */
	uint64_t args[6];   /* entry/seccomp only; masked with the ABI's arg_mask */
	int64_t rval;       /* exit only */
	bool is_error;      /* exit only */
	uint64_t sp;        /* the stack pointer, at every stop (an exec stop: the new image's) */
};

struct fl_arch {
	const char *name;                 /* "x86_64" */
	const struct fl_abi *abis;        /* native first */
	size_t n_abis;
	/* Register access: NULL unless this is the host architecture. */
	int (*get_syscall_info)(pid_t tid, struct fl_syscall_info *ret);
	int (*set_syscall_nr)(pid_t tid, long nr);
	int (*set_result)(pid_t tid, int64_t value);
	int (*set_arg)(pid_t tid, const struct fl_abi *abi, unsigned idx, uint64_t value);
};

/* The architecture faultline runs on (it has register access). */
const struct fl_arch *fl_arch_host(void);

/* The architecture named @name ("x86_64"), host or not, or NULL. */
const struct fl_arch *fl_arch_by_name(const char *name);

/* Every architecture faultline knows (NULL-terminated), host first or not. */
const struct fl_arch *const *fl_arch_all(void);

/*
 * The call that does @name's job on ABI @abi, which lacks @name (openat for
 * open on aarch64), or NULL when there is none. Static string
 * (src/arch/replacement.c).
 */
const char *fl_syscall_replacement(uint32_t abi, const char *name);

/*
 * Make the ABI questions above (fl_arch_list, fl_abi_of, fl_abi_index,
 * fl_arch_name, fl_abi_arg) answer for @arch instead of the host, or for
 * the host again with NULL: `faultline check --arch` resolves rules for
 * another machine. A process that selects another architecture traces
 * nothing.
 */
void fl_arch_select(const struct fl_arch *arch);
/* The architecture they answer for: the selected one, or the host. */
const struct fl_arch *fl_arch_selected(void);

/* ---- registers of a stopped thread of the host (ptrace) ---- */

/*
 * Read the syscall state of stopped @tid (PTRACE_GET_SYSCALL_INFO, Linux
 * >= 5.3). Arguments come masked with the ABI's arg_mask. Returns 0 or
 * -errno.
 */
int fl_arch_get_syscall_info(pid_t tid, struct fl_syscall_info *ret);

/* Replace the syscall number (-1 skips the call). Entry/seccomp stops. */
int fl_arch_set_syscall_nr(pid_t tid, long nr);

/* Write the value the call returns to user space (-errno for a failure). */
int fl_arch_set_result(pid_t tid, int64_t value);

/*
 * Replace argument @idx (0..5) of the call about to run, in ABI @arch.
 * -EINVAL for an index past 5 or an ABI the host does not run.
 */
int fl_arch_set_arg(pid_t tid, uint32_t arch, unsigned idx, uint64_t value);
