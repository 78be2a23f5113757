// SPDX-License-Identifier: MIT
/*
 * The environment as slotflip reads it: fw_env.config text (env_config_parse())
 * and the redundant on-storage format (env_choose(), env_walk()), then the
 * sf_* variables found (state_from_env()).
 *
 * Input: byte 0 selects; the rest is both the configuration text and two
 * copies of equal size (the first and the second half). With bit 0 set the
 * harness writes valid CRCs into both copies first, so that the walk over the
 * variables is reached without the fuzzer having to find CRC-32 collisions.
 *
 * Properties: a parsed configuration has two copies of one valid size; a short
 * copy makes the environment unreadable; a chosen copy is valid, and rebuilding
 * it from its own data gives the same bytes; every walked name is a name; a
 * state read from the variables survives the environment round trip.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/kv.h"
#include "fuzz.h"
#include "io/env_config.h"
#include "io/env_image.h"
#include "plan/state.h"

static const char *const names[] = { "webkit", "libcrypto", "kernel" };

static int collect(void *priv, const char *name, const char *value)
{
	struct kv *env = priv;

	fuzz_check(name[0] != '\0' && !strchr(name, '='), "a name without '='");
	/* invalid names and values are not set; the state parser then sees them absent */
	if (kv_set(env, name, value))
		return 0;
	return 0;
}

static void fix_crc(uint8_t *copy, size_t size)
{
	uint8_t *tmp = malloc(size);

	fuzz_check(tmp != NULL, "memory");
	fuzz_check(!env_make_copy(tmp, size, copy[4], copy + ENV_HDR_REDUND, size - ENV_HDR_REDUND), "make copy");
	memcpy(copy, tmp, 4);
	free(tmp);
}

static void copies(uint8_t *c0, uint8_t *c1, size_t s, int fix)
{
	static struct kv env;
	static struct sys_state st, back;
	struct sf_err err;
	uint8_t *chosen, *again;
	int i;

	if (fix) {
		fix_crc(c0, s);
		fix_crc(c1, s);
	}
	i = env_choose(c0, s, c1, s, s);
	fuzz_check(i == 0 || i == 1 || i == -ENODATA, "env_choose result");
	if (i < 0)
		return;
	chosen = i ? c1 : c0;
	fuzz_check(env_copy_valid(chosen, s, s), "the chosen copy is valid");
	again = malloc(s);
	fuzz_check(again != NULL, "memory");
	fuzz_check(!env_make_copy(again, s, chosen[4], chosen + ENV_HDR_REDUND, s - ENV_HDR_REDUND),
		   "rebuild the copy");
	fuzz_check(env_copy_valid(again, s, s) && !memcmp(again, chosen, s), "a rebuilt copy is the same copy");
	free(again);
	kv_clear(&env);
	if (env_walk(chosen, s, collect, &env))
		return;
	if (state_from_env(&st, &env, names, 3, &err))
		return;
	fuzz_deep++;
	kv_clear(&env);
	fuzz_check(!state_to_env(&st, &env, &err), "state_to_env");
	fuzz_check(!state_from_env(&back, &env, names, 3, &err), "the state reads back");
	for (unsigned int k = 0; k < 3; k++)
		fuzz_check(st.c[k].active == back.c[k].active && st.c[k].floor == back.c[k].floor &&
				   st.c[k].trial == back.c[k].trial,
			   "the state survives the environment");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct env_config cfg;
	struct sf_err err;
	uint8_t *c0, *c1;
	size_t s;

	if (size < 1)
		return 0;
	if (!env_config_parse((const char *)data + 1, size - 1, &cfg, "fuzz", &err))
		fuzz_check(cfg.n == 2 && cfg.dev[0].size == cfg.dev[1].size && cfg.dev[0].size > ENV_HDR_REDUND &&
				   cfg.dev[0].size <= ENV_COPY_MAX_SIZE,
			   "a parsed configuration has two copies of one valid size");
	s = (size - 1) / 2;
	if (s <= ENV_HDR_REDUND)
		return 0;
	/* exact copies: the sanitizer sees each copy's end */
	c0 = malloc(s);
	c1 = malloc(s);
	fuzz_check(c0 && c1, "memory");
	memcpy(c0, data + 1, s);
	memcpy(c1, data + 1 + s, s);
	fuzz_check(env_choose(c0, s - 1, c1, s, s) == -EIO, "a short copy makes the environment unreadable");
	copies(c0, c1, s, data[0] & 1);
	free(c1);
	free(c0);
	return 0;
}
