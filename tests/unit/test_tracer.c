/*
 * The tracer's pure parts, through its private headers: the orphaned-group
 * decision, the tracee table's removal (backward shift in an open-addressing
 * table), the per-thread state machine's transitions, and the per-stop
 * string cache of the call source (on this process's own memory).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "callsource.h"
#include "faultline/inject.h"
#include "faultline/base.h"
#include "pgrp.h"
#include "state.h"
#include "tracee.h"

/* A pid no process has (above the kernel's PID_MAX_LIMIT): its parent is "gone". */
#define NO_PID 0x7ffffff0

/* faultline (pid 100, group 100, session 1) started by a shell in group 50. */
static const struct fl_proc_ids self = { .pid = 100, .ppid = 50, .pgrp = 100, .session = 1 };
static const struct fl_proc_ids shell = { .pid = 50, .ppid = 1, .pgrp = 50, .session = 1 };

static void test_orphaned_no_members(void **state)
{
	assert_true(fl_pgrp_orphaned(100, NULL, 0, &self, &shell));
}

/* The command's parent is faultline: natively it is the shell, outside the group. */
static void test_orphaned_child_of_faultline(void **state)
{
	struct fl_proc_ids cmd = { .pid = 101, .ppid = 100, .pgrp = 100, .session = 1 };
	struct fl_proc_ids same_group = { .pid = 50, .pgrp = 100, .session = 1 };
	struct fl_proc_ids other_session = { .pid = 50, .pgrp = 50, .session = 2 };

	assert_false(fl_pgrp_orphaned(100, &cmd, 1, &self, &shell));
	/* A parent inside the group, or in another session, holds nothing together. */
	assert_true(fl_pgrp_orphaned(100, &cmd, 1, &self, &same_group));
	assert_true(fl_pgrp_orphaned(100, &cmd, 1, &self, &other_session));
}

static void test_orphaned_parent_gone(void **state)
{
	struct fl_proc_ids m = { .pid = 102, .ppid = NO_PID, .pgrp = 100, .session = 1 };

	assert_true(fl_pgrp_orphaned(100, &m, 1, &self, &shell));
}

/* Members of other groups, and faultline itself, do not count. */
static void test_orphaned_ignores_others(void **state)
{
	struct fl_proc_ids v[] = {
		{ .pid = 103, .ppid = 100, .pgrp = 77, .session = 1 },
		{ .pid = 100, .ppid = 50, .pgrp = 100, .session = 1 },
	};

	assert_true(fl_pgrp_orphaned(100, v, FL_ARRAY_SIZE(v), &self, &shell));
}

/* A member whose parent is a real process (this test) is read from /proc. */
static void test_orphaned_real_parent(void **state)
{
	struct fl_proc_ids me;

	assert_int_equal(fl_proc_ids(getpid(), &me), 0);
	assert_int_equal(me.pid, getpid());
	struct fl_proc_ids m = { .pid = NO_PID, .ppid = me.pid, .pgrp = me.pgrp + 1,
				 .session = me.session };
	struct fl_proc_ids far = m;

	far.session = me.session + 1;
	assert_false(fl_pgrp_orphaned(me.pgrp + 1, &m, 1, &self, &shell));
	assert_true(fl_pgrp_orphaned(me.pgrp + 1, &far, 1, &self, &shell));
	/* Among several, one member with a parent outside is enough. */
	struct fl_proc_ids v[] = { far, { .pid = 104, .ppid = NO_PID, .pgrp = me.pgrp + 1 }, m };
	assert_false(fl_pgrp_orphaned(me.pgrp + 1, v, FL_ARRAY_SIZE(v), &self, &shell));
}

static void check_table(struct fl_tracee_table *tab, const bool *present, pid_t max)
{
	size_t n = 0;

	for (pid_t tid = 1; tid <= max; tid++) {
		struct fl_tracee *t = fl_tracee_find(tab, tid);

		if (present[tid]) {
			assert_non_null(t);
			assert_int_equal(t->tid, tid);
			n++;
		} else {
			assert_null(t);
		}
	}
	assert_int_equal(tab->n, n);
}

static void test_tracee_remove_empty(void **state)
{
	struct fl_tracee_table tab;

	fl_tracee_table_init(&tab);
	fl_tracee_remove(&tab, 42); /* no slots yet */
	assert_int_equal(tab.n, 0);
	assert_non_null(fl_tracee_add(&tab, 42));
	fl_tracee_remove(&tab, 43); /* not present */
	assert_int_equal(tab.n, 1);
	fl_tracee_remove(&tab, 42);
	assert_int_equal(tab.n, 0);
	assert_null(fl_tracee_find(&tab, 42));
	fl_tracee_table_done(&tab);
}

/* Removing from the middle of a probe cluster must not hide what follows it. */
static void test_tracee_remove_keeps_clusters(void **state)
{
	enum { MAX = 200 };
	struct fl_tracee_table tab;
	bool present[MAX + 1] = { false };

	fl_tracee_table_init(&tab);
	for (pid_t tid = 1; tid <= MAX; tid++) {
		assert_non_null(fl_tracee_add(&tab, tid));
		present[tid] = true;
	}
	check_table(&tab, present, MAX);
	/* State survives: the same entry is found again, not a new one. */
	fl_tracee_find(&tab, 7)->tgid = 7000;
	assert_ptr_equal(fl_tracee_add(&tab, 7), fl_tracee_find(&tab, 7));
	assert_int_equal(fl_tracee_find(&tab, 7)->tgid, 7000);
	for (pid_t tid = 3; tid <= MAX; tid += 3) {
		fl_tracee_remove(&tab, tid);
		present[tid] = false;
		check_table(&tab, present, MAX);
	}
	assert_int_equal(fl_tracee_find(&tab, 7)->tgid, 7000);
	fl_tracee_table_done(&tab);
}

/* Random adds and removes against a plain array. */
static void test_tracee_random_ops(void **state)
{
	enum { MAX = 300 };
	struct fl_tracee_table tab;
	bool present[MAX + 1] = { false };
	uint64_t x = 12345;

	fl_tracee_table_init(&tab);
	for (int i = 0; i < 5000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		pid_t tid = (pid_t)((x >> 33) % MAX) + 1;

		if ((x >> 20) & 1) {
			assert_non_null(fl_tracee_add(&tab, tid));
			present[tid] = true;
		} else {
			fl_tracee_remove(&tab, tid);
			present[tid] = false;
		}
		if (i % 250 == 0)
			check_table(&tab, present, MAX);
	}
	check_table(&tab, present, MAX);
	fl_tracee_table_done(&tab);
	assert_int_equal(tab.n, 0);
}

static void test_state_flags(void **state)
{
	assert_false(fl_state_wants_exit(FL_TS_IDLE));
	assert_false(fl_state_wants_exit(FL_TS_HELD_ENTRY));
	assert_true(fl_state_wants_exit(FL_TS_WANT_EXIT));
	assert_true(fl_state_wants_exit(FL_TS_HELD_EXIT));
	assert_true(fl_state_wants_exit(FL_TS_RESTARTING));
	assert_true(fl_state_wants_exit(FL_TS_PASSTHROUGH));
	assert_false(fl_state_held(FL_TS_IDLE));
	assert_true(fl_state_held(FL_TS_HELD_ENTRY));
	assert_false(fl_state_held(FL_TS_WANT_EXIT));
	assert_true(fl_state_held(FL_TS_HELD_EXIT));
	assert_false(fl_state_held(FL_TS_RESTARTING));
	assert_false(fl_state_held(FL_TS_PASSTHROUGH));
}

static void test_state_entry(void **state)
{
	enum fl_thread_state next = FL_TS_HELD_EXIT;

	/* A new call: whatever the last one left is over. */
	assert_true(fl_state_entry(FL_TS_IDLE, 0, 0, &next));
	assert_int_equal(next, FL_TS_IDLE);
	assert_true(fl_state_entry(FL_TS_WANT_EXIT, 1, 0, &next));
	assert_int_equal(next, FL_TS_IDLE);
	/* Restarting call 0 (read): rt_sigreturn first goes through, then read is ours again. */
	assert_false(fl_state_entry(FL_TS_RESTARTING, 15, 0, &next));
	assert_int_equal(next, FL_TS_PASSTHROUGH);
	assert_false(fl_state_entry(FL_TS_RESTARTING, 0, 0, &next));
	assert_int_equal(next, FL_TS_WANT_EXIT);
}

static void test_state_exit(void **state)
{
	enum fl_thread_state next = FL_TS_HELD_ENTRY;

	/* Nothing of ours. */
	assert_int_equal(fl_state_exit(FL_TS_IDLE, -512, true, true, &next), FL_EXIT_PASS);
	assert_int_equal(next, FL_TS_IDLE);
	/* The passed-through call's exit: back to waiting for the restart. */
	assert_int_equal(fl_state_exit(FL_TS_PASSTHROUGH, 0, true, false, &next), FL_EXIT_PASS);
	assert_int_equal(next, FL_TS_RESTARTING);
	/* A result or an undo to write now. */
	assert_int_equal(fl_state_exit(FL_TS_WANT_EXIT, 5, true, false, &next), FL_EXIT_APPLY);
	assert_int_equal(next, FL_TS_IDLE);
	assert_int_equal(fl_state_exit(FL_TS_RESTARTING, 5, true, false, &next), FL_EXIT_APPLY);
	assert_int_equal(next, FL_TS_IDLE);
	/* -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND keep a short count in place. */
	for (int64_t r = -514; r <= -512; r++) {
		assert_int_equal(fl_state_exit(FL_TS_WANT_EXIT, r, true, false, &next),
				 FL_EXIT_RESTART);
		assert_int_equal(next, FL_TS_RESTARTING);
	}
	/* ... but only a short count: an error or retval is written over them. */
	assert_int_equal(fl_state_exit(FL_TS_WANT_EXIT, -512, false, false, &next), FL_EXIT_APPLY);
	/* -ERESTART_RESTARTBLOCK (-516) and other errors end the call. */
	assert_int_equal(fl_state_exit(FL_TS_WANT_EXIT, -516, true, false, &next), FL_EXIT_APPLY);
	assert_int_equal(fl_state_exit(FL_TS_WANT_EXIT, -4, true, false, &next), FL_EXIT_APPLY);
	/* Phase exit with a delay: hold at the exit stop. */
	assert_int_equal(fl_state_exit(FL_TS_WANT_EXIT, 0, false, true, &next), FL_EXIT_HOLD);
	assert_int_equal(next, FL_TS_HELD_EXIT);
}

static void test_state_inherit(void **state)
{
	assert_int_equal(fl_state_inherit(FL_TS_IDLE), FL_TS_IDLE);
	/* A delay dies with the old image; what waits for the exit goes on. */
	assert_int_equal(fl_state_inherit(FL_TS_HELD_ENTRY), FL_TS_IDLE);
	assert_int_equal(fl_state_inherit(FL_TS_HELD_EXIT), FL_TS_WANT_EXIT);
	assert_int_equal(fl_state_inherit(FL_TS_WANT_EXIT), FL_TS_WANT_EXIT);
	assert_int_equal(fl_state_inherit(FL_TS_RESTARTING), FL_TS_WANT_EXIT);
	assert_int_equal(fl_state_inherit(FL_TS_PASSTHROUGH), FL_TS_WANT_EXIT);
}

static struct fl_stop_source stop;

/*
 * The stop source reads the tracee's memory as src/inject does: with
 * process_vm_readv, else PTRACE_PEEKDATA; these tests read their own
 * process. qemu-user (the aarch64 unit tests under qemu-aarch64-static)
 * emulates neither and fails both with ENOSYS: there the tests skip,
 * saying why. Any other failure is one.
 */
static void need_own_memory(void)
{
	static const char probe[] = "probe";
	char buf[8];
	ssize_t n = fl_tracee_read_string(getpid(), (uintptr_t)probe, buf, sizeof(buf));

	if (n == -ENOSYS) {
		print_message("SKIP: reading this process's memory: process_vm_readv and "
			      "PTRACE_PEEKDATA fail with ENOSYS (qemu-user emulates neither)\n");
		skip();
	}
	assert_int_equal(n, 5);
	assert_string_equal(buf, probe);
}

/* The cache answers every size as a direct read of that size would. */
static void check_like_direct(uint64_t addr)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 16, 100, 4095, 4096, 4097, 4098, 4099,
					FL_STOP_STRING_MAX - 1, FL_STOP_STRING_MAX,
					FL_STOP_STRING_MAX + 1, 9000 };
	static char a[9000], b[9000];

	fl_stop_source_reset(&stop, getpid());
	for (size_t k = 0; k < FL_ARRAY_SIZE(sizes); k++) {
		/* Both orders: the first size asked fills the cache. */
		for (int pass = 0; pass < 2; pass++) {
			size_t size = sizes[pass ? FL_ARRAY_SIZE(sizes) - 1 - k : k];
			ssize_t want = fl_tracee_read_string(getpid(), addr, a, size);
			ssize_t got = fl_stop_source_read_string(&stop, addr, b, size);

			assert_int_equal(got, want);
			assert_string_equal(b, a);
		}
	}
}

static void test_stop_source_strings(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	/* Three pages, the last unreadable: strings that end at or run into it. */
	char *m;

	need_own_memory();
	m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + 2 * page, page, PROT_NONE), 0);
	memset(m, 'x', 2 * page);
	m[10] = '\0';                   /* "xxxxxxxxxx" at m */
	m[20 + 4094] = '\0';            /* 4094 bytes at m + 20 */
	m[5000 + 3000] = '\0';          /* crosses into the second page */
	check_like_direct((uintptr_t)m);
	check_like_direct((uintptr_t)m + 9);    /* "x" */
	check_like_direct((uintptr_t)m + 10);   /* "" */
	check_like_direct((uintptr_t)m + 20);
	check_like_direct((uintptr_t)m + 22);
	check_like_direct((uintptr_t)m + 5000);
	check_like_direct((uintptr_t)m + 2 * page - 1);   /* no NUL before the hole */
	check_like_direct((uintptr_t)m + 2 * page - 4200);
	check_like_direct((uintptr_t)m + 2 * page);       /* unreadable */
	check_like_direct(0);
	munmap(m, 3 * page);
}

/* One read per stop and address: a change after it shows only at the next stop. */
static void test_stop_source_reads_once(void **state)
{
	static char s1[] = "/etc/app.conf", s2[] = "/tmp/other", s3[] = "/third";
	char buf[64];

	need_own_memory();
	fl_stop_source_reset(&stop, getpid());
	assert_int_equal(stop.src.read_string(stop.src.ud, (uintptr_t)s1, buf, 4096), 13);
	s1[1] = 'E';
	assert_int_equal(fl_stop_source_read_string(&stop, (uintptr_t)s1, buf, sizeof(buf)), 13);
	assert_string_equal(buf, "/etc/app.conf");
	/* A second path (rename) is cached too; a third is read directly. */
	assert_int_equal(fl_stop_source_read_string(&stop, (uintptr_t)s2, buf, sizeof(buf)), 10);
	assert_int_equal(fl_stop_source_read_string(&stop, (uintptr_t)s3, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "/third");
	fl_stop_source_reset(&stop, getpid());
	assert_int_equal(fl_stop_source_read_string(&stop, (uintptr_t)s1, buf, sizeof(buf)), 13);
	assert_string_equal(buf, "/Etc/app.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orphaned_no_members),
		cmocka_unit_test(test_orphaned_child_of_faultline),
		cmocka_unit_test(test_orphaned_parent_gone),
		cmocka_unit_test(test_orphaned_ignores_others),
		cmocka_unit_test(test_orphaned_real_parent),
		cmocka_unit_test(test_tracee_remove_empty),
		cmocka_unit_test(test_tracee_remove_keeps_clusters),
		cmocka_unit_test(test_tracee_random_ops),
		cmocka_unit_test(test_state_flags),
		cmocka_unit_test(test_state_entry),
		cmocka_unit_test(test_state_exit),
		cmocka_unit_test(test_state_inherit),
		cmocka_unit_test(test_stop_source_strings),
		cmocka_unit_test(test_stop_source_reads_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
