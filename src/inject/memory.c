/*
 * Reading and writing the memory of a stopped tracee. Tracee memory is
 * untrusted: NULL, unmapped, unterminated.
 */
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

#include "faultline/inject.h"

/*
 * process_vm_readv() fails as a whole when any byte of a range is unmapped,
 * so read page by page: a string that ends just before an unmapped page must
 * still be readable.
 */
static ssize_t read_chunk(pid_t tid, uint64_t addr, char *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);

	if (n >= 0)
		return n;
	if (errno != ENOSYS && errno != EPERM)
		return -errno;

	/* Fallback for kernels or policies without process_vm_readv. */
	size_t done = 0;
	while (done < len) {
		uint64_t word_addr = (addr + done) & ~(uint64_t)7;
		size_t skip = (addr + done) - word_addr;
		long word;

		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)word_addr, NULL);
		if (errno)
			return done ? (ssize_t)done : -errno;
		size_t take = sizeof(word) - skip;
		if (take > len - done)
			take = len - done;
		memcpy(buf + done, (char *)&word + skip, take);
		done += take;
	}
	return (ssize_t)done;
}

ssize_t fl_tracee_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t got = 0;

	if (addr == 0)
		return -EFAULT;
	while (got < len) {
		uint64_t cur = addr + got;
		size_t to_page_end = (size_t)page - (cur & ((uint64_t)page - 1));
		size_t want = len - got < to_page_end ? len - got : to_page_end;
		ssize_t n = read_chunk(tid, cur, (char *)buf + got, want);

		if (n <= 0)
			return got ? (ssize_t)got : (n < 0 ? n : -EFAULT);
		got += (size_t)n;
	}
	return (ssize_t)got;
}

ssize_t fl_tracee_read_string(pid_t tid, uint64_t addr, char *buf, size_t size)
{
	size_t got = 0;
	long page = sysconf(_SC_PAGESIZE);

	if (size == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (addr == 0)
		return -EFAULT;

	while (got < size - 1) {
		uint64_t cur = addr + got;
		size_t to_page_end = (size_t)page - (cur & ((uint64_t)page - 1));
		size_t want = size - 1 - got;
		if (want > to_page_end)
			want = to_page_end;

		ssize_t n = read_chunk(tid, cur, buf + got, want);
		if (n <= 0) {
			buf[got] = '\0';
			return n < 0 ? n : -EFAULT;
		}
		char *nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		got += (size_t)n;
	}
	buf[size - 1] = '\0';
	return -ENAMETOOLONG;
}

int fl_tracee_write_mem(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = { .iov_base = (void *)buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n = process_vm_writev(tid, &local, 1, &remote, 1, 0);

	if (n == (ssize_t)len)
		return 0;
	/*
	 * Fallback: word by word, keeping the bytes around the range. Also for
	 * EFAULT: process_vm_writev() honours page protections, POKEDATA
	 * writes read-only pages (an iovec array in .data.rel.ro) as a
	 * debugger does.
	 */
	if (n < 0 && errno != ENOSYS && errno != EPERM && errno != EFAULT)
		return -errno;

	for (size_t done = 0; done < len;) {
		uint64_t word_addr = (addr + done) & ~(uint64_t)7;
		size_t skip = (addr + done) - word_addr;
		size_t take = sizeof(long) - skip;
		long word;

		if (take > len - done)
			take = len - done;
		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)word_addr, NULL);
		if (errno)
			return -errno;
		memcpy((char *)&word + skip, (const char *)buf + done, take);
		if (ptrace(PTRACE_POKEDATA, tid, (void *)(uintptr_t)word_addr, (void *)word) < 0)
			return -errno;
		done += take;
	}
	return 0;
}
