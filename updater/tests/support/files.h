/* SPDX-License-Identifier: MIT */
/*
 * files — the small file and command helpers the tests share. Like the rest
 * of support/, they abort on their own failures (a bug in the test, not a
 * result), except where a test wants to see the failure (tf_read(), tf_run()).
 */
#ifndef SF_TEST_FILES_H
#define SF_TEST_FILES_H

#include <stddef.h>
#include <stdint.h>

struct fit_bundle;
struct keyring;
struct sf_err;

/** tf_path() - "@dir/@name", in one of 8 buffers used in turn */
const char *tf_path(const char *dir, const char *name);

/** tf_read() - a whole file, followed by a NUL; NULL when it cannot be read */
uint8_t *tf_read(const char *path, size_t *len) __attribute__((warn_unused_result));

/** tf_write() - (re)write a whole file */
void tf_write(const char *path, const void *data, size_t len);

/** tf_run() - run a shell command; it is printed as a TAP comment when it fails; its exit status */
int tf_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * tf_verify_file() - verify a bundle file as `bundle verify` does (core/bundle.h:
 * header, signatures, every payload against its signed hash)
 * Return: 0 or the error of bundle_verify() (or of opening the file).
 */
int tf_verify_file(const char *path, const struct keyring *kr, struct fit_bundle *b, struct sf_err *err)
	__attribute__((warn_unused_result));

#endif /* SF_TEST_FILES_H */
