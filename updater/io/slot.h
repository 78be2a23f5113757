/* SPDX-License-Identifier: MIT */
/*
 * slot — the narrow interface through which slotflip touches slot storage.
 *
 * The install pipeline and the tests see slots only through struct slot_ops.
 * Back-ends: slot_file (regular files and block devices, the real thing) and
 * slot_mem (memory, for unit tests and the power-cut simulator).
 *
 * Images are written in place: a slot is never truncated, grown or created.
 */
#ifndef SF_SLOT_H
#define SF_SLOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum slot_mode {
	SLOT_READ,   /* read back what was written (bypassing caches where possible) */
	SLOT_WRITE,  /* write in place */
	SLOT_SOURCE, /* read an image that is read again soon (a delta's source: through the cache) */
};

/**
 * struct slot_ops - slot back-end
 * @size:  size in bytes of the slot at @path (regular file: its size; block
 *         device: the device's)
 * @open:  open @path; on success *@h is the handle for the calls below
 * @write: write all @len bytes at @off (retrying short writes and EINTR)
 * @read:  read exactly @len bytes at @off (retrying short reads and EINTR);
 *         -ENODATA when the slot ends first
 * @flush: optional (may be NULL): have the writes to [@off, @off + @len) reach
 *         the device and wait for them, so that a read through another handle
 *         that bypasses the cache sees them; not a durability barrier (only
 *         @sync is)
 * @sync:  make every write so far durable
 * @close: release the handle; reports a deferred write error
 *
 * Every call returns 0 or a negative errno. @buf given to read/write is aligned
 * to SLOT_IO_ALIGN and @off/@len are multiples of it, except for the final
 * chunk of an image.
 */
struct slot_ops {
	int (*size)(void *priv, const char *path, uint64_t *size);
	int (*open)(void *priv, const char *path, enum slot_mode mode, void **h);
	int (*write)(void *h, const void *buf, size_t len, uint64_t off);
	int (*read)(void *h, void *buf, size_t len, uint64_t off);
	int (*flush)(void *h, uint64_t off, uint64_t len);
	int (*sync)(void *h);
	int (*close)(void *h);
};

#define SLOT_IO_ALIGN 4096

/**
 * struct slot_sys - the system calls slot_file makes on an open slot. Pass one
 * as slot_file_ops' priv to replace them (tests inject EINTR, short transfers
 * and errors); NULL uses the real ones.
 */
struct slot_sys {
	ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t off);
	ssize_t (*pread)(int fd, void *buf, size_t len, off_t off);
	int (*fsync)(int fd);
};

/** slot_file_ops - regular files and block devices; priv: NULL or a struct slot_sys */
extern const struct slot_ops slot_file_ops;

#endif /* SF_SLOT_H */
