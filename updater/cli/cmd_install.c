// SPDX-License-Identifier: MIT
/* install, with its progress display. */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

enum progress_mode { PROGRESS_NONE, PROGRESS_BAR, PROGRESS_JSON };

struct progress {
	enum progress_mode mode;
	int tty;
	double start;
	double last;
	char phase[16];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_json(const struct sf_progress *p)
{
	fprintf(stderr, "{\"phase\": \"%s\", \"component\": ", p->phase);
	json_str(stderr, p->component);
	fprintf(stderr, ", \"done\": %llu, \"total\": %llu}\n", (unsigned long long)p->done,
		(unsigned long long)p->total);
}

void cli_progress_line(char *out, size_t size, const struct sf_progress *p, double seconds)
{
	char bar[31];
	double frac = p->total ? (double)p->done / (double)p->total : 1.0;
	double rate = seconds > 0 ? (double)p->done / seconds : 0;
	double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0;
	int fill = (int)(frac * 30);

	if (fill > 30)
		fill = 30;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, ' ', (size_t)(30 - fill));
	bar[30] = '\0';
	snprintf(out, size, "[%s] %3d%% %8.1f MiB/s  ETA %d:%02d  %-8s %-16s", bar, (int)(frac * 100),
		 rate / (1024 * 1024), (int)eta / 60, (int)eta % 60, p->phase, p->component);
}

static void progress_bar(struct progress *pr, const struct sf_progress *p, double t)
{
	char line[160];

	cli_progress_line(line, sizeof(line), p, t - pr->start);
	fprintf(stderr, "\r%s", line);
	if (p->done == p->total)
		fputc('\n', stderr);
}

static void on_progress(void *priv, const struct sf_progress *p)
{
	struct progress *pr = priv;
	double t = now_s();
	bool new_phase = strcmp(pr->phase, p->phase) != 0;

	if (new_phase) {
		snprintf(pr->phase, sizeof(pr->phase), "%s", p->phase);
		pr->start = t;
	}
	if (pr->mode == PROGRESS_JSON) {
		/* at most ten lines a second, plus the first and last of each phase */
		if (new_phase || p->done == p->total || t - pr->last >= 0.1) {
			progress_json(p);
			pr->last = t;
		}
		return;
	}
	if (!p->total)
		return;
	if (pr->tty) {
		if (new_phase || p->done == p->total || t - pr->last >= 0.1) {
			progress_bar(pr, p, t);
			pr->last = t;
		}
	} else if (new_phase) {
		fprintf(stderr, "%s %s...\n", p->phase, p->component);
	}
}

int cmd_install(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { "progress", optional_argument, NULL, 'p' },
					      { "allow-removed", no_argument, NULL, 'r' },
					      { "auto", no_argument, NULL, 'a' },
					      { NULL, 0, NULL, 0 } };
	struct progress pr = { .mode = PROGRESS_NONE };
	struct sf_install_opts io = { .allow_removed = false };
	struct sf_installed *b;
	struct policy pol = { .automatic = false };
	bool auto_ = false;
	struct src src;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'r') {
			io.allow_removed = true;
			continue;
		}
		if (opt == 'a') {
			auto_ = true;
			continue;
		}
		if (opt != 'p')
			return cli_usage(err,
					 "usage: slotflip install [--progress[=json]] [--auto] [--allow-removed] BUNDLE|-");
		if (!optarg)
			pr.mode = PROGRESS_BAR;
		else if (!strcmp(optarg, "json"))
			pr.mode = PROGRESS_JSON;
		else
			return cli_usage(err, "--progress takes no value or 'json', not '%s'", optarg);
	}
	if (argc - optind != 1)
		return cli_usage(err, "usage: slotflip install [--progress[=json]] [--auto] BUNDLE|-");
	ret = cli_setup(c, CLI_NEEDS_LOCK | CLI_NEEDS_KEYS, err);
	/* a background install asks the policy first, under the same lock: refused, nothing is read or written */
	if (!ret && auto_)
		ret = cli_auto_allowed(c, &pol, err);
	if (ret)
		return ret;
	pr.tty = isatty(STDERR_FILENO);
	if (pr.mode != PROGRESS_NONE) {
		c->ctx.progress = on_progress;
		c->ctx.progress_priv = &pr;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return sf_fail(err, SF_EFAIL, "out of memory");
	ret = src_open(&src, argv[optind], err);
	if (ret)
		goto out;
	ret = sf_install(&c->ctx, &src, &io, b, err);
	src_close(&src);
	if (ret)
		goto out;
	for (unsigned int k = 0; k < b->bundle.n_images; k++) {
		const struct fit_image *img = &b->bundle.image[k];
		int i = sysconf_find(&c->sys, img->component);

		printf("installed %s %s into slot %s, armed with %u tries; %s\n", img->component, img->version,
		       slot_name(b->slot[k]), c->sys.max_tries,
		       auto_ ? "staged: 'slotflip activate --due' tries it inside the window"
		       : c->sys.c[i].reboot ? "a reboot tries it"
					    : "'slotflip activate' tries it");
	}
out:
	free(b);
	return ret;
}
