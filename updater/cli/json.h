/* SPDX-License-Identifier: MIT */
/*
 * json — the small JSON writer behind every `--json` of the command
 * (docs/agent.md). It writes as it goes (no tree in memory), puts the commas
 * itself and escapes every string, so that whatever a bundle or an
 * environment holds, the output is one valid JSON value.
 *
 *	struct json j;
 *	json_start(&j, f);
 *	json_obj(&j);
 *	json_key(&j, "ok"); json_bool(&j, true);
 *	json_key(&j, "slots"); json_arr(&j); json_str(&j, "a"); json_end(&j);
 *	json_end(&j);
 *
 * json_fragment() starts inside an object that already has members: the
 * command's own fields, which main() puts after the envelope's.
 */
#ifndef SF_JSON_H
#define SF_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH 16

/**
 * struct json - a writer
 * @f:     where it writes
 * @depth: open objects and arrays
 * @more:  per level: a member or element was written already
 * @array: per level: an array (else an object)
 * @keyed: a member's name was written: its value follows
 */
struct json {
	FILE *f;
	int depth;
	bool more[JSON_DEPTH];
	bool array[JSON_DEPTH];
	bool keyed;
};

/** json_start() - a writer of one value to @f */
void json_start(struct json *j, FILE *f);

/** json_fragment() - a writer of members of an object already open (and not empty) */
void json_fragment(struct json *j, FILE *f);

/** json_obj(), json_arr() - open an object or an array; json_end() closes the innermost */
void json_obj(struct json *j);
void json_arr(struct json *j);
void json_end(struct json *j);

/** json_key() - the next member's name (the value follows) */
void json_key(struct json *j, const char *key);

/** json_str() - a string, escaped; NULL writes null */
void json_str(struct json *j, const char *s);
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/** json_kstr(), json_kuint(), json_kbool() - a key and its value */
void json_kstr(struct json *j, const char *key, const char *s);
void json_kuint(struct json *j, const char *key, uint64_t v);
void json_kbool(struct json *j, const char *key, bool v);

/** json_escape() - @s as a JSON string (quoted, escaped) on @f */
void json_escape(FILE *f, const char *s);

#endif /* SF_JSON_H */
