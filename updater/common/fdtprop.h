/* SPDX-License-Identifier: MIT */
/*
 * fdtprop — the property readers every device-tree reader of slotflip shares:
 * the bundle verifier, the key blobs and the system description. Each checks
 * the property's real length before its bytes are used; the callers turn the
 * negative errno into a message that names the file and node.
 */
#ifndef SF_FDTPROP_H
#define SF_FDTPROP_H

#include <stdint.h>

/** sf_be32() - the big-endian 32-bit value at @p (any alignment) */
uint32_t sf_be32(const void *p);

/**
 * sf_fdt_string() - a property that holds exactly one NUL-terminated string
 * @fdt:  a blob that passed fdt_check_full() (or fit_check_blob())
 * @node: node offset
 * @prop: property name
 * @out:  out: the string ("" is one), NULL on failure
 *
 * Return: 0; -ENOENT when the property is absent; -EINVAL when its value is
 * not one string (no NUL at its end, or a NUL before it).
 */
int sf_fdt_string(const void *fdt, int node, const char *prop, const char **out)
	__attribute__((warn_unused_result));

/**
 * sf_fdt_u32() - a property that holds one 32-bit cell
 * @fdt, @node, @prop: as sf_fdt_string()
 * @out:  out: the value
 * @len:  out, may be NULL: the property's length when it is present
 *
 * Return: 0; -ENOENT when absent; -EINVAL when it is not 4 bytes long.
 */
int sf_fdt_u32(const void *fdt, int node, const char *prop, uint32_t *out, int *len)
	__attribute__((warn_unused_result));

#endif /* SF_FDTPROP_H */
