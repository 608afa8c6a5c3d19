/*
 * Pass 1 of a load: the bytes. NUL bytes, invalid UTF-8 and control
 * characters are found here, with their line and column, before libyaml
 * sees them (libyaml reports only a byte offset for those).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "load.h"

/* ---- pass 1: the bytes ---- */

/*
 * Decode one UTF-8 character at @p (of @left bytes). Returns its length, or
 * 0 when the bytes are not valid UTF-8 (overlong forms, surrogates, beyond
 * U+10FFFF and truncated sequences included).
 */
static size_t utf8_decode(const unsigned char *p, size_t left, uint32_t *ret)
{
	uint32_t c, min;
	size_t len;

	if (p[0] < 0x80) {
		*ret = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2, c = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, c = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4, c = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (left < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*ret = c;
	return len;
}

/* What libyaml's reader accepts (yaml_parser_update_buffer()). */
static bool yaml_printable(uint32_t c)
{
	return c == 0x09 || c == 0x0a || c == 0x0d || (c >= 0x20 && c <= 0x7e) || c == 0x85 ||
	       (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	       (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * Walk the text as libyaml counts positions: lines break at LF, CR, CRLF,
 * NEL, LS and PS; columns count characters; a leading BOM is not counted.
 * Reports the first NUL, the first invalid UTF-8 and the first disallowed
 * control character. If @stop_at is not SIZE_MAX, only computes the
 * position of byte offset @stop_at into *@ret_line / *@ret_column.
 */
int fl_scan_text(struct load *ld, const char *text, size_t len, size_t stop_at,
		     unsigned *ret_line, unsigned *ret_column)
{
	const unsigned char *p = (const unsigned char *)text;
	unsigned line = 1, column = 1;
	bool seen_nul = false, seen_utf8 = false, seen_ctrl = false;
	size_t i = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		uint32_t c = 0;
		size_t n;

		if (i >= stop_at)
			break;
		n = utf8_decode(p + i, len - i, &c);
		if (n == 0) {
			if (!seen_utf8 && ld)
				fl_load_error(ld, line, column,
				       "invalid UTF-8 (byte 0x%02x); rule files must be UTF-8 text", p[i]);
			seen_utf8 = true;
			n = 1;
		} else if (c == 0) {
			if (!seen_nul && ld)
				fl_load_error(ld, line, column, "NUL byte; rule files must be text");
			seen_nul = true;
		} else if (!yaml_printable(c)) {
			if (!seen_ctrl && ld)
				fl_load_error(ld, line, column,
				       "control character U+%04" PRIX32 " is not allowed in YAML", c);
			seen_ctrl = true;
		}

		if (c == '\r' && i + 1 < len && p[i + 1] == '\n') {
			n = 2;
			c = '\n';
		}
		if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029) {
			line++;
			column = 1;
		} else {
			column++;
		}
		i += n;
	}
	if (ret_line)
		*ret_line = line;
	if (ret_column)
		*ret_column = column;
	return seen_nul || seen_utf8 || seen_ctrl ? -EINVAL : 0;
}

