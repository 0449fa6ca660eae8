/* ecert-keys — shared declarations of the program: the command table and the helpers
 * every subcommand uses to report errors the same way. */
#ifndef ECERT_KEYS_H
#define ECERT_KEYS_H

#include <openssl/evp.h>
#include "ecert/error.h"

#define KEYS_PROG "ecert-keys"

/* Exit status, stable and documented in docs/ecert-keys.md. */
enum keys_exit {
	KEYS_EXIT_OK = 0,   /* done */
	KEYS_EXIT_FAIL = 1, /* the operation failed (file exists, bad passphrase, I/O …) */
	KEYS_EXIT_USAGE = 2 /* bad command line */
};

/* One subcommand: `ecert-keys NAME ARGS…` runs run(argc, argv) with argv[0] = NAME and
 * returns the exit status. A new subcommand is one more row in keys_commands (main.c). */
struct keys_command {
	const char *name;
	const char *summary; /* one line for `ecert-keys --help` */
	int (*run)(int argc, char **argv);
};

/* "ecert-keys: error: <where>: <msg>" on stderr. */
void keys_error(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a library error (where defaults to `cmd`) and return KEYS_EXIT_FAIL. */
int keys_fail(const char *cmd, const struct ecert_error *err);
/* Report a usage error, point at `ecert-keys CMD --help`, return KEYS_EXIT_USAGE. */
int keys_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Load a key file for display: a public key (SPKI PEM) or an encrypted private key
 * (the passphrase then comes from passphrase_file or ECERT_PASSPHRASE). */
int keys_load_any(const char *path, const char *passphrase_file, EVP_PKEY **out,
                  struct ecert_error *err);

int keys_cmd_gen(int argc, char **argv);
int keys_cmd_kid(int argc, char **argv);
int keys_cmd_pub(int argc, char **argv);
/* trust.c: the trust list (docs/trustlist.md) */
int keys_cmd_trust(int argc, char **argv);

#endif
