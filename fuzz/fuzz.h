/* ecert — shared bits of the libFuzzer targets in fuzz/.
 *
 * A target is one fuzz_<name>.c defining LLVMFuzzerTestOneInput (and, through
 * FUZZ_INIT, LLVMFuzzerInitialize). A violated property is reported with FUZZ_CHECK:
 * it prints what failed and abort()s, which libFuzzer records as a crash and saves
 * the input under build-fuzz/artifacts/. Unlike the library, a fuzz target may print. */
#ifndef ECERT_FUZZ_H
#define ECERT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ecert/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Property check: on failure say where and what, then abort. */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property failed: %s\n  ", __FILE__, __LINE__,      \
			        #cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* One-time setup of every target: ecert_init() (cJSON allocation hooks, OpenSSL). */
#define FUZZ_INIT                                                                                  \
	int LLVMFuzzerInitialize(int *argc, char ***argv)                                          \
	{                                                                                          \
		(void)argc;                                                                        \
		(void)argv;                                                                        \
		if (ecert_init() != 0)                                                             \
			abort();                                                                   \
		return 0;                                                                          \
	}

#endif
