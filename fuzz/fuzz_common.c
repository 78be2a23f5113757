// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

unsigned int fuzz_deep;

void fuzz_check(int cond, const char *what)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz: property violated: %s\n", what);
	abort();
}
