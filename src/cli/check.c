/*
 * faultline check: validate and lint rule files, each on its own, as text
 * or as one JSON object.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "faultline/rules.h"
#include "faultline/base.h"
#include "sources.h"

static const char check_usage[] =
	"Usage: faultline check [--strict] [--format text|json] FILE...\n"
	"\n"
	"Validate and lint rule files. Prints 'FILE: ok' for each valid file, and\n"
	"FILE:LINE:COLUMN: error: MESSAGE or FILE:LINE:COLUMN: warning: MESSAGE for\n"
	"each problem. Warnings point at rules that load but may not do what you\n"
	"think: a vDSO call that never reaches the kernel, 'times: 0', 'probability:\n"
	"0', a rule that an earlier one always takes the calls from, an errno the\n"
	"syscall is not documented to return.\n"
	"\n"
	"Options:\n"
	"      --strict         warnings make a file fail too\n"
	"      --format FORMAT  text (the default), or json: one JSON object on\n"
	"                       stdout, {\"ok\", \"errors\", \"warnings\", \"files\": [{\"file\",\n"
	"                       \"valid\", \"errors\", \"warnings\"}], \"diagnostics\": [{\"file\",\n"
	"                       \"line\", \"column\", \"severity\", \"message\"}]}\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 when every file is valid (and, with --strict, has no\n"
	"warnings), 1 otherwise, 125 on bad usage.\n";

/* One diagnostic for --format json; line and column null when unknown. */
static json_t *diag_json(const struct fl_diag *d)
{
	return json_pack("{s:s, s:o, s:o, s:s, s:s}", "file", d->file,
			 "line", d->line ? json_integer(d->line) : json_null(),
			 "column", d->line ? json_integer(d->column) : json_null(),
			 "severity", d->severity == FL_SEVERITY_WARNING ? "warning" : "error",
			 "message", d->message);
}

int fl_cmd_check(int argc, char **argv)
{
	enum { OPT_STRICT = 0x100, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	json_t *root = NULL, *files = NULL, *all = NULL;
	bool strict = false, json = false;
	size_t n_errors = 0, n_warnings = 0;
	int status = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STRICT:
			strict = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "json"))
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return fl_cli_usage_error("check", "unknown format '%s' (expected text or json)",
						   optarg);
			break;
		case 'h':
			fputs(check_usage, stdout);
			return 0;
		case ':':
			return fl_cli_usage_error("check", "option '%s' needs an argument", argv[optind - 1]);
		default:
			return fl_cli_usage_error("check", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return fl_cli_usage_error("check", "no rule file given");

	if (json) {
		root = json_object();
		files = json_array();
		all = json_array();
		if (!root || !files || !all) {
			json_decref(root);
			json_decref(files);
			json_decref(all);
			fprintf(stderr, "faultline: out of memory\n");
			return FL_EXIT_OWN_ERROR;
		}
	}
	for (int i = optind; i < argc; i++) {
		/* Each file on its own: the linter judges files, not a run's set. */
		struct fl_diags diags = { .warnings = true };
		struct fl_rule_set *set = fl_rule_set_new();
		size_t errors, warnings;
		bool valid;
		int r;

		if (!set) {
			fprintf(stderr, "faultline: out of memory\n");
			status = FL_EXIT_OWN_ERROR;
			break;
		}
		r = fl_rules_load_file(set, argv[i], &diags);
		if (r == 0)
			r = fl_rules_finish(set, &diags);
		errors = fl_diags_count(&diags, FL_SEVERITY_ERROR);
		warnings = fl_diags_count(&diags, FL_SEVERITY_WARNING);
		valid = r == 0 && !(strict && warnings);
		n_errors += errors;
		n_warnings += warnings;
		if (!valid)
			status = 1;
		if (json) {
			for (size_t k = 0; k < diags.n; k++)
				json_array_append_new(all, diag_json(&diags.items[k]));
			json_array_append_new(files, json_pack("{s:s, s:b, s:I, s:I}", "file", argv[i],
							       "valid", r == 0, "errors",
							       (json_int_t)errors, "warnings",
							       (json_int_t)warnings));
		} else {
			fl_diags_print(&diags, stderr);
			if (valid && warnings)
				printf("%s: ok (%zu warning%s)\n", argv[i], warnings,
				       warnings == 1 ? "" : "s");
			else if (valid)
				printf("%s: ok\n", argv[i]);
			else if (r == 0)
				printf("%s: %zu warning%s, and --strict makes them fail\n", argv[i],
				       warnings, warnings == 1 ? "" : "s");
		}
		fl_diags_done(&diags);
		fl_rule_set_free(set);
	}
	if (json) {
		json_object_set_new(root, "ok", json_boolean(status == 0));
		json_object_set_new(root, "errors", json_integer((json_int_t)n_errors));
		json_object_set_new(root, "warnings", json_integer((json_int_t)n_warnings));
		json_object_set_new(root, "files", files);
		json_object_set_new(root, "diagnostics", all);
		_cleanup_free_ char *text = fl_json_dumps(root, JSON_INDENT(2));

		if (!text || fputs(text, stdout) == EOF || putchar('\n') == EOF) {
			fprintf(stderr, "faultline: cannot write the JSON output\n");
			status = FL_EXIT_OWN_ERROR;
		}
		json_decref(root);
	}
	return status;
}
