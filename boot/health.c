// SPDX-License-Identifier: MIT
#include "health.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HC_MAX_CHECKS 64
#define HC_NAME_MAX 256

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The executable regular files of @dir, sorted; a missing folder has none. */
static int list_checks(const char *dir, char names[][HC_NAME_MAX], unsigned int *n, struct sf_err *why)
{
	struct dirent *de;
	DIR *d;

	*n = 0;
	if (!dir[0])
		return 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : sf_fail_errno(why, SF_R_HEALTH, errno, "health folder '%s'", dir);
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			continue;
		if (*n >= HC_MAX_CHECKS || strlen(de->d_name) >= HC_NAME_MAX) {
			closedir(d);
			return sf_fail(why, SF_R_HEALTH, "health folder '%s' holds more than %d checks or a too long name",
				       dir, HC_MAX_CHECKS);
		}
		strcpy(names[(*n)++], de->d_name);
	}
	closedir(d);
	qsort(names, *n, HC_NAME_MAX, name_cmp);
	return 0;
}

static void set_env(const struct hc_comp *comps, unsigned int n, const struct hc_comp *own)
{
	char list[1024] = "";
	size_t len = 0;

	for (unsigned int i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? " " : "", comps[i].name);
	setenv("SLOTFLIP_COMPONENTS", list, 1);
	if (own) {
		setenv("SLOTFLIP_COMPONENT", own->name, 1);
		setenv("SLOTFLIP_SLOT", own->slot, 1);
		setenv("SLOTFLIP_VERSION", own->version, 1);
		setenv("SLOTFLIP_DEVICE", own->device, 1);
		setenv("SLOTFLIP_MOUNT", own->mount, 1);
	}
}

/* Run one check; HC_PASS, or HC_FAIL with @why set. */
/* Kill what is left of a check's process group and reap the check itself. */
static void kill_group(pid_t pid, int *status)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

static int run_one(const char *path, const char *label, const struct hc_run *run, const struct hc_comp *own,
		   long long deadline, struct sf_err *why)
{
	const struct hc_comp *comps = run->comps;
	unsigned int n = run->n;
	int status = 0;
	pid_t pid, w;

	pid = fork();
	if (pid < 0)
		return sf_fail_errno(why, SF_R_HEALTH, errno, "cannot start health check '%s'", label);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		set_env(comps, n, own);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			kill_group(pid, &status);
			return sf_fail_errno(why, SF_R_HEALTH, errno, "health check '%s'", label);
		}
		if (run->stop && *run->stop) {
			kill_group(pid, &status);
			return sf_fail(why, SF_R_INTERRUPTED, "stopped by a signal while health check '%s' ran", label);
		}
		if (now_ms() >= deadline) {
			kill_group(pid, &status);
			return sf_fail(why, SF_R_DEADLINE, "health checks did not finish within %u ms (running '%s')",
				       run->deadline_ms, label);
		}
		usleep(2000);
	}
	/* nothing a check started outlives it */
	kill(-pid, SIGKILL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return sf_fail(why, SF_R_HEALTH, "health check '%s' exited with status %d", label,
			       WEXITSTATUS(status));
	return sf_fail(why, SF_R_HEALTH, "health check '%s' was killed by signal %d", label,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int run_dir(const char *dir, const char *prefix, const struct hc_run *run, const struct hc_comp *own,
		   long long deadline, struct sf_err *why)
{
	char (*names)[HC_NAME_MAX];
	int r;
	unsigned int count;

	names = malloc(sizeof(*names) * HC_MAX_CHECKS);
	if (!names)
		return sf_fail(why, SF_R_NO_MEMORY, "out of memory");
	r = list_checks(dir, names, &count, why);
	for (unsigned int i = 0; i < count && !r; i++) {
		char path[1024], label[512];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(label, sizeof(label), "%s%s", prefix, names[i]);
		r = run_one(path, label, run, own, deadline, why);
	}
	free(names);
	return r;
}

int hc_run(const struct hc_run *run, struct sf_err *why)
{
	long long deadline = now_ms() + run->deadline_ms;
	int r;

	r = run_dir(run->dir, "", run, NULL, deadline, why);
	for (unsigned int i = 0; i < run->n && !r && run->dir[0]; i++) {
		char sub[1024], prefix[64];

		snprintf(sub, sizeof(sub), "%s/%s", run->dir, run->comps[i].name);
		snprintf(prefix, sizeof(prefix), "%s/", run->comps[i].name);
		r = run_dir(sub, prefix, run, &run->comps[i], deadline, why);
	}
	return r;
}
