/* ossl-speed — print `openssl speed` sign/s and verify/s, for bench/report.sh, through
 * the same runner as verify-bench and issue-bench (ossl-speed.h).
 *
 * usage: ossl-speed [--seconds S] [--cpu] ALG...    (ALG: sm2, ed25519, ecdsap256, …)
 *        ossl-speed --version
 *
 * Prints one line per algorithm: "ALG<TAB>sign/s<TAB>verify/s", by wall-clock time
 * (-elapsed) or with --cpu per second of CPU time. Exit 1 if a run failed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ossl-speed.h"

#define TOOL_SECONDS_DEFAULT 3

int main(int argc, char **argv)
{
	int seconds = TOOL_SECONDS_DEFAULT, i = 1, rc = 0, elapsed = 1;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		char v[OSSL_SPEED_LINE_MAX];

		if (ossl_speed_version(v, sizeof(v)) != 0) {
			fprintf(stderr, "ossl-speed: openssl version failed\n");
			return 1;
		}
		printf("%s\n", v);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--seconds") == 0) {
		char *end;
		long s;

		errno = 0;
		s = strtol(argv[2], &end, 10);
		if (errno || *end || s < 1 || s > OSSL_SPEED_SECONDS_MAX) {
			fprintf(stderr, "ossl-speed: --seconds wants 1..%d\n",
				OSSL_SPEED_SECONDS_MAX);
			return 2;
		}
		seconds = (int)s;
		i = 3;
	}
	if (i < argc && strcmp(argv[i], "--cpu") == 0) {
		elapsed = 0;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: ossl-speed [--seconds S] [--cpu] ALG...\n"
				"       ossl-speed --version\n");
		return 2;
	}
	for (; i < argc; i++) {
		struct ossl_speed sp;

		if (ossl_speed_run(argv[i], seconds, elapsed, &sp) != 0) {
			fprintf(stderr, "ossl-speed: openssl speed %s failed\n", argv[i]);
			rc = 1;
			continue;
		}
		printf("%s\t%.1f\t%.1f\n", argv[i], sp.sign, sp.verify);
		fflush(stdout);
	}
	return rc;
}
