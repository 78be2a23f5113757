// SPDX-License-Identifier: MIT
#include "io/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

int lock_take(const char *path, unsigned int wait_ms, int *fd, struct sf_err *err)
{
	char pid[24] = "";
	unsigned int waited = 0;
	ssize_t n;
	int f;

	f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (f < 0)
		return sf_fail_errno(err, sf_errno_reason(errno, SF_R_IO), errno, "cannot open lock file %s", path);
	while (flock(f, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			int e = errno;

			close(f);
			return sf_fail_errno(err, sf_errno_reason(e, SF_R_IO), e, "cannot lock %s", path);
		}
		if (waited >= wait_ms) {
			n = pread(f, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			close(f);
			return sf_fail(err, SF_R_BUSY, "another slotflip (pid %d) is changing the system; try again later",
				       atoi(pid));
		}
		usleep(10000);
		waited += 10;
	}
	/* the holder's pid, for the message of whoever waits; the lock holds without it */
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(f, 0) == 0)
		(void)!pwrite(f, pid, (size_t)n, 0);
	*fd = f;
	return 0;
}
