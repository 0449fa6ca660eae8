/* ecert-issuer — shared declarations of the program: the command table, operator messages
 * (Chinese by default, English with --lang en), the signing identity every command that
 * signs loads the same way, and the exit codes. */
#ifndef ECERT_ISSUER_H
#define ECERT_ISSUER_H

#include <stdint.h>
#include <openssl/evp.h>

#include "ecert/error.h"
#include "ecert/key.h"
#include "ecert/statuslist.h"
#include "ecert/trustlist.h"

#define ISSUER_PROG "ecert-issuer"
/* The environment variable that chooses the message language (besides --lang). */
#define ISSUER_LANG_ENV "ECERT_LANG"
/* "<issuer id>#<kid>": "urn:uscc:" + 18 + '#' + kid + NUL, with room to spare. */
#define ISSUER_VM_MAX 64

/* Exit status, stable and documented in docs/ecert-issuer.md. */
enum issuer_exit {
	ISSUER_EXIT_OK = 0,   /* done */
	ISSUER_EXIT_FAIL = 1, /* a record invalid or refused, a key refused, revocation error */
	ISSUER_EXIT_USAGE = 2 /* bad command line, or an input that cannot be read */
};

/* One subcommand: `ecert-issuer NAME ARGS…` runs run(argc, argv) with argv[0] = NAME. */
struct issuer_command {
	const char *name;
	const char *summary_zh, *summary_en;
	int (*run)(int argc, char **argv);
};

/* 1 when messages are in English (--lang en, or ECERT_LANG=en…). */
extern int issuer_english;

/* The message in the operator's language. When it is a format, both texts take the same
 * arguments; the compiler checks them against the English one. */
const char *issuer_tr(const char *zh, const char *en) __attribute__((format_arg(2)));
#define TR(zh, en) issuer_tr(zh, en)

/* Parse a --lang value ("zh", "en"); 0 on success, -1 if unknown. */
int issuer_set_lang(const char *value);

/* "ecert-issuer: 错误: <where>: <msg>" (or "error") on stderr; every full ID number in the
 * text is masked first. */
void issuer_error(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same as a warning ("警告" / "warning"). */
void issuer_warn(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a library error: where (err->where, else `cmd`), a short description of the code
 * in the operator's language, and the library's message. */
void issuer_report(const char *cmd, const struct ecert_error *err);
/* issuer_report, then the exit status for err->code: ISSUER_EXIT_USAGE for an input that
 * cannot be read (ECERT_ERR_IO), else ISSUER_EXIT_FAIL. */
int issuer_fail(const char *cmd, const struct ecert_error *err);
/* Report a usage error, point at `ecert-issuer CMD --help`, return ISSUER_EXIT_USAGE. */
int issuer_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The operator-language description of an error code ("取值无效" / "invalid value"). */
const char *issuer_code_text(int code);

/* Mask, in place, every full ID number in s (18 characters [0-9]{17}[0-9Xx] not inside a
 * longer run of letters and digits) to its first 6 and last 4 characters, and every
 * occurrence of `id` (the record's own idNumber, whatever its form; may be NULL) — so that
 * no message, reject file or log ever carries a full number. */
void issuer_redact(char *s, const char *id);

/* getopt_long with our messages: the option, -1 at the end, '?' after reporting an error.
 * Every command accepts --lang (handled here). */
struct option;
int issuer_next_opt(const char *cmd, int argc, char **argv, const struct option *opts);
/* The value of --lang in an option table. */
#define ISSUER_OPT_LANG 900
/* A refused option: a trap so that --passphrase is not taken as --passphrase-file. */
#define ISSUER_OPT_PASSPHRASE 901

/* Print help text (Chinese or English) to stdout and return ISSUER_EXIT_OK. */
int issuer_help(const char *zh, const char *en);

/* What signs: the issuer key, its entry in the trust list, and what follows from it. */
struct issuer_signer {
	EVP_PKEY *key;
	struct ecert_trustlist *tl;
	const struct ecert_trust_entry *entry;
	char kid[ECERT_KID_LEN + 1];
	const char *issuer_id;   /* urn:uscc:… (from the entry) */
	const char *issuer_name; /* from the entry */
	const char *suite;       /* the entry's cryptosuite = the key's */
	char list_id[ECERT_STATUSLIST_ID_MAX + 1];
	char vm[ISSUER_VM_MAX]; /* verificationMethod: issuer id + "#" + kid */
	int only_kind;          /* ECERT_RECORD_TITLE / _SKILL when the scope has one kind */
};

struct issuer_signer_args {
	const char *key_path;
	const char *passphrase_file; /* NULL: ECERT_PASSPHRASE */
	const char *trust_path;
	const char *root_path; /* NULL: the list's root proof is not checked */
	/* 1: the key signs its status list, not certificates. A retired key, or one past its
	 * validUntil, still publishes the status of what it signed (verifiers take such a
	 * list; DESIGN §4); only a compromised key is refused. */
	int status_list;
};

/* Load the trust list (verified with the root key when root_path is given, else checked
 * with ecert_trustlist_load_local), then the private key; find the key's entry by kid and
 * check that it is this key, of the entry's cryptosuite, active and valid at `now` (for
 * a->status_list: not compromised at `now`).
 * Errors: those of the loaders; ECERT_ERR_TRUST (not listed, another key under the kid,
 * another suite); ECERT_ERR_SCOPE (retired, compromised, not yet or no longer valid). */
int issuer_signer_open(const struct issuer_signer_args *a, int64_t now, struct issuer_signer *s,
                       struct ecert_error *err);
void issuer_signer_close(struct issuer_signer *s);

/* The commands. */
int issuer_cmd_issue(int argc, char **argv);
int issuer_cmd_revoke(int argc, char **argv);
int issuer_cmd_status_list(int argc, char **argv);

#endif
