/* JSON strings from arbitrary bytes (paths, argv) for the reports. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

/*
 * A JSON string for the NUL-terminated bytes @s (NULL: ""). JSON strings are
 * UTF-8: each byte that is not part of valid UTF-8 becomes U+FFFD, and
 * *ret_lossy (if given) says whether that happened. NULL on OOM.
 */
json_t *fl_json_string(const char *s, bool *ret_lossy);
