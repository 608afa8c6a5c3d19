/* Private to src/cli: what faultline sweep shows (sweep_show.c). */
#pragma once

#include <stdbool.h>

#include "faultline/sweep.h"

struct fl_sweep_ui {
	bool tty;          /* stderr is a terminal: one progress bar, redrawn */
	bool bar_shown;
};

void fl_sweep_ui_draw_bar(struct fl_sweep_ui *ui, const struct fl_sweep *sw);
void fl_sweep_ui_clear_bar(struct fl_sweep_ui *ui);
/* fl_sweep.on_run with a struct fl_sweep_ui as @ud: the bar, or a line per run. */
void fl_sweep_ui_on_run(struct fl_sweep *sw, struct fl_sweep_run *run, void *ud);

/*
 * What the baseline says (fl_sweep_baseline_judge()), said: a problem that
 * makes a sweep pointless is -errno after its reason, the rest are warnings.
 */
int fl_sweep_check_baseline(const struct fl_sweep *sw, const char *cmd);
/* sweep --crash: 0 when @check passed after every baseline run, else -EIO, said. */
int fl_sweep_check_baseline_check(const struct fl_sweep *sw, const char *cmd, const char *check);

/* Counts, the table of runs, and the details of each that needs fixing, on stdout. */
void fl_sweep_print_results(const struct fl_sweep *sw, const char *cmd, bool interrupted);
