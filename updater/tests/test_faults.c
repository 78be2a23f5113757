// SPDX-License-Identifier: MIT
/*
 * Injected errors. Every slot call, every environment store and every SHA-256
 * call of an install (of a full bundle, and of a delta, whose source reads of
 * the active slot fail in turn too) fails in turn (EIO, ENOSPC, EINTR as a hard error, fsync
 * errors among them): the install must report failure, arm nothing and leave
 * the active slots and the committed state alone, and a clean install must then
 * succeed. The same for the boot-check's stores. Then the real file back-end
 * under a system-call layer that interrupts and shortens transfers: EINTR and
 * short reads and writes are retried, and the result is byte-identical.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/bootcheck.h"
#include "fit/keyring.h"
#include "support/simboard.h"
#include "tap.h"

static char tmp[64], bundle[128], delta_bundle[128], base_bundle[3][128];
static struct keyring *keys;
static unsigned long injected;

/* A board with every component on a committed baseline 1. */
static void prepare(struct simboard *b)
{
	struct sf_err err;
	struct bc_report rep;

	simboard_init(b, keys);
	if (sf_init(&b->ctx, NULL, 0, &err))
		abort();
	for (unsigned int c = 0; c < SIM_COMPS; c++)
		if (sim_install(b, base_bundle[c], &err) ||
		    bootcheck_run(&b->ctx, NULL, 0, "slotflip.kernel=b", NULL, &rep, &err))
			abort();
}

/*
 * After a failed install: nothing armed, every active slot still holds its
 * version, the committed state and floors unchanged, and the env is the old one
 * or the old one with the targets invalidated (store 1).
 */
static bool intact(struct simboard *b, const struct sf_session *before)
{
	struct sf_session now;
	struct sf_err err;

	if (sf_load(&b->ctx, &now, &err))
		return false;
	for (unsigned int i = 0; i < SIM_COMPS; i++) {
		const struct comp_state *c = &now.st.c[i], *o = &before->st.c[i];
		int target = slot_other(o->active);

		if (c->trial != SLOT_NONE || c->active != o->active || c->floor != o->floor ||
		    strcmp(c->slot[c->active].version, o->slot[o->active].version))
			return false;
		if (!sim_holds(fake_slots_find(&b->slots, b->sys.c[i].slot[c->active]), c->name,
			       c->slot[c->active].version))
			return false;
		if (c->slot[target].version[0] && strcmp(c->slot[target].version, o->slot[target].version))
			return false;
	}
	return true;
}

static void test_slot_faults(const char *path, const char *what)
{
	static const int errs[] = { -EIO, -ENOSPC, -EINTR, -EROFS };
	static struct simboard ref, b;
	struct sf_session before;
	struct sf_err err;
	unsigned int calls, bad = 0, runs = 0;

	prepare(&ref);
	ref.slots.calls = 0;
	if (sf_load(&ref.ctx, &before, &err))
		abort();
	is_int(sim_install(&ref, path, &err), 0, "reference install");
	calls = ref.slots.calls;
	for (unsigned int e = 0; e < sizeof(errs) / sizeof(errs[0]); e++)
		for (unsigned int k = 1; k <= calls; k++) {
			prepare(&b);
			b.slots.calls = 0;
			b.slots.fail_call = k;
			b.slots.fail_errno = errs[e];
			runs++;
			injected++;
			if (sim_install(&b, path, &err) == 0 || !intact(&b, &before)) {
				bad++;
				tap_diag("slot call %u failing with %s: %s", k, strerror(-errs[e]), err.msg);
			} else {
				b.slots.fail_call = 0;
				bad += sim_install(&b, path, &err) != 0;
			}
			simboard_free(&b);
		}
	ok(bad == 0, "%s: %u slot calls x 4 errors (%u runs): every install fails, arms nothing, keeps the active "
		     "slots; a clean install then succeeds", what, calls, runs);
	simboard_free(&b);
	simboard_free(&ref);
}

static void test_env_faults(void)
{
	static struct simboard b;
	struct sf_session before, now;
	struct bc_report rep;
	struct sf_err err;

	for (unsigned int k = 1; k <= 2; k++) {
		prepare(&b);
		if (sf_load(&b.ctx, &before, &err))
			abort();
		b.env.stores = 0;
		b.env.fail_store = k;
		injected++;
		is_int(sim_install(&b, bundle, &err), -SF_EIO, "env store %u of the install fails: I/O error", k);
		ok(intact(&b, &before), "  nothing armed, the committed state intact");
		simboard_free(&b);
	}

	for (unsigned int k = 1; k <= 2; k++) {
		prepare(&b);
		if (sim_install(&b, bundle, &err))
			abort();
		b.env.stores = 0;
		b.env.fail_store = k;
		injected++;
		is_int(bootcheck_run(&b.ctx, NULL, 0, "slotflip.kernel=a", NULL, &rep, &err), -SF_EIO,
		       "boot-check: env store %u (%s) fails: reported", k, k == 1 ? "spend a try" : "commit");
		b.env.fail_store = 0;
		if (sf_load(&b.ctx, &now, &err))
			abort();
		ok(now.st.c[0].trial != SLOT_NONE && now.st.c[0].active == SLOT_B,
		   "  the trial is still armed, the old slot still active");
		is_int(now.st.c[0].tries, k == 1 ? 3 : 2, "  with the tries as last stored");
		simboard_free(&b);
	}
}

/* SHA-256 calls that fail at call number @fail_at. */
static unsigned int hash_calls, hash_fail_at;

static int faulty(void)
{
	return ++hash_calls == hash_fail_at;
}

static int f_create(struct sha256 **out, enum sha256_engine e)
{
	return faulty() ? -ENOMEM : sha256_new(out, e);
}

static int f_update(struct sha256 *h, const void *data, size_t len)
{
	return faulty() ? -EIO : sha256_update(h, data, len);
}

static int f_final(struct sha256 *h, uint8_t digest[SHA256_LEN])
{
	return faulty() ? -EIO : sha256_final(h, digest);
}

static const struct sha256_ops faulty_hash = { f_create, f_update, f_final, sha256_free };

static void test_hash_faults(const char *path, const char *what)
{
	static struct simboard b;
	struct sf_session before;
	struct sf_err err;
	unsigned int calls, bad = 0;
	int ret;

	prepare(&b);
	b.ctx.hash = &faulty_hash;
	hash_calls = 0;
	hash_fail_at = 0;
	is_int(sim_install(&b, path, &err), 0, "%s through the SHA-256 seam", what);
	calls = hash_calls;
	simboard_free(&b);
	for (unsigned int k = 1; k <= calls; k++) {
		prepare(&b);
		b.ctx.hash = &faulty_hash;
		if (sf_load(&b.ctx, &before, &err))
			abort();
		hash_calls = 0;
		hash_fail_at = k;
		injected++;
		/* an engine failure names the hash and is an I/O (or, starting it, a resource) error, never a verdict on the bundle */
		ret = sim_install(&b, path, &err);
		if ((ret != -SF_EIO && ret != -SF_EFAIL) || !strstr(err.msg, "sha256") || !intact(&b, &before)) {
			bad++;
			tap_diag("hash call %u failing: %s", k, err.msg);
		}
		simboard_free(&b);
	}
	ok(calls > 3 && bad == 0,
	   "%s: each of %u SHA-256 calls fails in turn: install fails, names sha256, is not a verification failure, arms nothing",
	   what, calls);
}

/* ---- the real file back-end under interrupted and short system calls ---- */

static unsigned int sys_calls;
static int fsync_result;

static ssize_t flaky_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	sys_calls++;
	if (sys_calls % 3 == 1) {
		errno = EINTR;
		return -1;
	}
	return pwrite(fd, buf, len > 7 ? len / 3 : len, off);
}

static ssize_t flaky_pread(int fd, void *buf, size_t len, off_t off)
{
	sys_calls++;
	if (sys_calls % 3 == 1) {
		errno = EINTR;
		return -1;
	}
	return pread(fd, buf, len > 7 ? len / 2 + 1 : len, off);
}

static int flaky_fsync(int fd)
{
	sys_calls++;
	if (sys_calls % 2) {
		errno = EINTR;
		return -1;
	}
	if (fsync_result) {
		errno = fsync_result;
		return -1;
	}
	return fsync(fd);
}

static const struct slot_sys flaky = { flaky_pwrite, flaky_pread, flaky_fsync };

static ssize_t full_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	(void)fd, (void)buf, (void)len, (void)off;
	return 0;
}

static ssize_t eio_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	(void)fd, (void)buf, (void)len, (void)off;
	errno = EIO;
	return -1;
}

static void test_syscalls(void)
{
	static const struct slot_sys full = { full_pwrite, pread, fsync }, broken = { eio_pwrite, pread, fsync };
	static uint8_t in[200000], out[200000];
	char path[128];
	void *h;
	int fd;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	snprintf(path, sizeof(path), "%s/slot", tmp);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, sizeof(in)) < 0)
		abort();
	close(fd);

	is_int(slot_file_ops.open((void *)&flaky, path, SLOT_WRITE, &h), 0, "open through interrupting syscalls");
	is_int(slot_file_ops.write(h, in, sizeof(in), 0), 0, "write retried through EINTR and short writes");
	ok(sys_calls > 10, "  (%u system calls for one write)", sys_calls);
	is_int(slot_file_ops.sync(h), 0, "fsync retried through EINTR");
	fsync_result = EIO;
	is_int(slot_file_ops.sync(h), -EIO, "an fsync error is reported, not retried");
	fsync_result = 0;
	is_int(slot_file_ops.close(h), 0, "close");
	is_int(slot_file_ops.open((void *)&flaky, path, SLOT_READ, &h), 0, "open to read back");
	is_int(slot_file_ops.read(h, out, sizeof(out), 0), 0, "read retried through EINTR and short reads");
	ok(!memcmp(in, out, sizeof(in)), "  byte-identical");
	is_int(slot_file_ops.read(h, out, 16, sizeof(out) - 8), -ENODATA, "reading past the end: -ENODATA");
	is_int(slot_file_ops.close(h), 0, "close");

	is_int(slot_file_ops.open((void *)&full, path, SLOT_WRITE, &h), 0, "open a slot that takes no bytes");
	is_int(slot_file_ops.write(h, in, 4096, 0), -ENOSPC, "a write that makes no progress: -ENOSPC, not a loop");
	is_int(slot_file_ops.close(h), 0, "close");
	is_int(slot_file_ops.open((void *)&broken, path, SLOT_WRITE, &h), 0, "open a failing slot");
	is_int(slot_file_ops.write(h, in, 4096, 0), -EIO, "EIO is reported");
	is_int(slot_file_ops.close(h), 0, "close");
	injected += 4;
}

int main(void)
{
	struct sim_spec all[3] = { { "webkit", "1 (a)", 1, "1", NULL, NULL }, { "libcrypto", "2", 2, NULL, NULL, NULL },
				   { "kernel", "2", 2, NULL, NULL, NULL } };

	tap_tmpdir(tmp, "faults");
	keys = sim_setup(tmp);
	for (unsigned int c = 0; c < SIM_COMPS; c++) {
		struct sim_spec s = { sim_comps[c], "1", 1, NULL, NULL, NULL };

		snprintf(base_bundle[c], sizeof(base_bundle[c]), "%s/base-%u.fit", tmp, c);
		sim_bundle(tmp, base_bundle[c], &s, 1);
	}
	snprintf(bundle, sizeof(bundle), "%s/all.fit", tmp);
	sim_bundle(tmp, bundle, all, 3);
	{
		struct sim_spec d = { "webkit", "1 (a)", 1, "1", NULL, "1" };

		snprintf(delta_bundle, sizeof(delta_bundle), "%s/delta.fit", tmp);
		sim_bundle(tmp, delta_bundle, &d, 1);
	}

	test_slot_faults(bundle, "three images");
	test_slot_faults(delta_bundle, "a delta");
	test_env_faults();
	test_hash_faults(bundle, "three images");
	test_hash_faults(delta_bundle, "a delta");
	test_syscalls();
	tap_diag("faults injected: %lu", injected);
	keyring_free(keys);
	tap_rmtree(tmp);
	return tap_done();
}
