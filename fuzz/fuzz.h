/* SPDX-License-Identifier: MIT */
/*
 * fuzz — the fuzz harnesses of slotflip (fuzz/fuzz_*.c), one per untrusted
 * input: the bundle header (fuzz_fit), the planner fed with a parsed bundle and
 * an environment (fuzz_plan), the environment's on-storage format and
 * configuration (fuzz_env), and delta payloads, with the encoder's round trip
 * (fuzz_delta).
 *
 * Each harness is an LLVMFuzzerTestOneInput(). `make fuzz` links it with
 * libFuzzer (clang -fsanitize=fuzzer,address,undefined); `make tests` links it
 * with replay.c instead, a main() that feeds it every file of its seed corpus
 * (fuzz/corpus/NAME/), so the corpus runs in `make check`, under ASan too.
 *
 * A harness returns 0 for every input. It calls abort() when a property that
 * must hold for any input does not (the fuzzer reports it as a crash); the
 * libraries it drives never print.
 */
#ifndef SF_FUZZ_H
#define SF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/**
 * LLVMFuzzerTestOneInput() - run one input
 * @data: the input (not NUL-terminated)
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * fuzz_check() - abort with @what on stderr unless @cond holds
 */
void fuzz_check(int cond, const char *what);

/*
 * fuzz_deep - inputs that went all the way (a header that verified, a plan
 * that was made, a state read from a valid copy, a delta applied to its end): the replay driver demands at
 * least one per corpus, so a seed corpus that stopped reaching the code it was
 * made for fails the tests.
 */
extern unsigned int fuzz_deep;

#endif /* SF_FUZZ_H */
