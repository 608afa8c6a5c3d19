/*
 * A swept rule as a self-contained -e flow mapping.
 *
 * The text is re-emitted from the YAML the user wrote, not printed from
 * struct fl_rule: every key of the rule is carried over as written, even
 * one added to the loader after this code (a path filter, say), so the runs
 * and the reproducer fail exactly the calls the user's rule matches. Only
 * the keys that pick *which* call acts are the sweep's to set.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "faultline/sys.h"
#include "faultline/base.h"
#include "faultline/sweep.h"
#include "parts.h"

/* The sweep decides these for every run: a rule must leave them out. */
/* per: the sweep's k counts the tree's calls, so counters must be the tree's. */
static const char *const sweep_keys[] = { "after", "every", "times", "probability", "per" };

struct events {
	yaml_event_t *ev;
	size_t n, cap;
};

static void events_done(struct events *e)
{
	for (size_t i = 0; i < e->n; i++)
		yaml_event_delete(&e->ev[i]);
	free(e->ev);
	e->ev = NULL;
	e->n = e->cap = 0;
}

static int events_push(struct events *e, yaml_event_t *ev)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 32;
		yaml_event_t *p = realloc(e->ev, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		e->ev = p;
		e->cap = cap;
	}
	e->ev[e->n++] = *ev;
	return 0;
}

/*
 * The events of the mapping that starts at @line:@column, MAPPING_START to
 * its MAPPING_END, into @out.
 */
static int capture_mapping(const char *text, size_t len, unsigned line, unsigned column,
			   struct events *out)
{
	yaml_parser_t parser;
	size_t depth = 0;
	bool capturing = false;
	int ret = -ENOENT;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	for (;;) {
		yaml_event_t ev;
		yaml_event_type_t type;

		if (!yaml_parser_parse(&parser, &ev)) {
			ret = parser.error == YAML_MEMORY_ERROR ? -ENOMEM : -EBADMSG;
			break;
		}
		type = ev.type;
		if (!capturing && type == YAML_MAPPING_START_EVENT &&
		    ev.start_mark.line + 1 == line && ev.start_mark.column + 1 == column)
			capturing = true;
		if (!capturing) {
			yaml_event_delete(&ev);
			if (type == YAML_STREAM_END_EVENT)
				break;
			continue;
		}
		if (events_push(out, &ev) < 0) {
			yaml_event_delete(&ev);
			ret = -ENOMEM;
			break;
		}
		if (type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (type == YAML_MAPPING_END_EVENT || type == YAML_SEQUENCE_END_EVENT)
			depth--;
		if (depth == 0) {
			ret = 0;
			break;
		}
	}
	yaml_parser_delete(&parser);
	return ret;
}

/* Index just past the node starting at event @i. */
static size_t node_end(const struct events *e, size_t i)
{
	size_t depth = 0;

	do {
		yaml_event_type_t t = e->ev[i].type;

		if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT)
			depth--;
		i++;
	} while (depth > 0 && i < e->n);
	return i;
}

static bool scalar_is(const yaml_event_t *ev, const char *s)
{
	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == strlen(s) &&
	       memcmp(ev->data.scalar.value, s, ev->data.scalar.length) == 0;
}

/*
 * Scalars are emitted with both implicit flags set: the rule format has no
 * tags, and a plain scalar that cannot stay plain in flow context ("a, b"
 * in a block mapping) then gets quoted instead of a "!" tag. Quoted stays
 * quoted, so a number written as a string is still one.
 */
static int emit_scalar(yaml_emitter_t *em, const char *value, size_t len,
		       yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)value, (int)len, 1, 1,
					  style))
		return -ENOMEM;
	return yaml_emitter_emit(em, &ev) ? 0 : -EIO;
}

static int emit_plain(yaml_emitter_t *em, const char *value)
{
	return emit_scalar(em, value, strlen(value), YAML_PLAIN_SCALAR_STYLE);
}

/* Copy of events [from, to) with every collection in flow style. */
static int emit_copy(yaml_emitter_t *em, const struct events *e, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const yaml_event_t *src = &e->ev[i];
		yaml_event_t ev;
		int ok;

		switch (src->type) {
		case YAML_SCALAR_EVENT:
			if (emit_scalar(em, (const char *)src->data.scalar.value, src->data.scalar.length,
					src->data.scalar.style) < 0)
				return -EIO;
			continue;
		case YAML_SEQUENCE_START_EVENT:
			ok = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
								  YAML_FLOW_SEQUENCE_STYLE);
			break;
		case YAML_SEQUENCE_END_EVENT:
			ok = yaml_sequence_end_event_initialize(&ev);
			break;
		case YAML_MAPPING_START_EVENT:
			ok = yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
								 YAML_FLOW_MAPPING_STYLE);
			break;
		case YAML_MAPPING_END_EVENT:
			ok = yaml_mapping_end_event_initialize(&ev);
			break;
		default:
			/* Aliases: the loader refuses them, so a loaded rule has none. */
			return -EBADMSG;
		}
		if (!ok)
			return -ENOMEM;
		if (!yaml_emitter_emit(em, &ev))
			return -EIO;
	}
	return 0;
}

static int emit_rule(yaml_emitter_t *em, const struct events *e,
		     const struct fl_sweep_rule_edit *edit)
{
	yaml_event_t ev;
	bool error_done = false;
	char num[32];
	int r;

	if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
	    !yaml_emitter_emit(em, &ev))
		return -EIO;
	if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
	    !yaml_emitter_emit(em, &ev))
		return -EIO;
	if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_FLOW_MAPPING_STYLE) ||
	    !yaml_emitter_emit(em, &ev))
		return -EIO;

	/* e->ev[0] is the MAPPING_START, e->ev[n - 1] its end; pairs between. */
	for (size_t i = 1; i + 1 < e->n;) {
		size_t value = node_end(e, i), next = node_end(e, value);

		if (edit && edit->set_error && scalar_is(&e->ev[i], "error")) {
			const char *name = fl_errno_name(edit->error);

			snprintf(num, sizeof(num), "%d", edit->error);
			r = emit_copy(em, e, i, value);
			if (r == 0)
				r = emit_plain(em, name ? name : num);
			error_done = true;
		} else {
			r = emit_copy(em, e, i, next);
		}
		if (r < 0)
			return r;
		i = next;
	}
	if (edit && edit->set_error && !error_done) {
		const char *name = fl_errno_name(edit->error);

		snprintf(num, sizeof(num), "%d", edit->error);
		if ((r = emit_plain(em, "error")) < 0 || (r = emit_plain(em, name ? name : num)) < 0)
			return r;
	}
	if (edit && edit->set_counters) {
		snprintf(num, sizeof(num), "%" PRIu64, edit->after);
		if ((r = emit_plain(em, "after")) < 0 || (r = emit_plain(em, num)) < 0 ||
		    (r = emit_plain(em, "times")) < 0 || (r = emit_plain(em, "1")) < 0)
			return r;
	}

	if (!yaml_mapping_end_event_initialize(&ev) || !yaml_emitter_emit(em, &ev))
		return -EIO;
	if (!yaml_document_end_event_initialize(&ev, 1) || !yaml_emitter_emit(em, &ev))
		return -EIO;
	if (!yaml_stream_end_event_initialize(&ev) || !yaml_emitter_emit(em, &ev))
		return -EIO;
	return yaml_emitter_flush(em) ? 0 : -EIO;
}

int fl_sweep_rule_text(const char *text, size_t len, unsigned line, unsigned column,
		       const struct fl_sweep_rule_edit *edit, char **ret, const char **ret_key)
{
	struct events e = { 0 };
	yaml_emitter_t em;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = NULL;
	int r;

	if (ret_key)
		*ret_key = NULL;
	r = capture_mapping(text, len, line, column, &e);
	if (r < 0)
		goto out;

	/* Keys first, so a conflict is reported before anything is built. */
	for (size_t i = 1; i + 1 < e.n; i = node_end(&e, node_end(&e, i)))
		for (size_t k = 0; k < FL_ARRAY_SIZE(sweep_keys); k++)
			if (scalar_is(&e.ev[i], sweep_keys[k])) {
				if (ret_key)
					*ret_key = sweep_keys[k];
				r = -EINVAL;
				goto out;
			}

	f = open_memstream(&buf, &size);
	if (!f) {
		r = -ENOMEM;
		goto out;
	}
	if (!yaml_emitter_initialize(&em)) {
		r = -ENOMEM;
		goto out;
	}
	yaml_emitter_set_output_file(&em, f);
	/* One line whatever its length; UTF-8 names stay readable. */
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_unicode(&em, 1);
	r = emit_rule(&em, &e, edit);
	yaml_emitter_delete(&em);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	f = NULL;
	if (r < 0)
		goto out;

	/* The emitter ends the document with a newline (and "..." after some scalars). */
	while (size > 0 && (buf[size - 1] == '\n' || buf[size - 1] == ' '))
		buf[--size] = '\0';
	if (size >= 4 && !strcmp(buf + size - 4, "\n..."))
		buf[size -= 4] = '\0';
	if (strchr(buf, '\n')) {
		/* A flow mapping on one line is what -e takes; anything else is a bug here. */
		r = -EBADMSG;
		goto out;
	}
	*ret = steal_pointer(&buf);
out:
	if (f)
		fclose(f);
	free(buf);
	events_done(&e);
	return r;
}
