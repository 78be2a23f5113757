/* SPDX-License-Identifier: MIT */
/*
 * text — the text slotflip takes from a bundle, and how it shows text it does
 * not trust.
 *
 * Versions and board strings travel through the U-Boot environment (where
 * `env import`/`env export` drop backslashes and `=` ends a name), U-Boot's
 * boot script, JSON and a terminal: only printable ASCII without `\` and `=`
 * survives all of them unchanged, so that is all a bundle may carry
 * (sf_text_valid()). Anything else a message or `bundle info` shows from a
 * bundle, verified or not, goes through sf_text_sanitize() first: one line,
 * printable, so no terminal escape and no forged second line.
 */
#ifndef SF_TEXT_H
#define SF_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/**
 * sf_text_valid() - whether @len bytes at @s are metadata text
 * @s:   the text (need not be NUL-terminated)
 * @len: its length
 *
 * Return: true for 1 or more characters of printable ASCII (0x20-0x7e) other
 * than '\' and '='; quotes and angle brackets are allowed.
 */
bool sf_text_valid(const char *s, size_t len);

/**
 * sf_text_sanitize() - a copy of untrusted text that is safe in a message
 * @dst:      receives at most @dst_size - 1 characters and a NUL
 * @dst_size: room in @dst (at least 1)
 * @src:      the text
 * @len:      bytes of @src to copy at most; a NUL ends it earlier
 *
 * Return: @dst, with every byte outside printable ASCII (0x20-0x7e) replaced
 * by '?'.
 */
const char *sf_text_sanitize(char *dst, size_t dst_size, const char *src, size_t len);

#endif /* SF_TEXT_H */
