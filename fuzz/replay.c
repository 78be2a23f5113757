// SPDX-License-Identifier: MIT
/*
 * Replay a fuzz harness's corpus without a fuzzing engine: every file of the
 * folder (argv[1], else fuzz/corpus/NAME where NAME is this program's name
 * without its "test_fuzz_" prefix) is one input. TAP output, one line per
 * folder; a crash or a violated property aborts the program, which the test
 * runner counts as a failure.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX_INPUT (4 * 1024 * 1024)

static int replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	int ret = -1;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_size > REPLAY_MAX_INPUT)
		return -1;
	/* exactly the file's bytes: the sanitizer sees the input's end */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	f = fopen(path, "rb");
	if (buf && f && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
		LLVMFuzzerTestOneInput(buf, (size_t)st.st_size);
		ret = 0;
	}
	if (f)
		fclose(f);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char dir[512], path[1024];
	unsigned int n = 0, bad = 0;
	struct dirent *de;
	DIR *d;

	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else
		snprintf(dir, sizeof(dir), "fuzz/corpus/%s",
			 strncmp(prog, "test_fuzz_", 10) ? prog : prog + 10);
	d = opendir(dir);
	if (!d) {
		printf("not ok 1 - corpus %s: %s\n1..1\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (replay_file(path)) {
			printf("# cannot read %s\n", path);
			bad++;
		}
		n++;
	}
	closedir(d);
	bad += !n || !fuzz_deep;
	printf("%sok 1 - %s: %u inputs replayed, every property held, %u went all the way\n1..1\n",
	       bad ? "not " : "", dir, n, fuzz_deep);
	return bad != 0;
}
