/* SPDX-License-Identifier: MIT */
/*
 * lock — one slotflip changing state at a time.
 *
 * An exclusive flock(2) on a lock file serialises every command that writes a
 * slot or the environment. The kernel drops the lock when its holder exits, even
 * when killed, so a stale lock never blocks: there is nothing to clean up.
 */
#ifndef SF_LOCK_H
#define SF_LOCK_H

#include "common/sf_err.h"

/**
 * lock_take() - take the lock, waiting at most @wait_ms for another holder
 * @path:    the lock file (created when missing)
 * @wait_ms: 0 to refuse at once when it is held
 * @fd:      out: the descriptor holding the lock; close it to release
 * @err:     failure reason
 *
 * Return: 0; -SF_EBUSY when another process holds it ("another slotflip (pid N)
 * is changing the system"); -SF_EIO when the file cannot be opened.
 */
int lock_take(const char *path, unsigned int wait_ms, int *fd, struct sf_err *err)
	__attribute__((warn_unused_result));

#endif /* SF_LOCK_H */
