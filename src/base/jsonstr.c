#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/base.h"

/* Length of the valid UTF-8 sequence at @s (of @len bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

json_t *fl_json_string(const char *s, bool *ret_lossy)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)u), o = 0;
	_cleanup_free_ char *buf = NULL;
	bool lossy = false;

	if (ret_lossy)
		*ret_lossy = false;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(u + i, len - i);

		if (!n) {
			lossy = true;
			break;
		}
		i += n;
	}
	if (!lossy)
		return json_stringn((const char *)u, len);

	/* Worst case every byte becomes the 3-byte U+FFFD. */
	buf = malloc(3 * len + 1);
	if (!buf)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(u + i, len - i);

		if (n) {
			memcpy(buf + o, u + i, n);
			o += n;
			i += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	if (ret_lossy)
		*ret_lossy = true;
	return json_stringn(buf, o);
}

/*
 * jansson's own success is not enough: 2.14 ignores a failed allocation
 * while it dumps an object key and returns a line with the key cut short.
 * Every allocation jansson makes goes through here, and a dump during which
 * one failed is thrown away.
 */
static unsigned long json_alloc_failures;

static void *counting_malloc(size_t size)
{
	void *p = malloc(size);

	if (!p)
		json_alloc_failures++;
	return p;
}

__attribute__((constructor)) static void track_json_allocations(void)
{
	json_set_alloc_funcs(counting_malloc, free);
}

char *fl_json_dumps(const json_t *json, size_t flags)
{
	unsigned long before = json_alloc_failures;
	char *text = json_dumps(json, flags);

	if (text && json_alloc_failures != before) {
		free(text);
		return NULL;
	}
	return text;
}
