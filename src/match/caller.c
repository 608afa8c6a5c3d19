/*
 * The caller: filter. A frame of the calling thread's stack (from the
 * call source, which unwinds once per stop) names a function as
 * "func+0x1a (/usr/bin/prog)"; its function name is matched against the
 * rule's patterns. Frames without a symbol ("0x7f12... (...)") name none.
 */
#include <string.h>

#include "faultline/base.h"
#include "matcher.h"

/* The function name of @frame into @buf; false when the frame has none. */
static bool frame_function(const char *frame, char *buf, size_t size)
{
	size_t n = strcspn(frame, "+ ");

	if (n == 0 || n >= size || (frame[0] == '0' && frame[1] == 'x'))
		return false;
	memcpy(buf, frame, n);
	buf[n] = '\0';
	return true;
}

bool fl_caller_matches(const struct fl_rule *r, const struct fl_call *call,
		       struct fl_match_info *info)
{
	const char *const *frames;
	ssize_t n;

	if (!call->src || !call->src->stack)
		return false;
	n = call->src->stack(call->src->ud, call->pid, &frames);
	for (ssize_t i = 0; i < n; i++) {
		char name[256];

		if (!frame_function(frames[i], name, sizeof(name)))
			continue;
		for (size_t k = 0; k < r->n_callers; k++)
			if (fl_glob_match_name(r->callers[k], name)) {
				info->caller = frames[i];
				return true;
			}
	}
	return false;
}
