/* SPDX-License-Identifier: MIT */
/*
 * file — a small configuration file read whole, bounded before allocation
 * (a key, a key blob, the system description).
 */
#ifndef SF_FILE_H
#define SF_FILE_H

#include <stddef.h>

/**
 * sf_file_read() - read a regular file of 1 to @max bytes
 * @dirfd: folder @path is relative to (AT_FDCWD: the current one)
 * @path:  the file
 * @max:   largest size accepted
 * @buf:   out: its bytes followed by a NUL, malloc'd; free() it
 * @len:   out: its size (without the NUL)
 *
 * The file is opened once and its size taken from the open descriptor.
 *
 * Return: 0; -errno from open(), fstat() or read() (-EIO when it shrinks
 * while read); -EINVAL when it is not a regular file; -EFBIG when it is empty
 * or larger than @max; -ENOMEM.
 */
int sf_file_read(int dirfd, const char *path, size_t max, void **buf, size_t *len)
	__attribute__((warn_unused_result));

#endif /* SF_FILE_H */
