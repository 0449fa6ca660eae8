/* ecert — the trust list (DESIGN §4, docs/trustlist.md), verify side.
 *
 * The verifier is configured with the province root public key only. Everything else it
 * learns from the trust list: a JSON document (schemas/trustlist.schema.json) signed by
 * the root key with the certificates' proof form (verificationMethod
 * "urn:ecert:root#<root kid>"), naming for each issuer key its kid, cryptosuite, public
 * key, issuer, validity, status and scope.
 *
 * Loading parses strictly (json.h), checks that the list names the configured root key,
 * verifies the root proof, then validates the shape against the embedded schema and the
 * rules a schema cannot say (unique kids, kid = the key's kid, key algorithm = the
 * entry's cryptosuite, …). A loaded struct ecert_trustlist is immutable: any number of
 * threads may query it at once. Strings and keys handed out by the getters belong to the
 * list and live as long as it does (EVP_PKEY_up_ref to keep a key longer). */
#ifndef ECERT_TRUSTLIST_H
#define ECERT_TRUSTLIST_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include "ecert/error.h"
#include "ecert/key.h"

#define ECERT_TRUSTLIST_SCHEMA "trustlist.schema.json"
#define ECERT_TRUSTLIST_TYPE "EcertTrustList"
#define ECERT_TRUSTLIST_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define ECERT_TRUSTLIST_ID_PREFIX "urn:ecert:trustlist:"
/* The root proof's verificationMethod is this prefix + the root kid. */
#define ECERT_TRUSTLIST_ROOT_VM "urn:ecert:root#"
#define ECERT_TRUSTLIST_ROOT_VM_SIZE (sizeof(ECERT_TRUSTLIST_ROOT_VM) - 1 + ECERT_KID_LEN + 1)
/* Bounds (the schema says the same; the loader enforces them itself too). */
#define ECERT_TRUSTLIST_MAX_BYTES ((size_t)1 << 20)
#define ECERT_TRUSTLIST_ENTRIES_MAX 1024
#define ECERT_TRUSTLIST_SERIES_MAX 64
#define ECERT_TRUSTLIST_OCCUPATIONS_MAX 256
#define ECERT_TRUSTLIST_VERSION_MAX 2147483647
/* How far proof.created may lie ahead of the verifier's clock, in seconds. */
#define ECERT_CLOCK_SKEW 300

/* Certificate kinds of a scope (the records' and the CLI's `kind`). */
#define ECERT_KIND_TITLE "title"
#define ECERT_KIND_SKILL "skill"

enum ecert_key_status {
	ECERT_KEY_ACTIVE = 0,
	ECERT_KEY_RETIRED,    /* signatures made after `since` are refused */
	ECERT_KEY_COMPROMISED /* signatures made at or after `since` are refused */
};

struct ecert_trustlist;
struct ecert_trust_entry;

/* Load a trust list from a file ("-" = standard input) / from bytes / from a parsed tree
 * (only read; the caller keeps doc), trusting only `root` (a public key; a private key works
 * too and only its public part is used). On success *out is owned by the caller
 * (ecert_trustlist_free).
 * Errors: ECERT_ERR_IO, ECERT_ERR_JSON_* (not strict JSON); ECERT_ERR_TRUST (the list
 * names another root, its proof is missing, malformed or does not verify — a list
 * edited after signing or signed by another key); ECERT_ERR_SCHEMA (a correctly signed
 * list of the wrong shape, including an entry whose key is unusable, of another
 * algorithm than its cryptosuite or not the key its kid names; err->where names the
 * member); ECERT_ERR_NOMEM. Thread-safe. */
int ecert_trustlist_load(const char *path, EVP_PKEY *root, struct ecert_trustlist **out,
                         struct ecert_error *err);
int ecert_trustlist_load_mem(const char *text, size_t len, EVP_PKEY *root,
                             struct ecert_trustlist **out, struct ecert_error *err);
int ecert_trustlist_from_json(const cJSON *doc, EVP_PKEY *root, struct ecert_trustlist **out,
                              struct ecert_error *err);

/* NULL is fine. */
void ecert_trustlist_free(struct ecert_trustlist *tl);

/* The list's id, version, issued time (Unix seconds and as written) and root kid. */
const char *ecert_trustlist_id(const struct ecert_trustlist *tl);
long ecert_trustlist_version(const struct ecert_trustlist *tl);
int64_t ecert_trustlist_issued(const struct ecert_trustlist *tl);
const char *ecert_trustlist_issued_text(const struct ecert_trustlist *tl);
const char *ecert_trustlist_root_kid(const struct ecert_trustlist *tl);

/* Entries in document order: count, and the i-th (NULL if i is out of range). */
size_t ecert_trustlist_count(const struct ecert_trustlist *tl);
const struct ecert_trust_entry *ecert_trustlist_entry(const struct ecert_trustlist *tl, size_t i);

/* The entry for `kid`, or NULL if the list has none. */
const struct ecert_trust_entry *ecert_trustlist_find(const struct ecert_trustlist *tl,
                                                     const char *kid);

/* Distinct issuers (by issuer id, in order of first appearance, with the name of that
 * first entry) — e.g. for a page footer naming whom the verifier trusts. */
size_t ecert_trustlist_issuer_count(const struct ecert_trustlist *tl);
int ecert_trustlist_issuer(const struct ecert_trustlist *tl, size_t i, const char **id,
                           const char **name);

/* Getters of an entry (never NULL for a valid entry unless said). */
const char *ecert_trust_entry_kid(const struct ecert_trust_entry *e);
const char *ecert_trust_entry_cryptosuite(const struct ecert_trust_entry *e);
/* The entry's public key, parsed once at load; borrowed from the list. */
EVP_PKEY *ecert_trust_entry_key(const struct ecert_trust_entry *e);
const char *ecert_trust_entry_issuer_id(const struct ecert_trust_entry *e);
const char *ecert_trust_entry_issuer_name(const struct ecert_trust_entry *e);
/* validFrom; validUntil (returns 0 and leaves *until alone if the entry has none). */
int64_t ecert_trust_entry_valid_from(const struct ecert_trust_entry *e);
int ecert_trust_entry_valid_until(const struct ecert_trust_entry *e, int64_t *until);
/* Status and, unless active, the `since` time (0 for an active key). */
enum ecert_key_status ecert_trust_entry_status(const struct ecert_trust_entry *e, int64_t *since);
/* "active", "retired", "compromised". */
const char *ecert_key_status_name(enum ecert_key_status s);
/* Scope: whether the key may sign `kind` (ECERT_KIND_TITLE / ECERT_KIND_SKILL); the
 * series / occupation prefixes it is limited to (count 0 = any). */
int ecert_trust_entry_has_kind(const struct ecert_trust_entry *e, const char *kind);
size_t ecert_trust_entry_series_count(const struct ecert_trust_entry *e);
const char *ecert_trust_entry_series(const struct ecert_trust_entry *e, size_t i);
size_t ecert_trust_entry_occupation_count(const struct ecert_trust_entry *e);
const char *ecert_trust_entry_occupation(const struct ecert_trust_entry *e, size_t i);

/* Whether occupation `code` falls under `prefix`: equal, or the code continues the prefix
 * at a '-' boundary ("6-18" covers "6-18-01-01", not "6-180-…" nor "6-1"). */
int ecert_occupation_prefix_match(const char *prefix, const char *code);

/* May the key `kid` have signed this certificate? The certificate's issuer.id, the kid
 * and cryptosuite of its proof, its kind (ECERT_KIND_TITLE / ECERT_KIND_SKILL), its
 * series (title) or occupationCode (skill) — the other may be NULL — and proof.created,
 * checked against the verifier's clock `now` (Unix seconds).
 *
 * ECERT_ERR_TRUST: the kid is not listed; the entry belongs to another issuer; the entry's
 * cryptosuite is not the proof's (no algorithm substitution).
 * ECERT_ERR_SCOPE: the kind, series or occupation is outside the scope; created is
 * before validFrom or after validUntil; the key was retired before created; it was
 * compromised at or before created; created is more than ECERT_CLOCK_SKEW seconds
 * after now.
 * ECERT_ERR_ARG: a required argument is NULL or kind is not "title"/"skill".
 * err->where names the certificate member blamed ("proof.created", "issuer.id",
 * "credentialSubject.series", …) and err->msg what failed. Thread-safe. */
int ecert_trustlist_check(const struct ecert_trustlist *tl, const char *issuer_id, const char *kid,
                          const char *cryptosuite, const char *kind, const char *series,
                          const char *occupation_code, int64_t created, int64_t now,
                          struct ecert_error *err);

#endif
