/* SPDX-License-Identifier: MIT */
/*
 * env_config — the libubootenv configuration (fw_env.config) as slotflip checks
 * it before trusting the environment it describes.
 *
 * Format (one environment copy per line; '#' starts a comment):
 *     DEVICE  OFFSET  SIZE  [SECTOR_SIZE  [SECTORS]]
 * OFFSET and SIZE in decimal or 0x-hex. slotflip requires a redundant
 * environment — exactly two copies of the same size — because only then is a
 * store atomic.
 */
#ifndef SF_ENV_CONFIG_H
#define SF_ENV_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"

#define ENV_CONFIG_MAX_SIZE 4096
#define ENV_COPY_MAX_SIZE 1048576 /* 1 MiB */

struct env_dev {
	char path[256];
	uint64_t offset;
	size_t size;
};

struct env_config {
	unsigned int n;
	struct env_dev dev[2];
};

/**
 * env_config_parse() - parse the text of an fw_env.config
 * @text: the text, @len bytes (need not be NUL-terminated)
 * @out:  the copies
 * @name: the file's name, for messages
 * @err:  failure reason
 *
 * Return: 0; -SF_ECONFIG for a malformed line ("fw_env.config line 2: size 'x'
 * is not a number"), a single copy ("lists 1 environment copy; slotflip needs
 * two (a redundant environment) so that every store is atomic"), more than two,
 * or copies of different or impossible sizes.
 */
int env_config_parse(const char *text, size_t len, struct env_config *out, const char *name, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * env_config_check() - read an fw_env.config and check its devices exist and
 * hold both copies
 * Return: 0 or -SF_ECONFIG ("environment device /dev/x does not exist", "copy 2
 * (F at 0x4000, 0x4000 bytes) lies beyond the end of F (0x6000 bytes)").
 */
int env_config_check(const char *path, struct env_config *out, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * env_config_read_copy() - read copy @idx raw, at most its size
 * @buf: dev[idx].size bytes
 * @got: out: bytes read (fewer when the device ends early)
 * Return: 0 or -errno.
 */
int env_config_read_copy(const struct env_config *c, unsigned int idx, uint8_t *buf, size_t *got)
	__attribute__((warn_unused_result));

#endif /* SF_ENV_CONFIG_H */
