// SPDX-License-Identifier: MIT
/*
 * bc_system_hooks: running a component from a slot on the real system means
 * having that slot's block device mounted read-only at the component's mount
 * point; stop-/start-commands run through /bin/sh.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootcheck.h"

/* The device mounted at @dir (top of the stack), or 0 when nothing is. */
static dev_t mounted_dev(const char *dir)
{
	char line[1024], mp[512];
	unsigned int major, minor;
	dev_t dev = 0;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %u:%u %*s %511s", &major, &minor, mp) == 3 && !strcmp(mp, dir))
			dev = makedev(major, minor);
	fclose(f);
	return dev;
}

static int system_use(void *priv, const struct sysconf_comp *c, int slot, struct sf_err *err)
{
	const char *dev = c->slot[slot];
	struct stat st;
	dev_t cur;

	(void)priv;
	if (!c->mount_point[0])
		return 0;
	if (stat(dev, &st) < 0)
		return sf_fail_errno(err, SF_R_SLOT_IO, errno, "slot %s of %s (%s)", slot_name(slot), c->name, dev);
	if (!S_ISBLK(st.st_mode))
		return sf_fail(err, SF_R_CONFIG, "slot %s of %s (%s) is not a block device and cannot be mounted",
			       slot_name(slot), c->name, dev);
	cur = mounted_dev(c->mount_point);
	if (cur == st.st_rdev)
		return 0;
	if (cur && umount2(c->mount_point, 0) < 0)
		return sf_fail_errno(err, SF_R_SLOT_IO, errno, "cannot unmount %s", c->mount_point);
	if (mkdir(c->mount_point, 0755) < 0 && errno != EEXIST)
		return sf_fail_errno(err, SF_R_SLOT_IO, errno, "cannot create %s", c->mount_point);
	if (mount(dev, c->mount_point, c->fstype, MS_RDONLY | MS_NODEV | MS_NOSUID, NULL) < 0)
		return sf_fail_errno(err, SF_R_SLOT_IO, errno, "cannot mount slot %s of %s (%s) on %s", slot_name(slot),
				     c->name, dev, c->mount_point);
	return 0;
}

static int system_run(void *priv, const char *cmd, struct sf_err *err)
{
	int status;
	pid_t pid;

	(void)priv;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return sf_fail_errno(err, SF_R_COMMAND_FAILED, errno, "cannot run '%s'", cmd);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sf_fail_errno(err, SF_R_COMMAND_FAILED, errno, "'%s'", cmd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return sf_fail(err, SF_R_COMMAND_FAILED, "'%s' failed (status %d)", cmd,
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

const struct bc_hooks bc_system_hooks = {
	.use = system_use,
	.run = system_run,
	.priv = NULL,
};
