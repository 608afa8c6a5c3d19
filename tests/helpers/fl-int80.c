/*
 * Makes getpid through the i386 ABI (int $0x80, eax = 20) from a 64-bit
 * process. On x86_64, 20 is writev: a rule must match the call by the ABI
 * it was made in, never by its bare number. Prints "int80 getpid: N" (the
 * raw result) and "native getpid: N".
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	printf("int80 getpid: %ld\n", r);
	printf("native getpid: %d\n", getpid());
	return 0;
}
