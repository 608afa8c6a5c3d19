/*
 * The architectures (the table Meson generates from src/arch/meson.build),
 * which of them is the host, and the questions the rest of the tree asks
 * about an ABI. The register functions dispatch to the host's.
 */
#include <errno.h>
#include <string.h>

#include "faultline/arch.h"

/* arch_list.c, generated: NULL-terminated. */
extern const struct fl_arch *const fl_arch_table[];

const struct fl_arch *fl_arch_host(void)
{
	static const struct fl_arch *host;

	if (!host)
		for (size_t i = 0; fl_arch_table[i]; i++)
			if (fl_arch_table[i]->get_syscall_info) {
				host = fl_arch_table[i];
				break;
			}
	return host;
}

/* The architecture the ABI questions answer for: fl_arch_select()'s, or the host. */
static const struct fl_arch *selected;

static const struct fl_arch *current(void)
{
	return selected ? selected : fl_arch_host();
}

void fl_arch_select(const struct fl_arch *arch)
{
	selected = arch;
}

const struct fl_arch *fl_arch_selected(void)
{
	return current();
}

const struct fl_arch *const *fl_arch_all(void)
{
	return fl_arch_table;
}

const struct fl_arch *fl_arch_by_name(const char *name)
{
	for (size_t i = 0; name && fl_arch_table[i]; i++)
		if (strcmp(fl_arch_table[i]->name, name) == 0)
			return fl_arch_table[i];
	return NULL;
}

/*
 * struct statx (include/uapi/linux/stat.h), the same on every architecture:
 * stx_mask, stx_blksize (u32), stx_attributes (u64), stx_nlink, stx_uid,
 * stx_gid (u32), stx_mode (u16), pad, stx_ino, stx_size, stx_blocks,
 * stx_attributes_mask (u64), then timestamps of 16 bytes (s64 tv_sec, u32
 * tv_nsec, pad): stx_atime at 64, stx_btime, stx_ctime, stx_mtime.
 */
static const struct fl_stat_layout statx_layout = {
	.size = 256,
	.has_mask = true,
	.f = {
		[FL_STAT_NLINK] = { 16, 4, 0x4 },    /* STATX_NLINK */
		[FL_STAT_UID] = { 20, 4, 0x8 },      /* STATX_UID */
		[FL_STAT_GID] = { 24, 4, 0x10 },     /* STATX_GID */
		[FL_STAT_MODE] = { 28, 2, 0x2 },     /* STATX_MODE */
		[FL_STAT_INO] = { 32, 8, 0x100 },    /* STATX_INO */
		[FL_STAT_SIZE] = { 40, 8, 0x200 },   /* STATX_SIZE */
		[FL_STAT_ATIME] = { 64, 8, 0x20 },   /* STATX_ATIME */
		[FL_STAT_CTIME] = { 96, 8, 0x80 },   /* STATX_CTIME */
		[FL_STAT_MTIME] = { 112, 8, 0x40 },  /* STATX_MTIME */
	},
};

const char *fl_stat_field_name(enum fl_stat_field f)
{
	static const char *const names[FL_STAT_N_FIELDS] = {
		[FL_STAT_SIZE] = "size", [FL_STAT_MODE] = "mode", [FL_STAT_UID] = "uid",
		[FL_STAT_GID] = "gid", [FL_STAT_NLINK] = "nlink", [FL_STAT_INO] = "ino",
		[FL_STAT_ATIME] = "atime", [FL_STAT_MTIME] = "mtime", [FL_STAT_CTIME] = "ctime",
	};

	return (unsigned)f < FL_STAT_N_FIELDS ? names[f] : NULL;
}

const struct fl_stat_layout *fl_statx_layout(void)
{
	return &statx_layout;
}

int fl_abi_index(uint32_t audit_arch)
{
	const struct fl_arch *host = current();

	/* Callers size their per-ABI tables with FL_ABI_MAX. */
	for (size_t i = 0; host && i < host->n_abis && i < FL_ABI_MAX; i++)
		if (host->abis[i].audit_arch == audit_arch)
			return (int)i;
	return -1;
}

const struct fl_abi *fl_abi_of(uint32_t audit_arch)
{
	int i = fl_abi_index(audit_arch);

	return i < 0 ? NULL : &current()->abis[i];
}

/*
 * The selected architecture's ABIs as the two lists callers take, made
 * again when the selection changes: audit arches, and the same with their
 * syscall number spans.
 */
static struct {
	const struct fl_arch *of;
	size_t n;
	uint32_t arches[FL_ABI_MAX];
	struct fl_syscall_abi spans[FL_ABI_MAX];
} lists;

static void lists_update(size_t *ret_n)
{
	const struct fl_arch *arch = current();

	if (lists.of != arch) {
		lists.of = arch;
		for (lists.n = 0; arch && lists.n < arch->n_abis && lists.n < FL_ABI_MAX; lists.n++) {
			const struct fl_abi *abi = &arch->abis[lists.n];

			lists.arches[lists.n] = abi->audit_arch;
			lists.spans[lists.n] = (struct fl_syscall_abi){
				.arch = abi->audit_arch,
				.spans = abi->nr_spans,
				.n_spans = abi->n_nr_spans,
			};
		}
	}
	if (ret_n)
		*ret_n = lists.n;
}

const uint32_t *fl_arch_list(size_t *ret_n)
{
	lists_update(ret_n);
	return lists.arches;
}

const struct fl_syscall_abi *fl_arch_nr_spans(size_t *ret_n)
{
	lists_update(ret_n);
	return lists.spans;
}

const char *fl_arch_name(uint32_t audit_arch)
{
	const struct fl_abi *abi = fl_abi_of(audit_arch);

	return abi ? abi->name : NULL;
}

uint64_t fl_abi_load_long(const struct fl_abi *abi, const void *p)
{
	uint64_t v = 0;

	/* Little-endian, as every architecture here is: the low bytes come first. */
	memcpy(&v, p, abi->long_size < sizeof(v) ? abi->long_size : sizeof(v));
	return v;
}

uint64_t fl_abi_arg(uint32_t audit_arch, uint64_t v)
{
	const struct fl_abi *abi = fl_abi_of(audit_arch);

	return abi ? v & abi->arg_mask : v;
}

int fl_arch_get_syscall_info(pid_t tid, struct fl_syscall_info *ret)
{
	const struct fl_arch *host = fl_arch_host();

	return host ? host->get_syscall_info(tid, ret) : -ENOSYS;
}

int fl_arch_set_syscall_nr(pid_t tid, long nr)
{
	const struct fl_arch *host = fl_arch_host();

	return host ? host->set_syscall_nr(tid, nr) : -ENOSYS;
}

int fl_arch_set_result(pid_t tid, int64_t value)
{
	const struct fl_arch *host = fl_arch_host();

	return host ? host->set_result(tid, value) : -ENOSYS;
}

int fl_arch_set_arg(pid_t tid, uint32_t arch, unsigned idx, uint64_t value)
{
	const struct fl_abi *abi = fl_abi_of(arch);

	if (current() != fl_arch_host())
		return -EINVAL; /* a process linting for another architecture traces nothing */
	return abi ? fl_arch_host()->set_arg(tid, abi, idx, value) : -EINVAL;
}
