/* Which runs a rule gets per call. */
#include <stdlib.h>

#include "faultline/sweep.h"

size_t fl_sweep_rule_errors(const struct fl_rule *rule, int *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < rule->n_errors; i++) {
		bool dup = false;

		for (size_t k = 0; k < i && !dup; k++)
			dup = rule->errors[k] == rule->errors[i];
		if (dup)
			continue;
		if (n < max)
			out[n] = rule->errors[i];
		n++;
	}
	return n;
}
