// SPDX-License-Identifier: MIT
#include "io/sysconf.h"

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdtprop.h"
#include "common/file.h"

static int read_blob(const char *path, void **blob, size_t *size, struct sf_err *err)
{
	int ret = sf_file_read(AT_FDCWD, path, SYSCONF_MAX_SIZE, blob, size);

	if (ret == -EINVAL || ret == -EFBIG)
		return sf_fail(err, SF_ECONFIG, "%s: not a regular file of 1 to %d bytes", path, SYSCONF_MAX_SIZE);
	if (ret == -ENOMEM)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory reading %s", path);
	if (ret)
		return sf_fail_errno(err, SF_ECONFIG, ret, "cannot read system description '%s'", path);
	return 0;
}

struct ctx {
	const void *fdt;
	const char *file;
	char dir[SYSCONF_PATH_MAX];
	struct sf_err *err;
};

static int copy_str(struct ctx *c, int node, const char *prop, char *out, size_t size, bool required,
		    bool is_path)
{
	const char *v, *where = fdt_get_name(c->fdt, node, NULL);
	int n;

	if (sf_fdt_string(c->fdt, node, prop, &v) == -EINVAL)
		return sf_fail(c->err, SF_ECONFIG, "%s: %s: %s is not a string", c->file, *where ? where : "/", prop);
	if (!v) {
		if (required)
			return sf_fail(c->err, SF_ECONFIG, "%s: %s: %s is missing", c->file,
				       *where ? where : "/", prop);
		out[0] = '\0';
		return 0;
	}
	if (is_path && v[0] != '/' && v[0])
		n = snprintf(out, size, "%s/%s", c->dir, v);
	else
		n = snprintf(out, size, "%s", v);
	if (n < 0 || (size_t)n >= size)
		return sf_fail(c->err, SF_ECONFIG, "%s: %s: %s is too long", c->file, *where ? where : "/", prop);
	return 0;
}

static int get_u32(struct ctx *c, int node, const char *prop, unsigned int *out, unsigned int def,
		   unsigned int min, unsigned int max)
{
	uint32_t v = def;
	int ret = sf_fdt_u32(c->fdt, node, prop, &v, NULL);

	if (ret == -EINVAL)
		return sf_fail(c->err, SF_ECONFIG, "%s: %s is not one 32-bit cell", c->file, prop);
	*out = v;
	if (*out < min || *out > max)
		return sf_fail(c->err, SF_ECONFIG, "%s: %s = %u is outside %u..%u", c->file, prop, *out, min, max);
	return 0;
}

static int load_comp(struct ctx *c, int node, struct sysconf_comp *comp)
{
	const char *name = fdt_get_name(c->fdt, node, NULL);
	char activation[16];
	int ret;

	if (!name || !sf_component_valid(name))
		return sf_fail(c->err, SF_ECONFIG, "%s: component name '%s' is not [a-z0-9_]{1,16}", c->file,
			       name ? name : "");
	snprintf(comp->name, sizeof(comp->name), "%s", name);
	ret = copy_str(c, node, "slot-a", comp->slot[0], sizeof(comp->slot[0]), true, true);
	ret = ret ?: copy_str(c, node, "slot-b", comp->slot[1], sizeof(comp->slot[1]), true, true);
	ret = ret ?: copy_str(c, node, "mount-point", comp->mount_point, sizeof(comp->mount_point), false, false);
	ret = ret ?: copy_str(c, node, "fstype", comp->fstype, sizeof(comp->fstype), false, false);
	ret = ret ?: copy_str(c, node, "stop-command", comp->stop_cmd, sizeof(comp->stop_cmd), false, false);
	ret = ret ?: copy_str(c, node, "start-command", comp->start_cmd, sizeof(comp->start_cmd), false, false);
	ret = ret ?: copy_str(c, node, "activation", activation, sizeof(activation), false, false);
	if (ret)
		return ret;
	if (!strcmp(activation, "reboot"))
		comp->reboot = true;
	else if (activation[0] && strcmp(activation, "soft"))
		return sf_fail(c->err, SF_ECONFIG, "%s: %s: activation = '%s' is neither 'soft' nor 'reboot'",
			       c->file, name, activation);
	if (comp->mount_point[0] && comp->mount_point[0] != '/')
		return sf_fail(c->err, SF_ECONFIG, "%s: %s: mount-point must be an absolute path", c->file, name);
	if (comp->mount_point[0] && !comp->fstype[0])
		return sf_fail(c->err, SF_ECONFIG, "%s: %s: mount-point needs an fstype", c->file, name);
	if (!strcmp(comp->slot[0], comp->slot[1]))
		return sf_fail(c->err, SF_ECONFIG, "%s: %s: slot-a and slot-b are the same", c->file, name);
	return 0;
}

static int load_components(struct ctx *c, struct sysconf *sc)
{
	int comps = fdt_subnode_offset(c->fdt, 0, "components");
	int node, ret;

	if (comps < 0)
		return sf_fail(c->err, SF_ECONFIG, "%s: /components is missing", c->file);
	sc->n = 0;
	fdt_for_each_subnode(node, c->fdt, comps) {
		if (sc->n >= CONFIG_MAX_COMPONENTS)
			return sf_fail(c->err, SF_ECONFIG, "%s: more than %d components", c->file,
				       CONFIG_MAX_COMPONENTS);
		ret = load_comp(c, node, &sc->c[sc->n]);
		if (ret)
			return ret;
		if (sysconf_find(sc, sc->c[sc->n].name) >= 0)
			return sf_fail(c->err, SF_ECONFIG, "%s: component %s appears twice", c->file,
				       sc->c[sc->n].name);
		sc->names[sc->n] = sc->c[sc->n].name;
		sc->n++;
	}
	if (node != -FDT_ERR_NOTFOUND)
		return sf_fail(c->err, SF_ECONFIG, "%s: /components: %s", c->file, fdt_strerror(node));
	if (!sc->n)
		return sf_fail(c->err, SF_ECONFIG, "%s: /components holds no component", c->file);
	return 0;
}

/* A list of key names: non-empty NUL-terminated strings, each shorter than KEYRING_NAME_MAX. */
static int get_key_names(struct ctx *c, const char *prop, char (*out)[KEYRING_NAME_MAX], unsigned int *n)
{
	const char *v, *end;
	int len;

	*n = 0;
	v = fdt_getprop(c->fdt, 0, prop, &len);
	if (!v)
		return 0;
	end = v + len;
	/* each entry's NUL lies inside the property: the walk never leaves it */
	while (v < end) {
		const char *nul = memchr(v, '\0', (size_t)(end - v));

		if (!nul || nul == v || nul - v >= KEYRING_NAME_MAX)
			return sf_fail(c->err, SF_ECONFIG, "%s: %s is not a list of key names (1 to %d characters)",
				       c->file, prop, KEYRING_NAME_MAX - 1);
		if (*n == CONFIG_MAX_KEYS)
			return sf_fail(c->err, SF_ECONFIG, "%s: %s lists more than %d keys", c->file, prop,
				       CONFIG_MAX_KEYS);
		memcpy(out[(*n)++], v, (size_t)(nul - v) + 1);
		v = nul + 1;
	}
	if (!*n)
		return sf_fail(c->err, SF_ECONFIG, "%s: %s is empty", c->file, prop);
	return 0;
}

static int load_key_policy(struct ctx *c, struct keyring_policy *p)
{
	char mode[32];
	int ret;

	ret = get_key_names(c, "slotflip,required-keys", p->required, &p->n_required);
	ret = ret ?: get_key_names(c, "slotflip,revoked-keys", p->revoked, &p->n_revoked);
	ret = ret ?: copy_str(c, 0, "slotflip,required-mode", mode, sizeof(mode), false, false);
	if (ret)
		return ret;
	if (!mode[0])
		p->mode = KEYRING_MODE_UNSET;
	else if (!strcmp(mode, "all"))
		p->mode = KEYRING_MODE_ALL;
	else if (!strcmp(mode, "any"))
		p->mode = KEYRING_MODE_ANY;
	else
		return sf_fail(c->err, SF_ECONFIG, "%s: slotflip,required-mode = '%s' is neither 'all' nor 'any'",
			       c->file, mode);
	if (p->mode != KEYRING_MODE_UNSET && !p->n_required)
		return sf_fail(c->err, SF_ECONFIG, "%s: slotflip,required-mode is set without slotflip,required-keys",
			       c->file);
	return 0;
}

int sysconf_load(struct sysconf *sc, const char *path, struct sf_err *err)
{
	struct ctx c = { .file = path, .err = err };
	void *blob = NULL;
	const char *slash;
	size_t size = 0;
	int ret;

	memset(sc, 0, sizeof(*sc));
	if (snprintf(sc->path, sizeof(sc->path), "%s", path) >= (int)sizeof(sc->path))
		return sf_fail(err, SF_ECONFIG, "system description path is too long");
	slash = strrchr(path, '/');
	if (!slash)
		strcpy(c.dir, ".");
	else
		snprintf(c.dir, sizeof(c.dir), "%.*s", (int)(slash - path) ?: 1, path);

	ret = read_blob(path, &blob, &size, err);
	if (ret)
		return ret;
	c.fdt = blob;
	ret = fdt_check_full(blob, size);
	if (ret || fdt_totalsize(blob) != size) {
		ret = sf_fail(err, SF_ECONFIG, "%s: not a valid device tree blob (%s)", path,
			      ret ? fdt_strerror(ret) : "size mismatch");
		goto out;
	}
	ret = fdt_node_check_compatible(blob, 0, "slotflip,system-v1");
	if (ret) {
		ret = sf_fail(err, SF_ECONFIG, "%s: / is not compatible with \"slotflip,system-v1\"", path);
		goto out;
	}
	ret = copy_str(&c, 0, "slotflip,board", sc->board, sizeof(sc->board), true, false);
	ret = ret ?: copy_str(&c, 0, "slotflip,env-config", sc->env_config, sizeof(sc->env_config), true, true);
	ret = ret ?: copy_str(&c, 0, "slotflip,keyring", sc->keyring, sizeof(sc->keyring), true, true);
	ret = ret ?: load_key_policy(&c, &sc->key_policy);
	ret = ret ?: copy_str(&c, 0, "slotflip,health-dir", sc->health_dir, sizeof(sc->health_dir), false, true);
	ret = ret ?: get_u32(&c, 0, "slotflip,max-tries", &sc->max_tries, CONFIG_DEFAULT_MAX_TRIES, 1, 9);
	ret = ret ?: get_u32(&c, 0, "slotflip,health-timeout-ms", &sc->health_timeout_ms,
			     CONFIG_HEALTH_DEFAULT_TIMEOUT_MS, 1, 3600000);
	ret = ret ?: copy_str(&c, 0, "slotflip,reboot-command", sc->reboot_cmd, sizeof(sc->reboot_cmd), false,
			      false);
	if (!ret && !sc->reboot_cmd[0])
		strcpy(sc->reboot_cmd, SYSCONF_DEFAULT_REBOOT);
	ret = ret ?: load_components(&c, sc);
out:
	free(blob);
	return ret;
}

int sysconf_find(const struct sysconf *sc, const char *name)
{
	for (unsigned int i = 0; i < sc->n; i++)
		if (!strcmp(sc->c[i].name, name))
			return (int)i;
	return -1;
}

int sysconf_select(const struct sysconf *sc, const char *const names[], unsigned int n, int idx[],
		   unsigned int *count, struct sf_err *err)
{
	*count = 0;
	for (unsigned int k = 0; k < (n ? n : sc->n); k++) {
		int i = n ? sysconf_find(sc, names[k]) : (int)k;

		if (i < 0)
			return sf_fail(err, SF_R_UNKNOWN_COMPONENT, "unknown component '%s'", names[k]);
		for (unsigned int j = 0; j < *count; j++)
			if (idx[j] == i)
				return sf_fail(err, SF_EUSAGE, "component '%s' is named twice", names[k]);
		idx[(*count)++] = i;
	}
	return 0;
}
