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

const uint32_t *fl_arch_list(size_t *ret_n)
{
	static uint32_t list[FL_ABI_MAX];
	static size_t n;
	static const struct fl_arch *of;
	const struct fl_arch *arch = current();

	if (of != arch) {
		of = arch;
		for (n = 0; arch && n < arch->n_abis && n < FL_ABI_MAX; n++)
			list[n] = arch->abis[n].audit_arch;
	}
	if (ret_n)
		*ret_n = n;
	return list;
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
