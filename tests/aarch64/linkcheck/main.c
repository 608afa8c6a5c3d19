/*
 * Uses each statically linked dependency once: libyaml and jansson report
 * their versions, libseccomp must know aarch64's openat (56), and libdw
 * reports this process's own modules (what faultline --stack does to a
 * tracee). Exit 0 when all of that works.
 */
#include <elfutils/libdwfl.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <unistd.h>
#include <yaml.h>

static int count_module(Dwfl_Module *m, void **u, const char *name, Dwarf_Addr a, void *arg)
{
	(void)m; (void)u; (void)name; (void)a;
	++*(int *)arg;
	return DWARF_CB_OK;
}

int main(void)
{
	static char *debuginfo_path;
	const Dwfl_Callbacks cb = {
		.find_elf = dwfl_linux_proc_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.debuginfo_path = &debuginfo_path,
	};
	Dwfl *dwfl = dwfl_begin(&cb);
	int modules = 0;
	if (dwfl && dwfl_linux_proc_report(dwfl, getpid()) == 0 && dwfl_report_end(dwfl, NULL, NULL) == 0)
		dwfl_getmodules(dwfl, count_module, &modules, 0);
	const struct scmp_version *v = seccomp_version();
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, "openat");
	json_t *j = json_pack("{s:s,s:s,s:i,s:i,s:s,s:i}", "yaml", yaml_get_version_string(),
		"jansson", JANSSON_VERSION, "seccomp_major", (int)v->major, "openat", nr,
		"libdw", dwfl_version(dwfl), "modules", modules);
	char *s = json_dumps(j, JSON_SORT_KEYS);
	printf("%s\n", s);
	return nr == 56 && modules > 0 ? 0 : 1;
}
