/* SPDX-License-Identifier: MIT */
/*
 * bootcheck — the early-boot check (`slotflip boot-check`), run at every real
 * boot before any service starts, and the soft restart built on it
 * (`slotflip activate`, `slotflip remove` of a mounted component).
 *
 * What happens to each component is decided by one const table (bc_table),
 * from: is a trial armed, is the component activated by a reboot (U-Boot spent
 * the try) or softly (the boot-check spends it), are tries left, which slot did
 * U-Boot boot (kernel command line `slotflip.<component>=<a|b>`), and the health
 * result. A situation no row matches means "stay on the committed slot".
 *
 * A bundle is one transaction: the components it armed form a set (the trial
 * slots hold the same bundle id, plan/state.h). Whoever names one member
 * judges the whole set, and the set's verdict comes from its members' actions
 * (bc_set_decide()): any member that must fall back, or a member already gone
 * (U-Boot fell it back, state_set_broken()), takes the whole set back; while a
 * reboot member waits for the reboot that tries it, the whole set waits (its
 * soft members are neither switched nor spent); otherwise the set is tried:
 * the soft members' tries are spent in one store, their trial slots mounted,
 * the health checks run for the set, the requirements of every image checked
 * (plan_requires()), and the set commits in one store or falls back in one
 * store, recording why (sf_C_fail). Independent sets are judged one after the
 * other. A component whose state cannot be read is reported and left alone
 * (its slot is not mounted); the others are judged.
 */
#ifndef SF_BOOTCHECK_H
#define SF_BOOTCHECK_H

#include <stdbool.h>

#include "common/sf_err.h"
#include "core/core.h"

#define BC_ANY (-1)

enum bc_booted { BC_BOOTED_UNKNOWN = 0, BC_BOOTED_TRIAL = 1, BC_BOOTED_OTHER = 2 };
enum bc_health { BC_HEALTH_NOT_RUN = 0, BC_HEALTH_PASS = 1, BC_HEALTH_FAIL = 2 };

enum bc_action {
	BC_NOTHING,	    /* no trial: run the committed slot */
	BC_SPEND_AND_CHECK, /* take a try (one store), then run the health checks */
	BC_CHECK,	    /* U-Boot took the try and booted the trial: run the health checks */
	BC_WAIT,	    /* armed for a reboot that has not happened yet */
	BC_FALLBACK,	    /* mark the trial bad, stay on the committed slot */
	BC_COMMIT,	    /* the trial becomes the committed slot */
};

/**
 * struct bc_input - one component's situation (BC_ANY in a table row matches all)
 * @pending:    a trial is armed
 * @reboot:     `activation = "reboot"`
 * @tries_left: the armed trial has at least one try left
 * @booted:     enum bc_booted (reboot components only)
 * @health:     enum bc_health
 */
struct bc_input {
	int pending;
	int reboot;
	int tries_left;
	int booted;
	int health;
};

/** struct bc_rule - a table row: the first row matching an input decides */
struct bc_rule {
	struct bc_input when;
	enum bc_action then;
};

extern const struct bc_rule bc_table[];
extern const unsigned int bc_table_len;

/** bc_decide() - the action of the first matching row; BC_FALLBACK for an armed
 * trial no row matches, BC_NOTHING otherwise */
enum bc_action bc_decide(const struct bc_input *in);

/** bc_action_name() - "nothing", "spend-and-check", "check", "wait", "fallback", "commit" */
const char *bc_action_name(enum bc_action a);

/**
 * bc_set_decide() - the action of a set from its members' bc_decide() actions
 * @member: the members' actions
 * @n:      their count (at least 1)
 * @gone:   a member of the set is gone (state_set_broken())
 *
 * In this order: BC_FALLBACK when @gone or any member must fall back; BC_WAIT
 * when any member waits; BC_CHECK when every member is checked
 * (BC_SPEND_AND_CHECK or BC_CHECK); BC_NOTHING for anything else.
 */
enum bc_action bc_set_decide(const enum bc_action member[], unsigned int n, bool gone);

/**
 * struct bc_hooks - what running a component from a slot means on this system
 * @use:  make component @c run from @slot (mount it at its mount point,
 *        replacing another slot mounted there); nothing for components without
 *        a mount point. Return 0 or -SF_* with @err set.
 * @run:  run a stop-/start-command; 0 or -SF_EFAIL with @err set
 * @priv: their argument
 * Either may be NULL (the simulated board of the host tests).
 */
struct bc_hooks {
	int (*use)(void *priv, const struct sysconf_comp *c, int slot, struct sf_err *err);
	int (*run)(void *priv, const char *cmd, struct sf_err *err);
	void *priv;
};

/** bc_system_hooks - mount(2)/umount(2) and /bin/sh -c: the real system */
extern const struct bc_hooks bc_system_hooks;

/** What happened to a component in a run (docs/agent.md names them). */
enum bc_outcome {
	BC_OUT_NONE = 0,    /* nothing pending: not reported */
	BC_OUT_COMMITTED,   /* "committed" */
	BC_OUT_FELL_BACK,   /* "fell-back" */
	BC_OUT_WAITING,	    /* "waiting-for-reboot": its set waits for a reboot */
	BC_OUT_UNREADABLE,  /* "unreadable": its state cannot be read; left alone */
	BC_OUT_INTERRUPTED, /* "interrupted": still armed, the try spent stays spent */
};

/** bc_outcome_name() - the names above; NULL for BC_OUT_NONE */
const char *bc_outcome_name(enum bc_outcome o);

/**
 * struct bc_report - what a run did
 * @committed, @fell_back, @waiting, @unreadable: counts of components
 * @outcome: per component of the system description, enum bc_outcome
 * @why:     on fallback, the first reason (e.g. "no tries left")
 */
struct bc_report {
	unsigned int committed;
	unsigned int fell_back;
	unsigned int waiting;
	unsigned int unreadable;
	int outcome[CONFIG_MAX_COMPONENTS];
	char why[SF_ERR_MSG_MAX];
};

/**
 * bootcheck_run() - the early-boot check
 * @ctx:     the context (its @stop is honoured)
 * @names:   components to check (each with its whole set); all when @n is 0
 * @n:       count
 * @cmdline: the kernel command line (for `slotflip.<c>=<slot>`), may be NULL
 * @hooks:   how to mount; may be NULL
 * @rep:     out
 * @err:     failure reason
 *
 * Return: 0 when every set checked was committed, waits for its reboot, or
 * nothing was pending; -SF_EFELLBACK when a set fell back (@err's reason is
 * the first set's: SF_R_HEALTH, SF_R_DEADLINE, SF_R_TRIES, SF_R_SET_FELL_BACK,
 * SF_R_SLOT_UNUSABLE, SF_R_REQUIRES_BROKEN); -SF_EINTR (SF_R_INTERRUPTED) when
 * stopped before a verdict; -SF_ECONFIG when a selected component is broken
 * (its own reason; the others were judged); -SF_EUSAGE, -SF_ECONFIG, -SF_EIO
 * as sf_load()/sf_store().
 */
int bootcheck_run(const struct sf_ctx *ctx, const char *const names[], unsigned int n, const char *cmdline,
		  const struct bc_hooks *hooks, struct bc_report *rep, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * bootcheck_activate() - soft restart into the armed trials (`slotflip activate`)
 * @ctx, @names, @n, @cmdline, @hooks, @rep, @err: as bootcheck_run(); @n 0
 * means every soft component with an armed trial
 *
 * For each set of the named components: while a reboot member has not booted
 * its trial, nothing happens (the set waits); otherwise each soft member's
 * stop-command runs, the set is judged as by bootcheck_run() (mount the trial,
 * health checks, commit, or fall back and mount the old slot again), then each
 * start-command runs, whatever the verdict and even when stopped by a signal.
 * No reboot.
 *
 * Return: as bootcheck_run(); -SF_EWAITING (SF_R_WAITING) when a set waits
 * for its reboot and none fell back; -SF_EPOLICY when a named component has
 * nothing armed (SF_R_NOT_ARMED) or is activated by a reboot
 * (SF_R_REBOOT_ONLY); -SF_EFAIL (SF_R_COMMAND_FAILED) when a stop- or
 * start-command fails.
 */
int bootcheck_activate(const struct sf_ctx *ctx, const char *const names[], unsigned int n, const char *cmdline,
		       const struct bc_hooks *hooks, struct bc_report *rep, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * bootcheck_remove() - `slotflip remove`: sf_remove() with a soft restart of a
 * mounted component (stop-command, mount the slot it returns to, start-command)
 * Return: as sf_remove().
 */
int bootcheck_remove(const struct sf_ctx *ctx, const char *name, const struct bc_hooks *hooks, struct sf_err *err)
	__attribute__((warn_unused_result));

#endif /* SF_BOOTCHECK_H */
