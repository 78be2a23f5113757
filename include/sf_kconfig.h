/* SPDX-License-Identifier: MIT */
/*
 * IS_ENABLED(CONFIG_X): 1 when the Kconfig bool X is set, 0 otherwise, usable in
 * ordinary C expressions so that both branches are always compiled and checked.
 * The generated autoconf.h defines CONFIG_X to 1 for every enabled bool.
 */
#ifndef SF_KCONFIG_H
#define SF_KCONFIG_H

#define SF_PLACEHOLDER_1 0,
#define sf_take_second(ignored, val, ...) val
#define sf_is_defined3(arg1_or_junk) sf_take_second(arg1_or_junk 1, 0, 0)
#define sf_is_defined2(val) sf_is_defined3(SF_PLACEHOLDER_##val)
#define IS_ENABLED(option) sf_is_defined2(option)

/* Bytes per read/hash/write step of every loop that streams image data. */
#define SF_IO_CHUNK ((size_t)CONFIG_IO_CHUNK_KIB * 1024)

#endif /* SF_KCONFIG_H */
