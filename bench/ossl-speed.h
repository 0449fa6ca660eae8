/* ossl-speed — run `openssl speed` and read its sign/s and verify/s: the one runner the
 * bench programs share (verify-bench, issue-bench, the ossl-speed tool of bench/report.sh),
 * so that every ratio in a report divides by a rate measured the same way.
 *
 * The rates are those of `openssl speed -seconds S -elapsed ALG`: one core, wall-clock
 * time (as the bench programs measure theirs); or, without -elapsed, per second of the
 * process's CPU time, which other load on a shared machine disturbs less. The program runs without a shell (fork +
 * exec). Call from one thread at a time: a measurement runs one `openssl speed` alone. */
#ifndef ECERT_BENCH_OSSL_SPEED_H
#define ECERT_BENCH_OSSL_SPEED_H

#include <stddef.h>
#include "ecert/key.h"

/* Longest `openssl speed` output line read. */
#define OSSL_SPEED_LINE_MAX 512
/* Longest algorithm name passed to `openssl speed`. */
#define OSSL_SPEED_ALG_MAX 32
/* Longest measuring time, in seconds. */
#define OSSL_SPEED_SECONDS_MAX 600

struct ossl_speed {
	double sign;   /* signatures per second */
	double verify; /* verifications per second */
};

/* The `openssl speed` name of an ecert algorithm: "sm2", "ed25519", "ecdsap256"; NULL
 * for ECERT_ALG_NONE. */
const char *ossl_speed_name(enum ecert_alg alg);

/* Run `openssl speed -seconds SECONDS [-elapsed] ALG` (-elapsed when `elapsed` is
 * non-zero; ALG: lower-case letters and digits only, at most OSSL_SPEED_ALG_MAX; SECONDS
 * 1..OSSL_SPEED_SECONDS_MAX) and fill *out from
 * its result line (the last one naming "bits": "... sign/s verify/s"). The program is
 * $ECERT_OPENSSL when set (a path, no arguments), else `openssl` from PATH. Returns 0, or
 * -1 (bad argument, the program failed or printed no result line) with *out untouched. */
int ossl_speed_run(const char *alg, int seconds, int elapsed, struct ossl_speed *out);

/* The first line of `openssl version` into out (size bytes, NUL-terminated, without the
 * newline). Returns 0 or -1. */
int ossl_speed_version(char *out, size_t size);

#endif
