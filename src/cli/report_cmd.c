/*
 * faultline report merge: the JSON reports of many runs (the pods of a
 * fleet) as one summary; the merging itself is src/report/merge.c. This
 * file has the options, turns directories into their *.json files, and
 * maps the outcome to the exit status.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "faultline/base.h"
#include "faultline/report.h"
#include "sources.h"

static const char report_usage[] =
	"Usage: faultline report merge [OPTIONS] REPORT|DIR...\n"
	"\n"
	"Merge the JSON reports (faultline run --report FILE) of several runs of one\n"
	"rule set -- the pods of a fleet, the shards of a CI job -- into one summary:\n"
	"per rule the sums of matched and injected calls and the reports it fired\n"
	"in, and its 'expect' checked against the sums. A DIR stands for the *.json\n"
	"files in it (*.log with --from-logs), in name order. Reports of different rule sets are refused.\n"
	"\n"
	"Options:\n"
	"      --from-logs    the files are container logs (kubectl logs POD > POD.log)\n"
	"                     of runs with --report -: the report is read from each\n"
	"      --summary-md FILE  append the summary as a Markdown section to FILE\n"
	"  -q, --quiet        print only errors and unmet expectations\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0; 122 a rule's expectation is not met by the sums; 125 a\n"
	"report cannot be read, is not a run report, or is of another rule set.\n";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json files of @dir, in name order, appended to @m. */
static int add_dir(struct fl_merge *m, const char *dir, bool from_logs)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0;
	int status = 0;
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "faultline report merge: %s: %s\n", dir, strerror(errno));
		return FL_EXIT_OWN_ERROR;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		const char *ext = from_logs ? ".log" : ".json";
		size_t elen = strlen(ext);
		if (de->d_name[0] == '.' || len <= elen || strcmp(de->d_name + len - elen, ext))
			continue;
		char **more = realloc(names, (n + 1) * sizeof(*names));
		if (!more || asprintf(&more[n], "%s/%s", dir, de->d_name) < 0) {
			names = more ? more : names;
			fprintf(stderr, "faultline: out of memory\n");
			status = FL_EXIT_OWN_ERROR;
			break;
		}
		names = more;
		n++;
	}
	closedir(d);
	if (status == 0 && n == 0) {
		fprintf(stderr, "faultline report merge: %s: no %s in it\n", dir,
			from_logs ? "*.log file" : "*.json report");
		status = FL_EXIT_OWN_ERROR;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; status == 0 && i < n; i++) {
		_cleanup_free_ char *err = NULL;
		if (fl_merge_add_file(m, names[i], from_logs, &err) < 0) {
			fprintf(stderr, "faultline report merge: %s\n", err ? err : "out of memory");
			status = FL_EXIT_OWN_ERROR;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return status;
}

static int cmd_merge(int argc, char **argv)
{
	enum { OPT_SUMMARY_MD = 0x100, OPT_FROM_LOGS };
	static const struct option longopts[] = {
		{ "from-logs", no_argument, NULL, OPT_FROM_LOGS },
		{ "summary-md", required_argument, NULL, OPT_SUMMARY_MD },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *md_path = NULL;
	bool quiet = false, from_logs = false;
	int c, md = -1, status = 0;
	struct fl_merge *m;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SUMMARY_MD:
			md_path = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_FROM_LOGS:
			from_logs = true;
			break;
		case 'h':
			fputs(report_usage, stdout);
			return 0;
		case ':':
			return fl_cli_usage_error("report merge", "option '%s' needs an argument",
						  argv[optind - 1]);
		default:
			return fl_cli_usage_error("report merge", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return fl_cli_usage_error("report merge", "no report given (faultline report merge "
					  "A.json B.json ..., or a directory of them)");
	m = fl_merge_new();
	if (!m) {
		fprintf(stderr, "faultline: out of memory\n");
		return FL_EXIT_OWN_ERROR;
	}
	for (int i = optind; status == 0 && i < argc; i++) {
		struct stat st;
		_cleanup_free_ char *err = NULL;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			status = add_dir(m, argv[i], from_logs);
		} else if (fl_merge_add_file(m, argv[i], from_logs, &err) < 0) {
			fprintf(stderr, "faultline report merge: %s\n", err ? err : "out of memory");
			status = FL_EXIT_OWN_ERROR;
		}
	}
	/* The summary file is opened only once every report was read: nothing half-written. */
	if (status == 0 && md_path) {
		md = fl_summary_md_open(md_path);
		if (md < 0) {
			fprintf(stderr, "faultline report merge: cannot open summary file %s: %s\n",
				md_path, fl_output_strerror(md));
			status = FL_EXIT_OWN_ERROR;
		}
	}
	if (status == 0) {
		if (!quiet)
			fl_merge_print(m, stdout);
		fl_merge_print_unmet(m, stderr);
		if (fl_merge_unmet(m))
			status = FL_EXIT_EXPECTATION;
		if (md >= 0) {
			int r = fl_merge_markdown(m, md);
			if (r < 0) {
				fprintf(stderr, "faultline report merge: cannot write summary file %s: %s\n",
					md_path, strerror(-r));
				status = FL_EXIT_OWN_ERROR;
			}
		}
	}
	if (fflush(stdout) != 0 && status == 0) {
		fprintf(stderr, "faultline report merge: cannot write the summary: %s\n", strerror(errno));
		status = FL_EXIT_OWN_ERROR;
	}
	fl_merge_free(m);
	return status;
}

int fl_cmd_report(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(report_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? FL_EXIT_OWN_ERROR : 0;
	}
	if (!strcmp(argv[1], "merge"))
		return cmd_merge(argc - 1, argv + 1);
	return fl_cli_usage_error("report", "unknown subcommand '%s' (expected merge)", argv[1]);
}
