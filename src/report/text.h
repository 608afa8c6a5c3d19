/*
 * Private to src/report: text made safe for its destination, and the
 * Markdown summary's writer, shared by the log (log.c), the Markdown
 * summary (markdown.c) and report merge (merge.c).
 */
#pragma once

#include <stdio.h>

/* Free text without quotes, control characters as \xNN (log lines). */
void fl_put_plain(FILE *out, const char *s);
/* Inline Markdown text: markup characters escaped, control characters as spaces. */
void fl_md_text(FILE *f, const char *s);
/* A Markdown code span, fenced to hold any backticks inside. */
void fl_md_code(FILE *f, const char *s);

/*
 * Append @len bytes of @text to @fd (from fl_summary_md_open()) as one
 * section and close @fd, also on failure. 0 or -errno.
 */
int fl_summary_md_append(int fd, const char *text, size_t len);
