/*
 * fl-uring: opens a file through io_uring when it can, with plain syscalls
 * when it cannot, as liburing-based programs and runtimes do. For the
 * tests of what faultline cannot see (issue 16).
 *
 * Usage: fl-uring FILE
 * Prints one line:
 *   uring-openat[1] FILE: ok | err ENAME       the ring was used
 *   openat[1] FILE: ok | err ENAME             io_uring_setup failed (the
 *                                              fallback), after a line
 *   ring: unavailable ENAME
 * Raw syscalls and the kernel's own structures: no liburing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void outcome(const char *op, const char *file, long r)
{
	if (r >= 0)
		printf("%s[1] %s: ok\n", op, file);
	else
		printf("%s[1] %s: err %s\n", op, file, strerrorname_np((int)-r));
}

static long via_ring(int ring, const struct io_uring_params *p, const char *file)
{
	size_t sq_len = p->sq_off.array + p->sq_entries * sizeof(unsigned);
	size_t cq_len = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
	bool single = p->features & IORING_FEAT_SINGLE_MMAP;
	char *sq, *cq;
	struct io_uring_sqe *sqes;

	if (single && cq_len > sq_len)
		sq_len = cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -errno;
	cq = single ? sq : mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
				ring, IORING_OFF_CQ_RING);
	if (cq == MAP_FAILED)
		return -errno;
	sqes = mmap(NULL, p->sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sqes == MAP_FAILED)
		return -errno;

	unsigned *tail = (unsigned *)(sq + p->sq_off.tail);
	unsigned mask = *(unsigned *)(sq + p->sq_off.ring_mask);
	unsigned *array = (unsigned *)(sq + p->sq_off.array);
	unsigned idx = *tail & mask;
	struct io_uring_sqe *e = &sqes[idx];

	memset(e, 0, sizeof(*e));
	e->opcode = IORING_OP_OPENAT;
	e->fd = AT_FDCWD;
	e->addr = (uint64_t)(uintptr_t)file;
	e->open_flags = O_RDONLY;
	array[idx] = idx;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;

	unsigned *head = (unsigned *)(cq + p->cq_off.head);
	unsigned ctail = __atomic_load_n((unsigned *)(cq + p->cq_off.tail), __ATOMIC_ACQUIRE);
	unsigned cmask = *(unsigned *)(cq + p->cq_off.ring_mask);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p->cq_off.cqes);

	if (*head == ctail)
		return -EAGAIN;
	long res = cqes[*head & cmask].res;
	__atomic_store_n(head, *head + 1, __ATOMIC_RELEASE);
	return res;
}

int main(int argc, char **argv)
{
	struct io_uring_params p;
	int ring;

	if (argc != 2) {
		fprintf(stderr, "usage: fl-uring FILE\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&p, 0, sizeof(p));
	ring = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0) {
		printf("ring: unavailable %s\n", strerrorname_np(errno));
		long r = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY);
		outcome("openat", argv[1], r < 0 ? -errno : r);
		return 0;
	}
	outcome("uring-openat", argv[1], via_ring(ring, &p, argv[1]));
	return 0;
}
