// SPDX-License-Identifier: MIT
/* install, with its progress display. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

enum progress_mode { PROGRESS_NONE, PROGRESS_BAR, PROGRESS_JSON };

/**
 * struct progress - what the display keeps between reports
 * @mode:  none, a bar (text on a file that is not a terminal), JSON lines
 * @f:     where it goes
 * @tty:   @f is a terminal: one bar per component, redrawn in place
 * @start: when the current component's write began
 * @last:  when the last line was drawn
 * @open:  a bar is drawn and not ended yet
 */
struct progress {
	enum progress_mode mode;
	FILE *f;
	bool tty;
	double start;
	double last;
	bool open;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const event_names[] = {
	[SF_PROGRESS_START] = "start",
	[SF_PROGRESS_STEP] = "progress",
	[SF_PROGRESS_END] = "end",
};

static void progress_json(FILE *f, const struct sf_progress *p)
{
	struct json j;

	json_start(&j, f);
	json_obj(&j);
	json_kstr(&j, "phase", p->phase);
	json_kstr(&j, "component", p->component);
	json_kstr(&j, "event", event_names[p->event]);
	json_kuint(&j, "done", p->done);
	json_kuint(&j, "total", p->total);
	json_end(&j);
	fputc('\n', f);
	fflush(f);
}

void cli_progress_line(char *out, size_t size, const struct sf_progress *p, double seconds)
{
	char bar[31], rate_eta[48] = "";
	double frac = p->total ? (double)p->done / (double)p->total : 1.0;
	int fill = (int)(frac * 30);

	if (fill > 30)
		fill = 30;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, ' ', (size_t)(30 - fill));
	bar[30] = '\0';
	/* a rate and a time left only once there is something to measure */
	if (seconds >= 0.5 && p->done) {
		double rate = (double)p->done / seconds, eta = (double)(p->total - p->done) / rate;

		snprintf(rate_eta, sizeof(rate_eta), "%8.1f MiB/s  ETA %d:%02d", rate / (1024 * 1024), (int)eta / 60,
			 (int)eta % 60);
	}
	snprintf(out, size, "%-16s [%s] %3d%% %s", p->component ? p->component : "", bar, (int)(frac * 100),
		 rate_eta);
}

/* The terminal: one bar per component, following its write. */
static void progress_bar(struct progress *pr, const struct sf_progress *p)
{
	double t = now_s();
	char line[160];

	if (strcmp(p->phase, "write"))
		return;
	if (p->event == SF_PROGRESS_START) {
		pr->start = t;
		pr->last = 0;
	}
	if (p->event == SF_PROGRESS_STEP && t - pr->last < 0.1)
		return;
	pr->last = t;
	cli_progress_line(line, sizeof(line), p, t - pr->start);
	fprintf(pr->f, "\r%s\033[K", line);
	pr->open = p->event != SF_PROGRESS_END;
	if (!pr->open)
		fputc('\n', pr->f);
	fflush(pr->f);
}

static void on_progress(void *priv, const struct sf_progress *p)
{
	struct progress *pr = priv;
	double t;

	if (pr->mode == PROGRESS_JSON) {
		/* start and end always, steps at most ten times a second */
		t = now_s();
		if (p->event == SF_PROGRESS_STEP && t - pr->last < 0.1)
			return;
		if (p->event == SF_PROGRESS_STEP)
			pr->last = t;
		progress_json(pr->f, p);
	} else if (pr->tty) {
		progress_bar(pr, p);
	} else if (p->event == SF_PROGRESS_START) {
		fprintf(pr->f, "%s%s%s...\n", p->phase, p->component ? " " : "", p->component ? p->component : "");
	}
}

/* The last JSON progress line: done, or failed with the reason. */
static void progress_final(struct progress *pr, int ret, const struct sf_err *err)
{
	struct json j;

	if (pr->mode != PROGRESS_JSON) {
		if (pr->open)
			fputc('\n', pr->f);
		return;
	}
	json_start(&j, pr->f);
	json_obj(&j);
	json_kstr(&j, "phase", ret ? "failed" : "done");
	json_kstr(&j, "component", NULL);
	if (ret) {
		json_kuint(&j, "exit", (uint64_t)-ret);
		json_kstr(&j, "reason", sf_reason_name(err->reason));
		json_kstr(&j, "message", err->msg);
	}
	json_end(&j);
	fputc('\n', pr->f);
	fflush(pr->f);
}

/* What was armed: text, and "bundle" and "armed" members. */
static void armed(struct cli *c, const struct sf_installed *b, bool staged)
{
	const struct fit_bundle *fb = &b->bundle;

	json_key(&c->out, "bundle");
	json_obj(&c->out);
	json_kstr(&c->out, "id", fb->id);
	json_kstr(&c->out, "board", fb->board);
	json_kstr(&c->out, "key", fb->key_name);
	json_kstr(&c->out, "algo", fb->algo);
	json_end(&c->out);
	json_key(&c->out, "armed");
	json_obj(&c->out);
	for (unsigned int k = 0; k < fb->n_images; k++) {
		const struct fit_image *img = &fb->image[k];
		int i = sysconf_find(&c->sys, img->component);
		bool reboot = i >= 0 && c->sys.c[i].reboot;
		const char *how = staged ? "activate --due" : reboot ? "reboot" : "activate";

		cli_say(c, "installed %s %s into slot %s, armed with %u tries; %s\n", img->component, img->version,
			slot_name(b->slot[k]), b->tries,
			staged	 ? "staged: 'slotflip activate --due' tries it inside the window"
			: reboot ? "a reboot tries it"
				 : "'slotflip activate' tries it");
		json_key(&c->out, img->component);
		json_obj(&c->out);
		json_kstr(&c->out, "slot", slot_name(b->slot[k]));
		json_kstr(&c->out, "version", img->version);
		json_kuint(&c->out, "security_version", img->security_version);
		json_kuint(&c->out, "tries", b->tries);
		json_kstr(&c->out, "activation", reboot ? "reboot" : "soft");
		json_kstr(&c->out, "tried_by", how);
		json_end(&c->out);
	}
	json_end(&c->out);
}

/* --progress-fd=N: an open descriptor the caller gave. */
static int progress_fd(const char *arg, FILE **f, struct sf_err *err)
{
	char *end;
	long fd;

	errno = 0;
	fd = strtol(arg, &end, 10);
	if (!arg[0] || *end || errno || fd < 0 || fd > 65535 || fcntl((int)fd, F_GETFD) < 0)
		return cli_usage(err, "install: --progress-fd takes an open file descriptor, not '%s'", arg);
	*f = fdopen(dup((int)fd), "w");
	if (!*f)
		return cli_usage(err, "install: --progress-fd %s cannot be written", arg);
	setvbuf(*f, NULL, _IOLBF, 0);
	return 0;
}

struct install_args {
	struct sf_install_opts opts;
	struct progress pr;
	bool automatic;
	const char *bundle;
};

static int parse(struct cli *c, int argc, char **argv, struct install_args *a, struct sf_err *err)
{
	static const struct option opts[] = { { "progress", optional_argument, NULL, 'p' },
					      { "progress-fd", required_argument, NULL, 'f' },
					      { "allow-removed", no_argument, NULL, 'r' },
					      { "auto", no_argument, NULL, 'a' },
					      { NULL, 0, NULL, 0 } };
	int opt, ret;

	a->pr.f = c->events;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			a->opts.allow_removed = true;
			break;
		case 'a':
			a->automatic = true;
			break;
		case 'f':
			ret = progress_fd(optarg, &a->pr.f, err);
			if (ret)
				return ret;
			break;
		case 'p':
			if (!optarg)
				a->pr.mode = PROGRESS_BAR;
			else if (!strcmp(optarg, "json"))
				a->pr.mode = PROGRESS_JSON;
			else
				return cli_usage(err, "install: --progress takes no value or 'json', not '%s'", optarg);
			break;
		default:
			return cli_bad_option("install", argv, err);
		}
	}
	if (argc - optind != 1)
		return cli_usage(err, "install takes one bundle (or - for standard input); %s",
				 cli_command_usage("install"));
	/* with --json, the only text slotflip writes is JSON: no bar */
	if (c->json && a->pr.mode == PROGRESS_BAR)
		a->pr.mode = PROGRESS_JSON;
	a->pr.tty = isatty(fileno(a->pr.f));
	a->bundle = argv[optind];
	return 0;
}

int cmd_install(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	struct install_args a = { .pr.mode = PROGRESS_NONE };
	struct policy pol = { .automatic = false };
	struct sf_installed *b = NULL;
	struct src src;
	int ret;

	ret = parse(c, argc, argv, &a, err);
	if (ret)
		goto out;
	ret = cli_setup(c, CLI_NEEDS_LOCK | CLI_NEEDS_KEYS, err);
	/* a background install asks the policy first, under the same lock: refused, nothing is read or written */
	if (!ret && a.automatic)
		ret = cli_auto_allowed(c, &pol, err);
	if (ret)
		goto out;
	if (a.pr.mode != PROGRESS_NONE) {
		c->ctx.progress = on_progress;
		c->ctx.progress_priv = &a.pr;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		ret = sf_fail(err, SF_R_NO_MEMORY, "out of memory");
		goto out;
	}
	ret = src_open(&src, a.bundle, err);
	if (!ret) {
		ret = sf_install(&c->ctx, &src, &a.opts, b, err);
		src_close(&src);
	}
	if (!ret)
		armed(c, b, a.automatic);
out:
	if (a.pr.mode != PROGRESS_NONE)
		progress_final(&a.pr, ret, err);
	if (a.pr.f && a.pr.f != c->events)
		fclose(a.pr.f);
	free(b);
	return ret;
}
