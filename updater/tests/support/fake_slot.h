/* SPDX-License-Identifier: MIT */
/*
 * fake_slot — slots in memory behind struct slot_ops, with a storage model for
 * the power-cut simulator: writes land in a volatile copy that reads see at
 * once; sync makes them durable; a power cycle either keeps (cut before, after,
 * torn) or drops (cut "lost") what was not synced. Faults can be injected into
 * any call. With @cache set, writes first sit in a cache that reads bypass
 * (O_DIRECT on a block device): only flush or sync lets a read see them.
 */
#ifndef SF_FAKE_SLOT_H
#define SF_FAKE_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/slot.h"
#include "power.h"

#define FAKE_SLOTS_MAX 16

struct fake_dev {
	char path[64];
	size_t size;
	uint8_t *durable;  /* what survives a power cut */
	uint8_t *volatile_; /* what reads see now */
	uint8_t *cached;    /* volatile_ plus writes not yet flushed (only differs with @cache) */
};

/**
 * struct fake_slots
 * @dev:        the devices
 * @n:          devices in use
 * @power:      the power switch, may be NULL
 * @calls:      slot_ops calls so far (every kind)
 * @fail_call:  when non-zero, call number @fail_call fails with @fail_errno
 *              (-EINTR and short transfers are the back-end's to retry and
 *              are not injected here)
 * @fail_errno: a negative errno
 * @fail_kind:  when set ('w' write, 'r' read, 'f' flush), call number
 *              @fail_nth of that kind fails with @fail_errno (each kind comes
 *              from one thread of the stream pipeline, so, unlike @fail_call,
 *              which call that is does not depend on thread timing)
 * @fail_nth:   see @fail_kind
 * @kind_calls: calls so far of each kind: write, read, flush
 * @writes:     write calls that changed something
 * @reads:      read calls so far
 * @corrupt_read: when non-zero, read call number @corrupt_read returns its
 *              data with one bit flipped (a device that lies)
 * @cache:      writes reach the device (volatile_) only when flushed or
 *              synced; reads see the device (not used with @power)
 */
struct fake_slots {
	struct fake_dev dev[FAKE_SLOTS_MAX];
	unsigned int n;
	struct power *power;
	unsigned int calls;
	unsigned int fail_call;
	int fail_errno;
	char fail_kind;
	unsigned int fail_nth;
	unsigned int kind_calls[3];
	unsigned int writes;
	unsigned int reads;
	unsigned int corrupt_read;
	bool cache;
};

/** fake_slots_add() - a zeroed device of @size bytes at @path */
void fake_slots_add(struct fake_slots *fs, const char *path, size_t size);

/** fake_slots_find() - the device at @path, NULL when there is none */
struct fake_dev *fake_slots_find(struct fake_slots *fs, const char *path);

/**
 * fake_slots_power_cycle() - the power comes back: unsynced data survives unless
 * @lost; reads then see the durable contents
 */
void fake_slots_power_cycle(struct fake_slots *fs, int lost);

/** fake_slots_copy() - make @dst an independent copy of @src (same devices) */
void fake_slots_copy(struct fake_slots *dst, const struct fake_slots *src);

/** fake_slots_free() - release the devices */
void fake_slots_free(struct fake_slots *fs);

extern const struct slot_ops fake_slot_ops;

#endif /* SF_FAKE_SLOT_H */
