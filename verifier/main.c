/* ecert-verifier — for employers and verification counters (核验窗口): verify a certificate
 * from a file, QR text or a QR photo, check a cross-track claim, look up the treatment
 * equivalence of a level, or serve the counter page. Links the verify side of libecert
 * only: no signing code. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecert/alloc.h"
#include "verifier.h"

static const struct verifier_command commands[] = {
	{"verify", "verify certificates (file, stdin, QR text, QR image, batch)", cmd_verify},
	{"claim", "check a cross-track claim (贯通申报) against the pathway rules", cmd_claim},
	{"equivalent", "treatment equivalence of a skill or title level (二（六）)", cmd_equivalent},
#ifdef ECERT_HAVE_SERVE
	{"serve", "run the counter web service and page", cmd_serve},
#endif
	{NULL, NULL, NULL},
};

void verr(const struct ecert_error *err, const char *fallback_where)
{
	const char *msg = err->msg[0] ? err->msg : ecert_strerror(err->code);
	const char *where = err->where[0] ? err->where : fallback_where;

	if (where && where[0])
		fprintf(stderr, "%s: error: %s: %s\n", VERIFIER_PROG, where, msg);
	else
		fprintf(stderr, "%s: error: %s\n", VERIFIER_PROG, msg);
}

void verr_msg(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: %s: ", VERIFIER_PROG, where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int vusage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: %s: ", VERIFIER_PROG, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", VERIFIER_PROG, cmd);
	return VEXIT_USAGE;
}

static void help(FILE *f)
{
	const struct verifier_command *c;

	fprintf(f, "Usage: %s COMMAND [OPTIONS]\n\n"
		   "Verify ecert electronic certificates (电子职称证书, 职业技能等级证书) and\n"
		   "cross-track claims (贯通申报, 吉人社函〔2022〕158号).\n\nCommands:\n",
		VERIFIER_PROG);
	for (c = commands; c->name; c++)
		fprintf(f, "  %-11s %s\n", c->name, c->summary);
	fprintf(f, "\n'%s COMMAND --help' explains a command.\n\n"
		   "Exit status: 0 valid / eligible, 1 invalid / not eligible, 2 usage error or\n"
		   "unreadable input, 3 claim needs review.\n",
		VERIFIER_PROG);
}

int main(int argc, char **argv)
{
	const struct verifier_command *c;

	if (ecert_init() != ECERT_OK) {
		fprintf(stderr, "%s: error: cannot initialise the crypto library\n", VERIFIER_PROG);
		return VEXIT_USAGE;
	}
	if (argc < 2) {
		help(stderr);
		return VEXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			for (c = commands; c->name; c++) {
				if (strcmp(c->name, argv[2]) == 0) {
					char *hargv[] = {argv[2], (char *)(uintptr_t) "--help", NULL};

					return c->run(2, hargv);
				}
			}
		}
		help(stdout);
		return VEXIT_VALID;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s 0.1.0\n", VERIFIER_PROG);
		return VEXIT_VALID;
	}
	for (c = commands; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "%s: error: unknown command '%s'\n", VERIFIER_PROG, argv[1]);
	help(stderr);
	return VEXIT_USAGE;
}
