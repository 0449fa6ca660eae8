/* ecert — W3C Data Integrity proofs with the JCS cryptosuites (DESIGN §3), verify side.
 *
 *   proofConfig = proof without proofValue, carrying the document's @context
 *   hashData    = H(JCS(proofConfig)) || H(JCS(document without proof))
 *   proofValue  = multibase base58btc of the signature
 *
 * | suite          | key     | H       | signature                                    |
 * | sm2-jcs-2025   | SM2     | SM3     | SM2-with-SM3, ID "1234567812345678", r||s     |
 * | eddsa-jcs-2022 | Ed25519 | SHA-256 | Ed25519 (pure) over hashData                  |
 * | ecdsa-jcs-2019 | P-256   | SHA-256 | ECDSA-SHA256 over hashData, 64-byte r||s      | */
#ifndef ECERT_PROOF_H
#define ECERT_PROOF_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/key.h"

#define ECERT_SUITE_SM2 "sm2-jcs-2025"
#define ECERT_SUITE_EDDSA "eddsa-jcs-2022"
#define ECERT_SUITE_ECDSA "ecdsa-jcs-2019"
#define ECERT_SM2_DISTID "1234567812345678"
#define ECERT_HASH_MAX 32          /* SM3 and SHA-256 */
#define ECERT_SIG_MAX 64           /* r||s for SM2/P-256; Ed25519 */

/* Cryptosuite name for an algorithm and back (ECERT_ALG_NONE if unknown). */
const char *ecert_suite_name(enum ecert_alg alg);
enum ecert_alg ecert_suite_alg(const char *suite);

/* The intermediate values of a proof, for known-answer tests and diagnostics. */
struct ecert_proof_parts {
	struct ecert_buf proof_canon;   /* JCS(proofConfig) */
	struct ecert_buf doc_canon;     /* JCS(document without proof) */
	unsigned char proof_hash[ECERT_HASH_MAX];
	unsigned char doc_hash[ECERT_HASH_MAX];
	size_t hash_len;                /* 32 */
};

/* Compute the intermediates for `doc` (with or without `proof`; any proof member is
 * dropped) and `proof_config` (proofValue, if present, is dropped; @context is taken
 * from the document when the config lacks it). The suite comes from
 * proof_config.cryptosuite. Caller frees with ecert_proof_parts_free. */
int ecert_proof_parts(const cJSON *doc, const cJSON *proof_config,
		      struct ecert_proof_parts *parts, struct ecert_error *err);
void ecert_proof_parts_free(struct ecert_proof_parts *parts);

/* Verify doc.proof with `key`. Fails closed: ECERT_OK only if the proof has every
 * required member, its cryptosuite matches the key's algorithm (no substitution), and
 * the signature verifies. Errors: ECERT_ERR_SCHEMA (proof malformed), ECERT_ERR_SUITE,
 * ECERT_ERR_ENCODING (proofValue), ECERT_ERR_SIGNATURE. Thread-safe. */
int ecert_proof_verify(const cJSON *doc, EVP_PKEY *key, struct ecert_error *err);

/* ecert_proof_verify when the caller already has doc_canon, JCS(document without proof),
 * doc_canon_len bytes (NULL: serialized here). A verifier given a canonical text has it
 * (ecert_json_parse_canon). The bytes must come from the very text doc was parsed from:
 * if they were not its JCS form, the signature, made over that form, would not verify. */
int ecert_proof_verify_canon(const cJSON *doc, EVP_PKEY *key, const unsigned char *doc_canon,
			     size_t doc_canon_len, struct ecert_error *err);

/* Verify a W3C-style document whose verificationMethod is a did:key. */
int ecert_proof_verify_didkey(const cJSON *doc, struct ecert_error *err);

/* The algorithm of a verification key, as ecert_key_alg, from the calling thread's
 * prepared contexts (ecert_key_alg asks OpenSSL by name, which costs a good part of an
 * Ed25519 verification). */
enum ecert_alg ecert_sig_key_alg(EVP_PKEY *key);

/* Low level: verify signature `sig` over hashData with `key` (suite by key type). */
int ecert_sig_verify(EVP_PKEY *key, const unsigned char *msg, size_t msglen,
		     const unsigned char *sig, size_t siglen, struct ecert_error *err);

/* SM3 or SHA-256 by algorithm: out gets 32 bytes. */
int ecert_hash(enum ecert_alg alg, const unsigned char *in, size_t len,
	       unsigned char out[ECERT_HASH_MAX], struct ecert_error *err);

#endif
