/*
 * Diagnostics: FILE:LINE:COLUMN messages of a load, errors and warnings,
 * the too-many-errors stop, their file order, and values as messages
 * quote them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/rules.h"
#include "faultline/base.h"
#include "load.h"

/* ---- diagnostics ---- */

static int diags_push(struct fl_diags *diags, const char *file, unsigned line,
		      unsigned column, char *message, enum fl_severity severity)
{
	struct fl_diag *items;
	char *f;

	f = strdup(file ? file : "<rules>");
	items = realloc(diags->items, (diags->n + 1) * sizeof(*items));
	if (!f || !items) {
		free(f);
		if (items)
			diags->items = items;
		free(message);
		return -ENOMEM;
	}
	diags->items = items;
	items[diags->n++] = (struct fl_diag){
		.file = f,
		.line = line,
		.column = column,
		.message = message,
		.severity = severity,
	};
	return 0;
}

__attribute__((format(printf, 5, 6)))
int fl_diags_addf(struct fl_diags *diags, const char *file, unsigned line,
		      unsigned column, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return diags_push(diags, file, line, column, msg, FL_SEVERITY_ERROR);
}

void fl_diags_done(struct fl_diags *diags)
{
	if (!diags)
		return;
	for (size_t i = 0; i < diags->n; i++) {
		free(diags->items[i].file);
		free(diags->items[i].message);
	}
	free(diags->items);
	diags->items = NULL;
	diags->n = 0;
}

size_t fl_diags_count(const struct fl_diags *diags, enum fl_severity severity)
{
	size_t n = 0;

	for (size_t i = 0; i < diags->n; i++)
		n += diags->items[i].severity == severity;
	return n;
}

void fl_diags_print(const struct fl_diags *diags, FILE *out)
{
	for (size_t i = 0; i < diags->n; i++) {
		const struct fl_diag *d = &diags->items[i];
		const char *label = d->severity == FL_SEVERITY_WARNING ? "warning" : "error";

		if (d->line)
			fprintf(out, "%s:%u:%u: %s: %s\n", d->file, d->line, d->column, label,
				d->message);
		else
			fprintf(out, "%s: %s: %s\n", d->file, label, d->message);
	}
}

__attribute__((format(printf, 4, 5)))
void fl_load_error(struct load *ld, unsigned line, unsigned column, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	ld->n_errors++;
	if (ld->n_errors > MAX_ERRORS)
		return;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0 || diags_push(ld->diags, ld->origin, line, column, msg, FL_SEVERITY_ERROR) < 0)
		ld->oom = true;
}

/*
 * An advisory diagnostic: the rules still load. Only collected when the
 * caller asked for warnings (fl_diags.warnings), and never counted as an
 * error.
 */
__attribute__((format(printf, 4, 5)))
void fl_load_warn(struct load *ld, unsigned line, unsigned column, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	if (!ld->diags->warnings || ld->oom)
		return;
	if (++ld->n_warnings > MAX_ERRORS)
		return;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0 || diags_push(ld->diags, ld->origin, line, column, msg, FL_SEVERITY_WARNING) < 0)
		ld->oom = true;
}

struct diag_sort {
	struct fl_diag d;
	size_t seq;
};

static int cmp_diag(const void *a, const void *b)
{
	const struct diag_sort *x = a, *y = b;

	if (x->d.line != y->d.line)
		return x->d.line < y->d.line ? -1 : 1;
	if (x->d.column != y->d.column)
		return x->d.column < y->d.column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Checks run per key, then per rule, then per file, so diagnostics come
 * out of order; put this load's in file order (stable for equal positions,
 * position-less ones first).
 */
void fl_sort_diags(struct load *ld)
{
	size_t n = ld->diags->n - ld->first_diag;
	_cleanup_free_ struct diag_sort *tmp = NULL;

	if (n < 2)
		return;
	tmp = calloc(n, sizeof(*tmp));
	if (!tmp)
		return; /* unsorted is still correct */
	for (size_t i = 0; i < n; i++)
		tmp[i] = (struct diag_sort){ ld->diags->items[ld->first_diag + i], i };
	qsort(tmp, n, sizeof(*tmp), cmp_diag);
	for (size_t i = 0; i < n; i++)
		ld->diags->items[ld->first_diag + i] = tmp[i].d;
}

struct shown fl_show_text(const char *text, size_t len, char quote)
{
	struct shown out;
	size_t o = 0, chars = 0;

	out.s[o++] = quote;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		/* Count and cut at character starts, never inside a UTF-8 sequence. */
		if ((c & 0xc0) != 0x80) {
			if (chars == SHOW_MAX) {
				memcpy(out.s + o, "...", 3);
				o += 3;
				break;
			}
			chars++;
		}
		if (c == '\n') {
			memcpy(out.s + o, "\\n", 2);
			o += 2;
		} else if (c == '\t') {
			memcpy(out.s + o, "\\t", 2);
			o += 2;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out.s + o, 5, "\\x%02x", c);
		} else {
			out.s[o++] = (char)c;
		}
	}
	out.s[o++] = quote;
	out.s[o] = '\0';
	return out;
}

/* "nothing", "a sequence", "a mapping", "'foo'" or "the string \"2\"". */
struct described fl_describe(const struct node *n)
{
	struct described out;

	if (n->kind == NODE_SEQUENCE)
		snprintf(out.s, sizeof(out.s), "a sequence");
	else if (n->kind == NODE_MAPPING)
		snprintf(out.s, sizeof(out.s), "a mapping");
	else if (node_is_null(n))
		snprintf(out.s, sizeof(out.s), "nothing");
	else if (n->quoted)
		snprintf(out.s, sizeof(out.s), "the string %s", show(n).s);
	else
		snprintf(out.s, sizeof(out.s), "%s", show(n).s);
	return out;
}

