/*
 * Unit tests for src/inject/short_iov.c: where a short readv/writev cuts
 * its iovec array, read from fake tracee memory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include <cmocka.h>

#include "faultline/arch.h"
#include "host_abi.h"
#include "short_iov.h"

#define BASE 0x10000

/* The fake tracee: @size bytes at BASE; reads elsewhere fail. */
struct mem {
	const void *bytes;
	size_t size;
	unsigned reads;
};

static ssize_t fake_read(void *ud, uint64_t addr, void *buf, size_t len)
{
	struct mem *m = ud;

	m->reads++;
	if (addr < BASE || addr - BASE > m->size || len > m->size - (addr - BASE))
		return -EFAULT;
	memcpy(buf, (const char *)m->bytes + (addr - BASE), len);
	return (ssize_t)len;
}

static const struct iovec iov64[3] = {
	{ (void *)0x9000, 100 }, { (void *)0x9100, 200 }, { (void *)0x9200, 300 },
};
static const uint32_t iov32[6] = { 0x9000, 100, 0x9100, 200, 0x9200, 300 };

struct row {
	uint64_t count, budget;
	int ret;
	uint64_t new_count, entry, old_len, new_len;
};

/* The same cuts for both ABIs: 100, 200, 300 bytes. */
static const struct row rows[] = {
	{ 3, 150, 1, 2, 1, 200, 50 },
	{ 3, 1, 1, 1, 0, 100, 1 },
	/* Exactly the first buffer: it is the last one, uncut. */
	{ 3, 100, 1, 1, 0, 100, 100 },
	{ 3, 101, 1, 2, 1, 200, 1 },
	{ 3, 599, 1, 3, 2, 300, 299 },
	/* Exactly the total: the last entry is "cut" to its own length. */
	{ 3, 600, 1, 3, 2, 300, 300 },
	{ 2, 300, 1, 2, 1, 200, 200 },
	/* The buffers ask for less than the budget: nothing to cut. */
	{ 3, 601, 0, 0, 0, 0, 0 },
	{ 3, 4096, 0, 0, 0, 0, 0 },
	{ 2, 301, 0, 0, 0, 0, 0 },
	{ 0, 1, 0, 0, 0, 0, 0 },
};

static void check_rows(uint32_t arch, const void *iov, size_t size)
{
	const struct fl_abi *abi = fl_abi_of(arch);

	assert_non_null(abi);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct mem m = { iov, size, 0 };
		struct fl_short_iov cut;

		memset(&cut, 0xaa, sizeof(cut));
		assert_int_equal(fl_short_iov_plan(abi, BASE, r->count, r->budget, fake_read, &m,
						   &cut), r->ret);
		if (r->ret != 1)
			continue;
		assert_int_equal(cut.count, r->new_count);
		assert_int_equal(cut.len_addr, BASE + r->entry * abi->iovec_size + abi->iov_len_off);
		assert_int_equal(cut.old_len, r->old_len);
		assert_int_equal(cut.new_len, r->new_len);
		assert_int_equal(cut.len_size, abi->long_size);
		/* It reads up to the entry it cuts, no further. */
		assert_int_equal(m.reads, r->entry + 1);
	}
}

/* The host's native ABI: the compiler's struct iovec (x86_64, aarch64). */
static void test_native(void **state)
{
	check_rows(native_abi(), iov64, sizeof(iov64));
}

/* The host's 32-bit compat ABI (i386, arm). */
static void test_compat(void **state)
{
	check_rows(compat_abi(), iov32, sizeof(iov32));
	/* iov_len is the second 32-bit word of an 8-byte entry. */
	assert_int_equal(fl_abi_of(compat_abi())->iovec_size, 8);
}

/* An entry past readable memory: the call runs unchanged. */
static void test_unreadable(void **state)
{
	struct mem m = { iov64, sizeof(iov64), 0 };
	struct fl_short_iov cut;

	/* Four entries, three readable, the budget past the third. */
	assert_int_equal(fl_short_iov_plan(fl_abi_of(native_abi()), BASE, 4, 1000,
					   fake_read, &m, &cut), -EFAULT);
	assert_int_equal(m.reads, 4);
	m.reads = 0;
	assert_int_equal(fl_short_iov_plan(fl_abi_of(native_abi()), 0x10, 3, 1,
					   fake_read, &m, &cut), -EFAULT);
}

/* Empty buffers take nothing of the budget; at most UIO_MAXIOV entries are read. */
static void test_empty_and_limit(void **state)
{
	static struct iovec many[FL_SHORT_IOV_MAX + 10];
	struct mem m = { many, sizeof(many), 0 };
	struct fl_short_iov cut;

	memset(many, 0, sizeof(many));
	assert_int_equal(fl_short_iov_plan(fl_abi_of(native_abi()), BASE,
					   FL_SHORT_IOV_MAX + 10, 1, fake_read, &m, &cut), 0);
	assert_int_equal(m.reads, FL_SHORT_IOV_MAX);

	many[5].iov_len = 7;
	m.reads = 0;
	assert_int_equal(fl_short_iov_plan(fl_abi_of(native_abi()), BASE,
					   FL_SHORT_IOV_MAX + 10, 3, fake_read, &m, &cut), 1);
	assert_int_equal(cut.count, 6);
	assert_int_equal(cut.old_len, 7);
	assert_int_equal(cut.new_len, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_compat),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_empty_and_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
