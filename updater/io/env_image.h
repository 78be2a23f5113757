/* SPDX-License-Identifier: MIT */
/*
 * env_image — the on-storage format of a redundant U-Boot environment, read
 * without libubootenv: to tell a factory-fresh (blank) environment from a
 * misconfigured or damaged one, and to check that slotflip, libubootenv and the
 * boot script agree on which copy is current.
 *
 * A redundant copy of size S is: CRC-32 (little endian, of the S-5 data bytes),
 * one flags byte, then the data: "name=value" strings, each NUL-terminated,
 * ended by an empty string. The current copy is the one whose CRC holds; when
 * both hold, the one with the larger flags byte, except that 0 follows 255
 * (the counter wrapped); equal flags choose copy 1 (index 0).
 *
 * Every function here is pure: bytes in, verdict out.
 */
#ifndef SF_ENV_IMAGE_H
#define SF_ENV_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENV_HDR_REDUND 5 /* crc + flags */

/**
 * env_copy_valid() - does a copy's CRC hold?
 * @copy: the copy's bytes
 * @len:  bytes available (a short read gives fewer than @size)
 * @size: the configured copy size (more than ENV_HDR_REDUND)
 * Return: true only when @len >= @size and the CRC matches.
 */
bool env_copy_valid(const uint8_t *copy, size_t len, size_t size);

/** env_copy_blank() - @len bytes all 0x00 or all 0xff (never written) */
bool env_copy_blank(const uint8_t *copy, size_t len);

/**
 * env_choose() - which copy is current
 * @c0, @len0: copy 1 and the bytes read of it
 * @c1, @len1: copy 2
 * @size:      configured copy size
 * Return: 0 or 1; -ENODATA when neither copy is valid; -EIO when a copy could
 * not be read whole (@len0 or @len1 below @size): like libubootenv, a short
 * copy makes the whole environment unreadable, whatever the other holds.
 */
int env_choose(const uint8_t *c0, size_t len0, const uint8_t *c1, size_t len1, size_t size);

/**
 * env_image_state() - what two copies hold, as enum env_state (io/env.h)
 * @c0, @len0, @c1, @len1, @size: as env_choose()
 * Return: ENV_VALID when env_choose() finds a current copy; ENV_BLANK when
 * both copies were read whole and are blank; ENV_TORN when one was read whole
 * and is blank and the other is not valid; ENV_DAMAGED otherwise (a copy that
 * could not be read whole is never blank).
 */
int env_image_state(const uint8_t *c0, size_t len0, const uint8_t *c1, size_t len1, size_t size);

/**
 * env_walk() - call @fn for each "name=value" of a valid copy's data
 * @copy: a copy that env_copy_valid() accepted
 * @size: its size
 * @fn:   called with the name and value (both NUL-terminated inside @copy's
 *        data, name without the '='); a non-zero return stops the walk and is
 *        returned
 * @priv: passed to @fn
 * Return: 0, @fn's non-zero value, or -EINVAL when the data is not terminated
 * by an empty string within @size or an entry has no '=' or no name ("=x").
 */
int env_walk(const uint8_t *copy, size_t size, int (*fn)(void *priv, const char *name, const char *value),
	     void *priv);

/**
 * env_make_copy() - build a redundant copy (for tests and tools)
 * @out:   @size bytes
 * @size:  copy size
 * @flags: the flags byte
 * @data:  "name=value\0...\0\0" bytes
 * @len:   bytes of @data, at most @size - ENV_HDR_REDUND
 * Return: 0 or -ENOSPC.
 */
int env_make_copy(uint8_t *out, size_t size, uint8_t flags, const void *data, size_t len);

#endif /* SF_ENV_IMAGE_H */
