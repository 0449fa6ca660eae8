/* ecert — building and changing the trust list (DESIGN §4, docs/trustlist.md), sign side.
 * Linked by ecert-keys only.
 *
 * An edit session holds the list as a JSON tree and the root private key. Open an
 * existing list (its root proof is verified with the key first: a list changed by hand
 * or signed by another root is refused, never re-signed) or start an empty one, make
 * changes, then commit: the version goes up by one, `issued` becomes the commit time,
 * the root key signs (proof.verificationMethod "urn:ecert:root#<root kid>"), and the
 * result is loaded back exactly as a verifier would load it (ecert_trustlist_from_json)
 * before anything can be written. Entries are never removed: a key that is no longer
 * used is retired, so that what it signed before keeps verifying.
 *
 * A session is not thread-safe; use one per thread. */
#ifndef ECERT_TRUSTEDIT_H
#define ECERT_TRUSTEDIT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/trustlist.h"

/* Longest issuer name (Unicode code points, as the schema says). */
#define ECERT_TRUST_ISSUER_NAME_MAX 100
/* Longest series name (code points). */
#define ECERT_TRUST_SERIES_NAME_MAX 64
/* Longest list name after "urn:ecert:trustlist:". */
#define ECERT_TRUSTLIST_NAME_MAX 64
/* File mode of a written trust list (it is public). */
#define ECERT_TRUSTLIST_FILE_MODE 0644

struct ecert_trustedit;

/* A new entry: one issuer key and what it may sign. */
struct ecert_trust_entry_spec {
	EVP_PKEY *key;            /* the issuer's public key (SM2, Ed25519 or P-256) */
	const char *issuer_id;    /* "urn:uscc:<统一社会信用代码>", checked (GB 32100) */
	const char *issuer_name;  /* UTF-8, as on the certificates */
	const char *const *kinds; /* ECERT_KIND_TITLE and/or ECERT_KIND_SKILL */
	size_t n_kinds;
	const char *const *series; /* title series the key is limited to; 0 = any */
	size_t n_series;
	const char *const *occupations; /* occupation codes or prefixes; 0 = any */
	size_t n_occupations;
	int64_t valid_from; /* Unix seconds */
	int has_valid_until;
	int64_t valid_until; /* Unix seconds, after valid_from */
	int multibase;       /* write publicKeyMultibase instead of publicKeyPem */
};

/* Start an empty list (version 0 until the first commit) signed by `root`, a private
 * key. name NULL gives "urn:ecert:trustlist:<root kid>", otherwise
 * "urn:ecert:trustlist:<name>" (name: letters, digits, . _ : -, at most
 * ECERT_TRUSTLIST_NAME_MAX). The session takes a reference to root. Errors:
 * ECERT_ERR_ARG (bad name), ECERT_ERR_KEY, ECERT_ERR_NOMEM. */
int ecert_trustedit_new(EVP_PKEY *root, const char *name, struct ecert_trustedit **out,
                        struct ecert_error *err);

/* Open a signed list from a file / a parsed tree (copied) for changing. The list must
 * verify with `root` (errors as ecert_trustlist_load). */
int ecert_trustedit_open(const char *path, EVP_PKEY *root, struct ecert_trustedit **out,
                         struct ecert_error *err);
int ecert_trustedit_open_json(const cJSON *doc, EVP_PKEY *root, struct ecert_trustedit **out,
                              struct ecert_error *err);

/* NULL is fine. */
void ecert_trustedit_free(struct ecert_trustedit *ed);

/* Add an entry (status active). Errors: ECERT_ERR_EXISTS (the kid is already listed);
 * ECERT_ERR_INVALID (bad USCC, empty or malformed name, the issuer id already listed
 * under another name, the root key itself, validUntil not after validFrom, a malformed
 * occupation code, a repeated kind/series/occupation; err->where names the field);
 * ECERT_ERR_ARG (no kind, or series/occupations for a kind the entry does not have);
 * ECERT_ERR_KEY; ECERT_ERR_NOMEM. On error the list is unchanged. */
int ecert_trustedit_add(struct ecert_trustedit *ed, const struct ecert_trust_entry_spec *spec,
                        struct ecert_error *err);

/* Retire key `kid` from `since` on (signatures made after since are refused; those made
 * up to since keep verifying). Errors: ECERT_ERR_ARG (no such kid), ECERT_ERR_INVALID
 * (already retired, or compromised; since before the key's validFrom). */
int ecert_trustedit_retire(struct ecert_trustedit *ed, const char *kid, int64_t since,
                           struct ecert_error *err);

/* Mark key `kid` compromised from `since` on (signatures made at or after since are
 * refused). An active key becomes compromised; a retired key too, keeping the earlier of
 * its retirement and `since`; an already compromised key can only have since moved
 * earlier. *effective (may be NULL) gets the since written. Errors: ECERT_ERR_ARG (no
 * such kid), ECERT_ERR_INVALID (compromised already, at or before since). */
int ecert_trustedit_compromised(struct ecert_trustedit *ed, const char *kid, int64_t since,
                                int64_t *effective, struct ecert_error *err);

/* Bump the version, set issued = now, sign with the root key and load the result back as
 * a verifier would. Errors: those of ecert_proof_sign and ecert_trustlist_from_json,
 * ECERT_ERR_INVALID (version at its maximum). */
int ecert_trustedit_commit(struct ecert_trustedit *ed, int64_t now, struct ecert_error *err);

/* The list as it stands (owned by the session). */
const cJSON *ecert_trustedit_json(const struct ecert_trustedit *ed);
/* Its version (0 for a new list before the first commit). */
long ecert_trustedit_version(const struct ecert_trustedit *ed);

/* Append the committed list as indented JSON + newline to out / write it atomically to
 * path (mode ECERT_TRUSTLIST_FILE_MODE; with exclusive, ECERT_ERR_EXISTS if path
 * exists). ECERT_ERR_ARG if there are changes not committed. */
int ecert_trustedit_serialize(const struct ecert_trustedit *ed, struct ecert_buf *out,
                              struct ecert_error *err);
int ecert_trustedit_write(const struct ecert_trustedit *ed, const char *path, int exclusive,
                          struct ecert_error *err);

#endif
