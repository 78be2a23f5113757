/* SPDX-License-Identifier: MIT */
/*
 * src — the bundle as a forward-only byte stream.
 *
 * A bundle is opened once (a file, or standard input for "-") and read strictly
 * forward: the header, then each image's data in file order. Nothing is ever
 * reopened by path or read twice, so what is verified and what is written come
 * from the same bytes (the pipeline hashes what it writes). The size is known
 * for regular files (fstat of the open descriptor) and unknown for pipes and
 * sockets; anything else (a folder, a device, a terminal) is no bundle.
 *
 * The failures name what an agent should do (docs/exit-codes.md): the input
 * ended early or could not be read, retry (SF_EINPUT: SF_R_INPUT_TRUNCATED,
 * SF_R_INPUT_UNREADABLE); the bundle is missing or not a file or pipe, fix
 * the path (SF_ENOINPUT: SF_R_INPUT_NOT_FOUND, SF_R_INPUT_NOT_FILE);
 * permission denied (SF_EPERM: SF_R_PERMISSION).
 */
#ifndef SF_SRC_H
#define SF_SRC_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "common/sf_err.h"

#define SRC_SIZE_UNKNOWN UINT64_MAX

/**
 * struct src - an open bundle stream
 * @fd:    the descriptor
 * @pos:   bytes consumed so far
 * @size:  total size, or SRC_SIZE_UNKNOWN
 * @owned: close @fd in src_close()
 * @name:  for messages ("standard input" or the path)
 * @stop:  may be NULL; a read interrupted by a signal while it points at a
 *         non-zero value fails with SF_R_INTERRUPTED instead of going on
 */
struct src {
	int fd;
	uint64_t pos;
	uint64_t size;
	int owned;
	char name[256];
	const volatile sig_atomic_t *stop;
};

/**
 * src_open() - open a bundle
 * @s:    out
 * @path: a file, or "-" for standard input
 * @err:  failure reason
 * Return: 0; -SF_ENOINPUT with SF_R_INPUT_NOT_FOUND (no such file or folder
 * on the path) or SF_R_INPUT_NOT_FILE (a folder, a device, a terminal);
 * -SF_EPERM with SF_R_PERMISSION; -SF_EINPUT with SF_R_INPUT_UNREADABLE (any
 * other error of open() or fstat()).
 */
int src_open(struct src *s, const char *path, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * src_open_fd() - use an already open descriptor (not closed by src_close())
 * Return: 0, or the errors of src_open() but SF_R_INPUT_NOT_FOUND.
 */
int src_open_fd(struct src *s, int fd, const char *name, struct sf_err *err)
	__attribute__((warn_unused_result));

/** src_close() - close the stream */
void src_close(struct src *s);

/**
 * src_read() - read exactly @len bytes
 * Return: 0; -SF_EINPUT with SF_R_INPUT_TRUNCATED when the stream ends early
 * ("bundle is truncated at byte N (NAME)") or SF_R_INPUT_UNREADABLE on a read
 * error; -SF_EINTR with SF_R_INTERRUPTED when a signal interrupts it while
 * @stop is set (struct src).
 */
int src_read(struct src *s, void *buf, size_t len, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * src_skip_to() - move forward to absolute offset @off (reading and discarding
 * on a pipe)
 * Return: 0; -SF_EVERIFY with SF_R_LAYOUT when @off lies behind the current
 * position (a verified layout never asks that); -SF_EINPUT with
 * SF_R_INPUT_TRUNCATED when @off lies past the end of a file, or the errors
 * of src_read().
 */
int src_skip_to(struct src *s, uint64_t off, struct sf_err *err) __attribute__((warn_unused_result));

#endif /* SF_SRC_H */
