/*
 * Pass 2 of a load: libyaml's event parser builds a small tree of scalars,
 * sequences and mappings with 1-based positions. Anything the rule format
 * does not use (anchors, aliases, tags, several documents, absurd nesting)
 * is rejected here.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "faultline/base.h"
#include "load.h"

void fl_node_free(struct node *n)
{
	if (!n)
		return;
	/* Depth is bounded by MAX_DEPTH, so recursion is fine. */
	for (size_t i = 0; i < n->n_kids; i++)
		fl_node_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

/* ---- pass 2: the tree ---- */

static void report_yaml_error(struct load *ld, const yaml_parser_t *p, const char *text, size_t len)
{
	unsigned line, column, end_line, end_column;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		ld->oom = true;
		break;
	case YAML_READER_ERROR:
		/* Normally caught by fl_scan_text(); libyaml only gives an offset. */
		fl_scan_text(NULL, text, len, p->problem_offset, &line, &column);
		fl_load_error(ld, line, column, "%s", p->problem ? p->problem : "unreadable input");
		break;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
	default:
		/*
		 * At the end of the stream libyaml's mark is on a line of its
		 * own that is not in the text ("{a: 1" fails at 2:1); point just
		 * past the last character instead.
		 */
		line = (unsigned)p->problem_mark.line + 1;
		column = (unsigned)p->problem_mark.column + 1;
		fl_scan_text(NULL, text, len, SIZE_MAX, &end_line, &end_column);
		if (line > end_line || (line == end_line && column > end_column)) {
			line = end_line;
			column = end_column;
		}
		/* '@' is reserved in YAML: a syscall group must be quoted. */
		if (p->error == YAML_SCANNER_ERROR && p->problem_mark.index < len &&
		    text[p->problem_mark.index] == '@')
			fl_load_error(ld, line, column, "syntax error: %s; a value starting with '@' "
				      "(a syscall group such as \"@file-system\") must be quoted",
				      p->problem ? p->problem : "invalid YAML");
		else if (p->context)
			fl_load_error(ld, line, column, "syntax error: %s (%s at line %zu, column %zu)",
			       p->problem ? p->problem : "invalid YAML", p->context,
			       p->context_mark.line + 1, p->context_mark.column + 1);
		else
			fl_load_error(ld, line, column, "syntax error: %s",
			       p->problem ? p->problem : "invalid YAML");
		break;
	}
}

/* Anchors, aliases and tags: YAML features rule files do not need. */
static void check_node_props(struct load *ld, const yaml_mark_t *m, const yaml_char_t *anchor,
			     const yaml_char_t *tag)
{
	if (anchor)
		fl_load_error(ld, (unsigned)m->line + 1, (unsigned)m->column + 1,
		       "anchor '&%s': aliases and anchors are not supported in rule files; "
		       "write the value out", (const char *)anchor);
	if (tag)
		fl_load_error(ld, (unsigned)m->line + 1, (unsigned)m->column + 1,
		       "tag '%s': tags are not supported in rule files; write the plain value",
		       (const char *)tag);
}

static yaml_parser_t *yaml_parser_new(void)
{
	yaml_parser_t *p = malloc(sizeof(*p));

	if (p && !yaml_parser_initialize(p)) {
		free(p);
		return NULL;
	}
	return p;
}

static void yaml_parser_freep(yaml_parser_t **p)
{
	if (*p) {
		yaml_parser_delete(*p);
		free(*p);
	}
}

/*
 * Returns 0 with *@ret_root (NULL for a stream without documents), -EINVAL
 * when diagnostics were added, -ENOMEM.
 */
/*
 * Is the scalar about to be added under @stack[@depth - 1] the value of
 * 'data' in a 'poke' mapping? Only there may a string hold NUL bytes
 * (poke: {data: "/xyz\0"} writes them); everywhere else text is text.
 */
static bool binary_allowed(struct node *const *stack, size_t depth)
{
	const struct node *map, *outer;

	if (depth < 2)
		return false;
	map = stack[depth - 1];
	outer = stack[depth - 2];
	if (map->kind != NODE_MAPPING || map->n_kids % 2 != 1 || outer->kind != NODE_MAPPING ||
	    outer->n_kids < 2 || outer->kids[outer->n_kids - 1] != map)
		return false;
	return strcmp(map->kids[map->n_kids - 1]->text, "data") == 0 &&
	       strcmp(outer->kids[outer->n_kids - 2]->text, "poke") == 0;
}

int fl_build_tree(struct load *ld, const char *text, size_t len, struct node **ret_root)
{
	_cleanup_(yaml_parser_freep) yaml_parser_t *parser = NULL;
	_cleanup_(node_freep) struct node *root = NULL;
	struct node *stack[MAX_DEPTH];
	size_t depth = 0;
	unsigned docs = 0, errors_before = ld->n_errors;
	bool done = false;

	parser = yaml_parser_new();
	if (!parser)
		return -ENOMEM;
	yaml_parser_set_input_string(parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING);

	while (!done) {
		yaml_event_t ev;
		struct node *n = NULL;

		if (!yaml_parser_parse(parser, &ev)) {
			report_yaml_error(ld, parser, text, len);
			return ld->oom ? -ENOMEM : -EINVAL;
		}

		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				fl_load_error(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
				       "a second YAML document ('---'); a rule file is one document, "
				       "put all rules under one 'rules:' list");
				done = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			fl_load_error(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
			       "alias '*%s': aliases and anchors are not supported in rule files; "
			       "write the value out", (const char *)ev.data.alias.anchor);
			/* A stand-in keeps mappings in key/value pairs; nothing is checked after this. */
			n = calloc(1, sizeof(*n));
			if (n)
				n->text = strdup("");
			if (!n || !n->text)
				goto oom;
			break;
		case YAML_SCALAR_EVENT:
			check_node_props(ld, &ev.start_mark, ev.data.scalar.anchor, ev.data.scalar.tag);
			n = calloc(1, sizeof(*n));
			if (!n)
				goto oom;
			n->kind = NODE_SCALAR;
			n->len = ev.data.scalar.length;
			n->text = malloc(n->len + 1);
			if (!n->text)
				goto oom;
			memcpy(n->text, ev.data.scalar.value, n->len);
			n->text[n->len] = '\0';
			n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
			if (memchr(n->text, '\0', n->len) && !binary_allowed(stack, depth))
				fl_load_error(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
				       "string contains a NUL character ('\\0')");
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (ev.type == YAML_SEQUENCE_START_EVENT)
				check_node_props(ld, &ev.start_mark, ev.data.sequence_start.anchor,
						 ev.data.sequence_start.tag);
			else
				check_node_props(ld, &ev.start_mark, ev.data.mapping_start.anchor,
						 ev.data.mapping_start.tag);
			if (depth == MAX_DEPTH) {
				fl_load_error(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
				       "nesting deeper than %d levels; rule files are a few levels deep",
				       MAX_DEPTH);
				yaml_event_delete(&ev);
				return -EINVAL;
			}
			n = calloc(1, sizeof(*n));
			if (!n)
				goto oom;
			n->kind = ev.type == YAML_SEQUENCE_START_EVENT ? NODE_SEQUENCE : NODE_MAPPING;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}

		if (n) {
			n->line = (unsigned)ev.start_mark.line + 1;
			n->column = (unsigned)ev.start_mark.column + 1;
			if (depth == 0) {
				/* Only one document gets here; a second one stops the loop. */
				root = n;
			} else {
				struct node *parent = stack[depth - 1];
				struct node **kids = grow_array(parent->kids, &parent->cap_kids,
								parent->n_kids + 1, sizeof(*kids));

				if (!kids)
					goto oom;
				parent->kids = kids;
				kids[parent->n_kids++] = n;
			}
			if (n->kind != NODE_SCALAR)
				stack[depth++] = n;
		}
		yaml_event_delete(&ev);
		continue;
oom:
		/* @n was not attached yet. */
		fl_node_free(n);
		yaml_event_delete(&ev);
		ld->oom = true;
		return -ENOMEM;
	}

	if (ld->n_errors != errors_before)
		return -EINVAL;
	*ret_root = steal_pointer(&root);
	return 0;
}

