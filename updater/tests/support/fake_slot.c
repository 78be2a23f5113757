// SPDX-License-Identifier: MIT
#include "fake_slot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct handle {
	struct fake_slots *fs;
	struct fake_dev *dev;
};

void fake_slots_add(struct fake_slots *fs, const char *path, size_t size)
{
	struct fake_dev *d = &fs->dev[fs->n++];

	strncpy(d->path, path, sizeof(d->path) - 1);
	d->size = size;
	d->durable = calloc(1, size);
	d->volatile_ = calloc(1, size);
	d->cached = calloc(1, size);
	if (!d->durable || !d->volatile_ || !d->cached)
		abort();
}

struct fake_dev *fake_slots_find(struct fake_slots *fs, const char *path)
{
	for (unsigned int i = 0; i < fs->n; i++)
		if (!strcmp(fs->dev[i].path, path))
			return &fs->dev[i];
	return NULL;
}

void fake_slots_power_cycle(struct fake_slots *fs, int lost)
{
	for (unsigned int i = 0; i < fs->n; i++) {
		struct fake_dev *d = &fs->dev[i];

		if (lost)
			memcpy(d->volatile_, d->durable, d->size);
		else
			memcpy(d->durable, d->volatile_, d->size);
		memcpy(d->cached, d->volatile_, d->size);
	}
}

void fake_slots_copy(struct fake_slots *dst, const struct fake_slots *src)
{
	for (unsigned int i = 0; i < src->n; i++) {
		memcpy(dst->dev[i].durable, src->dev[i].durable, src->dev[i].size);
		memcpy(dst->dev[i].volatile_, src->dev[i].volatile_, src->dev[i].size);
		memcpy(dst->dev[i].cached, src->dev[i].cached, src->dev[i].size);
	}
}

void fake_slots_free(struct fake_slots *fs)
{
	for (unsigned int i = 0; i < fs->n; i++) {
		free(fs->dev[i].durable);
		free(fs->dev[i].volatile_);
		free(fs->dev[i].cached);
	}
	fs->n = 0;
}

/* Count a call of @kind; the injected fault, or 0. */
static int fault(struct fake_slots *fs, char kind)
{
	static const char kinds[] = "wrf";
	const char *k = kind ? strchr(kinds, kind) : NULL;
	unsigned int nth = k ? ++fs->kind_calls[k - kinds] : 0;

	fs->calls++;
	if (fs->fail_kind && kind == fs->fail_kind && nth == fs->fail_nth)
		return fs->fail_errno;
	return fs->fail_call && fs->calls == fs->fail_call ? fs->fail_errno : 0;
}

static int fake_size(void *priv, const char *path, uint64_t *size)
{
	struct fake_slots *fs = priv;
	struct fake_dev *d;
	int ret = fault(fs, 'z');

	if (ret)
		return ret;
	d = fake_slots_find(fs, path);
	if (!d)
		return -ENOENT;
	*size = d->size;
	return 0;
}

static int fake_open(void *priv, const char *path, enum slot_mode mode, void **h)
{
	struct fake_slots *fs = priv;
	struct handle *hd;
	int ret = fault(fs, 'o');

	(void)mode;
	if (ret)
		return ret;
	hd = calloc(1, sizeof(*hd));
	if (!hd)
		return -ENOMEM;
	hd->fs = fs;
	hd->dev = fake_slots_find(fs, path);
	if (!hd->dev) {
		free(hd);
		return -ENOENT;
	}
	*h = hd;
	return 0;
}

static int fake_write(void *h, const void *buf, size_t len, uint64_t off)
{
	struct handle *hd = h;
	struct fake_dev *d = hd->dev;
	int ret = fault(hd->fs, 'w');

	if (ret)
		return ret;
	/* off > size or len > size - off: past the end of the device */
	if (off > d->size || len > d->size - off)
		return -ENOSPC;
	switch (hd->fs->power ? power_op(hd->fs->power, 'w') : POWER_DO) {
	case POWER_DEAD:
		return -EIO;
	case POWER_TEAR_AND_DIE:
		memcpy(d->volatile_ + off, buf, len / 2);
		memcpy(d->cached + off, buf, len / 2);
		return -EIO;
	case POWER_DO_AND_DIE:
		memcpy(d->volatile_ + off, buf, len);
		memcpy(d->cached + off, buf, len);
		hd->fs->writes++;
		return -EIO;
	case POWER_DO:
		break;
	}
	memcpy(d->cached + off, buf, len);
	if (!hd->fs->cache)
		memcpy(d->volatile_ + off, buf, len);
	hd->fs->writes++;
	return 0;
}

static int fake_read(void *h, void *buf, size_t len, uint64_t off)
{
	struct handle *hd = h;
	struct fake_dev *d = hd->dev;
	int ret = fault(hd->fs, 'r');

	if (ret)
		return ret;
	if (hd->fs->power && hd->fs->power->off)
		return -EIO;
	if (off > d->size || len > d->size - off)
		return -ENODATA;
	memcpy(buf, d->volatile_ + off, len);
	if (++hd->fs->reads == hd->fs->corrupt_read && len)
		((uint8_t *)buf)[len / 2] ^= 0x10;
	return 0;
}

/* Reaching the device is not durability in this model: only sync is. */
static int fake_flush(void *h, uint64_t off, uint64_t len)
{
	struct handle *hd = h;
	struct fake_dev *d = hd->dev;
	int ret = fault(hd->fs, 'f');

	if (ret)
		return ret;
	if (off > d->size || len > d->size - off)
		return -EINVAL;
	memcpy(d->volatile_ + off, d->cached + off, len);
	return 0;
}

static int fake_sync(void *h)
{
	struct handle *hd = h;
	struct fake_dev *d = hd->dev;
	int ret = fault(hd->fs, 's');

	if (ret)
		return ret;
	switch (hd->fs->power ? power_op(hd->fs->power, 's') : POWER_DO) {
	case POWER_DEAD:
	case POWER_TEAR_AND_DIE:
		return -EIO;
	case POWER_DO_AND_DIE:
		memcpy(d->durable, d->volatile_, d->size);
		return -EIO;
	case POWER_DO:
		break;
	}
	memcpy(d->volatile_, d->cached, d->size);
	memcpy(d->durable, d->volatile_, d->size);
	return 0;
}

static int fake_close(void *h)
{
	struct handle *hd = h;
	int ret = fault(hd->fs, 'c');

	free(hd);
	return ret;
}

const struct slot_ops fake_slot_ops = {
	.size = fake_size,
	.open = fake_open,
	.write = fake_write,
	.read = fake_read,
	.flush = fake_flush,
	.sync = fake_sync,
	.close = fake_close,
};
