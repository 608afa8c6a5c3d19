/* Names of unix sockets, from the kernel's sock_diag interface. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The name of the unix socket with inode @ino: the path it is bound to, or,
 * when it has none, the one its peer is bound to; abstract names as "@name".
 * Returns the length written to @buf, -ENOENT when neither has a name,
 * -EAFNOSUPPORT when @ino is no unix socket, or another -errno.
 */
ssize_t fl_unix_socket_name(uint64_t ino, char *buf, size_t size);
