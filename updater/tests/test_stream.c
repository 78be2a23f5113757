// SPDX-License-Identifier: MIT
/*
 * core/stream.c: the read/hash/write/verify pipeline on fake slots: every image
 * size around the chunk boundaries lands byte-exact with the right digest, also
 * where the read-back bypasses the cache (so each chunk must be flushed before
 * it is read back); a device that returns other bytes than written, a failing write or flush, and
 * a stream that ends early are each reported and named.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/stream.h"
#include "support/fake_slot.h"
#include "tap.h"

#define CHUNK 8192
#define SLOT (64 * 1024)

static char dir[64];
static uint8_t data[SLOT];

/* Copy @size bytes of @data through the pipeline into a fresh fake slot. */
static int copy(struct fake_slots *fs, uint64_t size, uint64_t file_size, uint8_t digest[32], struct sf_err *err)
{
	struct stream_job job = { .size = size, .chunk = CHUNK, .ops = &fake_slot_ops,
				  .hops = &sha256_default_ops, .what = "slot b of test (/dev/x)" };
	char path[96];
	struct src src;
	int ret, fd;

	snprintf(path, sizeof(path), "%s/in", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || write(fd, data, file_size) != (ssize_t)file_size)
		abort();
	close(fd);
	if (src_open(&src, path, err) || sha256_new(&job.hash, SHA256_ENGINE_AUTO))
		abort();
	job.src = &src;
	if (fake_slot_ops.open(fs, "/dev/x", SLOT_WRITE, &job.wh) || fake_slot_ops.open(fs, "/dev/x", SLOT_READ, &job.rh))
		abort();
	ret = stream_copy(&job, digest, err);
	if (fake_slot_ops.close(job.wh) || fake_slot_ops.close(job.rh))
		abort();
	sha256_free(job.hash);
	src_close(&src);
	return ret;
}

int main(void)
{
	static const uint64_t sizes[] = { 1, 4095, 4096, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 77, SLOT };
	struct fake_slots fs = { 0 };
	uint8_t digest[32], want[32];
	struct sf_err err;
	unsigned int good = 0;

	tap_tmpdir(dir, "stream");
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 131 + (i >> 9));
	fake_slots_add(&fs, "/dev/x", SLOT);

	/* then again on a device whose reads bypass the cache: each chunk is flushed before it is read back */
	for (int cache = 0; cache <= 1; cache++) {
		good = 0;
		fs.cache = cache;
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			memset(fs.dev[0].volatile_, 0xee, SLOT);
			memset(fs.dev[0].cached, 0xee, SLOT);
			if (copy(&fs, sizes[k], sizes[k], digest, &err) == 0 && !sha256_buf(data, sizes[k], want) &&
			    !memcmp(digest, want, 32) && !memcmp(fs.dev[0].volatile_, data, sizes[k]) &&
			    (sizes[k] == SLOT || fs.dev[0].volatile_[sizes[k]] == 0xee))
				good++;
			else
				tap_diag("size %llu: %s", (unsigned long long)sizes[k], err.msg);
		}
		is_int(good, sizeof(sizes) / sizeof(sizes[0]), "every size lands byte-exact, with its digest, nothing beyond%s",
		       cache ? " (reads bypassing the cache)" : "");
	}
	fs.cache = false;

	fs.reads = 0;
	fs.corrupt_read = 3;
	is_int(copy(&fs, 5 * CHUNK, 5 * CHUNK, digest, &err), -SF_EIO, "a device returning other bytes: I/O error");
	is_str(err.msg, "slot b of test (/dev/x) does not read back what was written (chunk at byte 16384)",
	       "  names the slot and the chunk");
	fs.corrupt_read = 0;

	fs.calls = 0;
	fs.fail_call = 4;
	fs.fail_errno = -ENOSPC;
	is_int(copy(&fs, 5 * CHUNK, 5 * CHUNK, digest, &err), -SF_EIO, "a failing slot call: I/O error");
	ok(strstr(err.msg, "slot b of test (/dev/x)") && strstr(err.msg, "No space left"), "  says which: %s",
	   err.msg);
	fs.fail_call = 0;

	/* each kind of call failing, named as what it is (the pipeline goes on with nothing it failed) */
	{
		static const struct {
			char kind;
			const char *want;
		} kinds[] = {
			{ 'w', "cannot write slot b of test (/dev/x) at byte 16384: No space left on device" },
			{ 'f', "cannot read back slot b of test (/dev/x) at byte 16384: No space left on device" },
			{ 'r', "cannot read back slot b of test (/dev/x) at byte 16384: No space left on device" },
		};

		for (unsigned int k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			memset(fs.kind_calls, 0, sizeof(fs.kind_calls));
			fs.fail_kind = kinds[k].kind;
			fs.fail_nth = 3;
			is_int(copy(&fs, 5 * CHUNK, 5 * CHUNK, digest, &err), -SF_EIO, "the third %s fails: I/O error",
			       kinds[k].kind == 'w' ? "write" : kinds[k].kind == 'f' ? "flush" : "read");
			is_str(err.msg, kinds[k].want, "  named");
		}
		fs.fail_kind = 0;
	}

	is_int(copy(&fs, 5 * CHUNK, 3 * CHUNK + 5, digest, &err), -SF_EINPUT, "a stream that ends early: retry");
	is_int(err.reason, SF_R_INPUT_TRUNCATED, "  input-truncated");
	ok(strstr(err.msg, "truncated at byte 24581") != NULL, "  says where: %s", err.msg);

	ok(stream_sum(data, 100) != stream_sum(data + 1, 100), "the checksum depends on the bytes");
	ok(stream_sum(data, 100) != stream_sum(data, 101), "and on the length");
	fake_slots_free(&fs);
	tap_rmtree(dir);
	return tap_done();
}
