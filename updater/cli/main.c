// SPDX-License-Identifier: MIT
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "usage: slotflip COMMAND ...\n");
	return 2;
}
