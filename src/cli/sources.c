/*
 * What the run and sweep commands share: loading their -r/-e rule
 * sources, usage errors, and the command to run. See sources.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "faultline/rules.h"
#include "faultline/tracer.h"
#include "faultline/base.h"
#include "sources.h"

int fl_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "faultline%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'faultline%s%s --help' for more information.\n",
		cmd ? " " : "", cmd ? cmd : "");
	return FL_EXIT_OWN_ERROR;
}

void fl_cli_inline_origin(char *buf, size_t size, size_t nth)
{
	snprintf(buf, size, "-e #%zu", nth);
}

int fl_cli_load_sources(struct fl_rule_set *set, const struct fl_cli_source *src, size_t n,
			struct fl_diags *diags)
{
	int ret = 0;

	for (size_t i = 0, n_inline = 0; i < n; i++) {
		int r;
		if (src[i].is_inline) {
			char origin[32];
			fl_cli_inline_origin(origin, sizeof(origin), ++n_inline);
			r = fl_rules_load_inline(set, origin, src[i].text, diags);
		} else {
			r = fl_rules_load_file(set, src[i].text, diags);
		}
		if (r < 0)
			ret = r;
	}
	if (ret == 0)
		ret = fl_rules_finish(set, diags);
	return ret;
}

int fl_cli_resolve_command(const char *name, char **ret_exe)
{
	int r = fl_resolve_command(name, ret_exe);

	if (r == -ENOENT) {
		fprintf(stderr, "faultline: %s: command not found\n", name);
		return FL_EXIT_NOT_FOUND;
	}
	if (r < 0) {
		fprintf(stderr, "faultline: %s: %s\n", name, strerror(-r));
		return r == -EACCES ? FL_EXIT_NOT_EXECUTABLE : FL_EXIT_OWN_ERROR;
	}
	return 0;
}
