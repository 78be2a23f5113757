// SPDX-License-Identifier: MIT
#include "cli/json.h"

#include <inttypes.h>

void json_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void json_start(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->more[0] = false;
	j->keyed = false;
}

void json_fragment(struct json *j, FILE *f)
{
	json_start(j, f);
	j->depth = 1;
	j->more[1] = true;
	j->array[1] = false;
}

/* A value begins: the comma between array elements (a member's came with its name). */
static void value(struct json *j)
{
	if (!j->keyed && j->depth > 0 && j->more[j->depth])
		fputs(", ", j->f);
	j->more[j->depth] = true;
	j->keyed = false;
}

static void open_level(struct json *j, bool array)
{
	value(j);
	fputc(array ? '[' : '{', j->f);
	if (j->depth < JSON_DEPTH - 1)
		j->depth++;
	j->more[j->depth] = false;
	j->array[j->depth] = array;
}

void json_obj(struct json *j)
{
	open_level(j, false);
}

void json_arr(struct json *j)
{
	open_level(j, true);
}

void json_end(struct json *j)
{
	fputc(j->array[j->depth] ? ']' : '}', j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_key(struct json *j, const char *key)
{
	if (j->more[j->depth])
		fputs(", ", j->f);
	j->more[j->depth] = true;
	json_escape(j->f, key);
	fputs(": ", j->f);
	j->keyed = true;
}

void json_str(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	value(j);
	json_escape(j->f, s);
}

void json_uint(struct json *j, uint64_t v)
{
	value(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_int(struct json *j, int64_t v)
{
	value(j);
	fprintf(j->f, "%" PRId64, v);
}

void json_bool(struct json *j, bool v)
{
	value(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	value(j);
	fputs("null", j->f);
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kuint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
