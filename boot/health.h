/* SPDX-License-Identifier: MIT */
/*
 * health — run the health checks of a trial, within a deadline.
 *
 * The checks are the executables in the health folder (`slotflip,health-dir`),
 * which apply to every trial, and in its subfolder named after a component,
 * which apply when that component is on trial. They run one at a time, in name
 * order (folder checks first, then each component's), each in its own process
 * group, with these variables set:
 *   SLOTFLIP_COMPONENTS  the components on trial, separated by blanks
 *   SLOTFLIP_COMPONENT, SLOTFLIP_SLOT, SLOTFLIP_VERSION, SLOTFLIP_DEVICE,
 *   SLOTFLIP_MOUNT       for a component's own checks (DEVICE: the slot's
 *                        path; MOUNT: where it is mounted, "" when it is not)
 * A check passes by exiting 0. All checks must pass before the deadline; the
 * first failure stops the run. Files whose names start with '.' and files that
 * are not executable are ignored.
 */
#ifndef SF_HEALTH_H
#define SF_HEALTH_H

#include <signal.h>

#include "common/sf_err.h"

/**
 * struct hc_comp - one component on trial
 * @name, @slot ("a"/"b"), @version, @device (the slot's path),
 * @mount ("" when not mounted)
 */
struct hc_comp {
	const char *name;
	const char *slot;
	const char *version;
	const char *device;
	const char *mount;
};

/**
 * struct hc_run - a run of the checks
 * @dir:         the health folder; "" or a missing folder means no checks
 * @comps:       the components on trial
 * @n:           their count
 * @deadline_ms: for all checks together
 * @stop:        may be NULL; once it points at a non-zero value the running
 *               check's process group is killed and the run stops
 */
struct hc_run {
	const char *dir;
	const struct hc_comp *comps;
	unsigned int n;
	unsigned int deadline_ms;
	const volatile sig_atomic_t *stop;
};

/**
 * hc_run() - run the checks
 * @run: what to run
 * @why: on failure, the reason: SF_R_HEALTH ("health check 'http' exited with
 *       status 1", "... was killed by signal 9", a check that cannot be
 *       started), SF_R_DEADLINE ("health checks did not finish within 30000 ms
 *       (running 'db')"), SF_R_INTERRUPTED (stopped), SF_R_NO_MEMORY
 *
 * A check's whole process group is killed when it ends, times out or is
 * stopped: nothing it started outlives it.
 *
 * Return: 0 when every check passed, minus the reason's category otherwise.
 */
int hc_run(const struct hc_run *run, struct sf_err *why) __attribute__((warn_unused_result));

#endif /* SF_HEALTH_H */
