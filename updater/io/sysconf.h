/* SPDX-License-Identifier: MIT */
/*
 * sysconf — the system description (DESIGN §4): a device tree blob, compiled with
 * dtc from a .dts in partitions/, read with libfdt. It names the board, the
 * environment configuration, the keyring, the health checks and every component
 * with its two slots. Relative paths in it are relative to the blob's folder.
 */
#ifndef SF_SYSCONF_H
#define SF_SYSCONF_H

#include <stdbool.h>

#include "common/sf_err.h"
#include "common/version.h"
#include "fit/keyring.h"

#define SYSCONF_PATH_MAX 256
#define SYSCONF_CMD_MAX 256
#define SYSCONF_MAX_SIZE 65536 /* largest system.dtb read (64 KiB) */
#define SYSCONF_DEFAULT_REBOOT "systemctl reboot"

/**
 * struct sysconf_comp - one component
 * @name:        node name under /components
 * @slot:        slot-a and slot-b paths
 * @mount_point: `mount-point`, "" when the component is not mounted
 * @fstype:      `fstype` for the mount
 * @reboot:      `activation = "reboot"` (U-Boot loads it); else "soft"
 * @stop_cmd:    `stop-command`, "" when none
 * @start_cmd:   `start-command`, "" when none
 */
struct sysconf_comp {
	char name[SF_COMPONENT_MAX];
	char slot[2][SYSCONF_PATH_MAX];
	char mount_point[SYSCONF_PATH_MAX];
	char fstype[32];
	bool reboot;
	char stop_cmd[SYSCONF_CMD_MAX];
	char start_cmd[SYSCONF_CMD_MAX];
};

/**
 * struct sysconf - the whole description
 * @path:              the blob it was read from
 * @board:             `slotflip,board`
 * @env_config:        `slotflip,env-config`, resolved
 * @keyring:           `slotflip,keyring`, resolved
 * @key_policy:        `slotflip,required-keys` (string list),
 *                     `slotflip,required-mode` ("all" or "any") and
 *                     `slotflip,revoked-keys` (string list), for
 *                     keyring_set_policy(), which checks the names against
 *                     the keyring
 * @health_dir:        `slotflip,health-dir`, resolved ("" when unset)
 * @max_tries:         `slotflip,max-tries` (1..9), default CONFIG_DEFAULT_MAX_TRIES
 * @health_timeout_ms: `slotflip,health-timeout-ms`, default CONFIG_HEALTH_DEFAULT_TIMEOUT_MS
 * @reboot_cmd:        `slotflip,reboot-command`, run through /bin/sh -c when
 *                     `activate --due` activates a reboot component; default
 *                     SYSCONF_DEFAULT_REBOOT
 * @n:                 components in @c, in node order
 * @names:             pointers to each component's name, for state_from_env()
 */
struct sysconf {
	char path[SYSCONF_PATH_MAX];
	char board[64];
	char env_config[SYSCONF_PATH_MAX];
	char keyring[SYSCONF_PATH_MAX];
	struct keyring_policy key_policy;
	char health_dir[SYSCONF_PATH_MAX];
	unsigned int max_tries;
	unsigned int health_timeout_ms;
	char reboot_cmd[SYSCONF_CMD_MAX];
	unsigned int n;
	struct sysconf_comp c[CONFIG_MAX_COMPONENTS];
	const char *names[CONFIG_MAX_COMPONENTS];
};

/**
 * sysconf_load() - read and check a system description
 * @sc:   out
 * @path: the .dtb file
 * @err:  failure reason
 *
 * Return: 0, or -SF_ECONFIG naming the file and the property at fault
 * ("system.dtb: /components/webkit: slot-b is missing", "... activation = 'x'
 * is neither 'soft' nor 'reboot'", "slotflip,required-mode = 'some' is neither
 * 'all' nor 'any'", "slotflip,revoked-keys is not a list of key names").
 */
int sysconf_load(struct sysconf *sc, const char *path, struct sf_err *err) __attribute__((warn_unused_result));

/** sysconf_find() - index of component @name, -1 when the board has none */
int sysconf_find(const struct sysconf *sc, const char *name);

/**
 * sysconf_select() - the components a command names, or all of them
 * @sc:    the system description
 * @names: component names from the command line
 * @n:     their count; 0 selects every component, in description order
 * @idx:   out: CONFIG_MAX_COMPONENTS entries, the selected indexes
 * @count: out: entries in @idx
 * @err:   failure reason
 *
 * Return: 0, or -SF_EUSAGE for an unknown component (SF_R_UNKNOWN_COMPONENT) or
 * one named twice (SF_R_USAGE).
 */
int sysconf_select(const struct sysconf *sc, const char *const names[], unsigned int n, int idx[],
		   unsigned int *count, struct sf_err *err) __attribute__((warn_unused_result));

#endif /* SF_SYSCONF_H */
