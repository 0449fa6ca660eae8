/* ecert-keys — key officers' tool: generate key pairs, show the kid and the public key,
 * build the trust list. This file holds the command table and the common reporting helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/sign.h"
#include "keys.h"

static const struct keys_command keys_commands[] = {
    {"gen", "generate a key pair (NAME.key encrypted, NAME.pub)", keys_cmd_gen},
    {"kid", "print the kid of a public or private key file", keys_cmd_kid},
    {"pub", "print the public key as PEM or as a Multikey", keys_cmd_pub},
    {"trust", "build, change and show the signed trust list", keys_cmd_trust},
    {NULL, NULL, NULL},
};

void keys_error(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: %s: ", KEYS_PROG, where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int keys_fail(const char *cmd, const struct ecert_error *err)
{
	const char *msg = err->msg[0] ? err->msg : ecert_strerror(err->code);

	keys_error(err->where[0] ? err->where : cmd, "%s", msg);
	return KEYS_EXIT_FAIL;
}

int keys_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: %s: ", KEYS_PROG, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", KEYS_PROG, cmd);
	return KEYS_EXIT_USAGE;
}

static void help(FILE *f)
{
	const struct keys_command *c;

	fprintf(f,
	        "Usage: %s COMMAND [OPTIONS]\n\n"
	        "Keys for ecert electronic certificates (DESIGN §3-4).\n\nCommands:\n",
	        KEYS_PROG);
	for (c = keys_commands; c->name; c++)
		fprintf(f, "  %-6s %s\n", c->name, c->summary);
	fprintf(f,
	        "\n'%s COMMAND --help' explains a command. Passphrases come from\n"
	        "--passphrase-file FILE or the ECERT_PASSPHRASE environment variable,\n"
	        "never from the command line.\n\n"
	        "Exit status: 0 success, 1 failure, 2 usage error.\n",
	        KEYS_PROG);
}

int main(int argc, char **argv)
{
	const struct keys_command *c;

	if (argc < 2) {
		help(stderr);
		return KEYS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			for (c = keys_commands; c->name; c++)
				if (strcmp(c->name, argv[2]) == 0) {
					static char helpopt[] = "--help";
					char *sub[] = {argv[2], helpopt, NULL};

					if (ecert_sign_init() != 0)
						return KEYS_EXIT_FAIL;
					return c->run(2, sub);
				}
			keys_error(KEYS_PROG, "unknown command '%s'", argv[2]);
			return KEYS_EXIT_USAGE;
		}
		help(stdout);
		return KEYS_EXIT_OK;
	}
	for (c = keys_commands; c->name; c++) {
		if (strcmp(c->name, argv[1]) == 0) {
			if (ecert_sign_init() != 0) {
				keys_error(KEYS_PROG, "cannot initialise the library");
				return KEYS_EXIT_FAIL;
			}
			return c->run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "%s: error: %s: unknown command '%s' (expected", KEYS_PROG, KEYS_PROG,
	        argv[1]);
	for (c = keys_commands; c->name; c++)
		fprintf(stderr, "%s%s", c == keys_commands ? " " : ", ", c->name);
	fprintf(stderr, ")\nTry '%s --help'.\n", KEYS_PROG);
	return KEYS_EXIT_USAGE;
}
