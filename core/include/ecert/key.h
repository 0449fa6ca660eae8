/* ecert — public keys (verify side): loading SPKI PEM, the kid, Multikey and did:key.
 * Keys are OpenSSL EVP_PKEY handles; functions that return one give the caller a
 * reference to free with EVP_PKEY_free(). */
#ifndef ECERT_KEY_H
#define ECERT_KEY_H

#include <stddef.h>
#include <openssl/evp.h>
#include "ecert/buf.h"
#include "ecert/error.h"

enum ecert_alg {
	ECERT_ALG_NONE = 0,
	ECERT_ALG_SM2,     /* SM2 curve, cryptosuite sm2-jcs-2025 */
	ECERT_ALG_ED25519, /* eddsa-jcs-2022 */
	ECERT_ALG_P256     /* ecdsa-jcs-2019 */
};

/* base64url(first 8 bytes of SHA-256(DER SPKI)): 11 characters + NUL. */
#define ECERT_KID_LEN 11

/* The algorithm of a key, ECERT_ALG_NONE if unsupported (e.g. P-384, RSA). */
enum ecert_alg ecert_key_alg(const EVP_PKEY *key);
/* "sm2", "ed25519", "p256" and back. */
const char *ecert_alg_name(enum ecert_alg alg);
enum ecert_alg ecert_alg_from_name(const char *name);

/* kid of a public (or private) key, DESIGN §3. */
int ecert_key_kid(const EVP_PKEY *key, char kid[ECERT_KID_LEN + 1], struct ecert_error *err);

/* Parse a public key from SPKI PEM text / a file. Only SM2, Ed25519 and P-256 are
 * accepted (ECERT_ERR_KEY otherwise). */
int ecert_key_from_pem(const char *pem, size_t len, EVP_PKEY **out, struct ecert_error *err);
int ecert_key_load_public(const char *path, EVP_PKEY **out, struct ecert_error *err);
/* Append the SPKI PEM of key's public part to out. */
int ecert_key_to_pem(const EVP_PKEY *key, struct ecert_buf *out, struct ecert_error *err);

/* Multikey (multibase base58btc of multicodec-prefixed raw key): Ed25519 0xed01 + 32
 * bytes; P-256 0x1200 + 33-byte compressed point; SM2 0x1206 + 33-byte compressed point
 * (multicodec sm2-pub). */
int ecert_key_to_multikey(const EVP_PKEY *key, struct ecert_buf *out, struct ecert_error *err);
int ecert_key_from_multikey(const char *mb, EVP_PKEY **out, struct ecert_error *err);

/* Resolve a did:key verification method ("did:key:z6Mk…#z6Mk…") to its key. */
int ecert_didkey_resolve(const char *verification_method, EVP_PKEY **out,
			 struct ecert_error *err);

#endif
