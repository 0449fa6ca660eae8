/* ecert — the sign side: key generation, encrypted private-key files, passphrases and
 * proof creation. Linked by ecert-keys and ecert-issuer only, never by ecert-verifier. */
#ifndef ECERT_SIGN_H
#define ECERT_SIGN_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/key.h"

#define ECERT_PASSPHRASE_MAX 1024
#define ECERT_PASSPHRASE_ENV "ECERT_PASSPHRASE"

/* Set up the library for a program that holds private keys: OpenSSL's allocations are
 * wiped when freed (secmem.c), then ecert_init(). Call it before anything else uses
 * OpenSSL; ECERT_ERR_CRYPTO if OpenSSL has already allocated. */
int ecert_sign_init(void);

/* A passphrase held in locked-down memory; wiped by ecert_passphrase_free. */
struct ecert_passphrase {
	char *data;
	size_t len;
};

/* Read the passphrase from `file` (first line, without the newline) or, when file is
 * NULL, from the ECERT_PASSPHRASE environment variable. ECERT_ERR_PASSPHRASE if neither
 * gives one or it is empty. */
int ecert_passphrase_get(const char *file, struct ecert_passphrase *pp, struct ecert_error *err);
void ecert_passphrase_free(struct ecert_passphrase *pp);

/* Generate a fresh key pair. */
int ecert_key_generate(enum ecert_alg alg, EVP_PKEY **out, struct ecert_error *err);

/* Write `NAME.key` (encrypted PKCS#8 PEM: SM4-CBC for SM2, AES-256-CBC otherwise, PBKDF2
 * or scrypt; created O_CREAT|O_EXCL mode 0600) and `NAME.pub` (SPKI PEM). With force,
 * existing files are replaced atomically; without it ECERT_ERR_EXISTS. */
int ecert_key_write_pair(const char *name, EVP_PKEY *key, const struct ecert_passphrase *pp,
			 int force, struct ecert_error *err);

/* Load an encrypted private key. Refuses a file readable or writable by group/others
 * (ECERT_ERR_PERM), a wrong passphrase (ECERT_ERR_PASSPHRASE), an unsupported key type
 * (ECERT_ERR_KEY). */
int ecert_key_load_private(const char *path, const struct ecert_passphrase *pp,
			   EVP_PKEY **out, struct ecert_error *err);

/* Add a proof to `doc` (replacing any): suite from the key, `verification_method` as
 * given ("<issuer.id>#<kid>"), `created` an RFC 3339 time (NULL = now, UTC, seconds).
 * The document's @context is copied into the proof. The new proof is verified with the
 * public key before this returns OK. */
int ecert_proof_sign(cJSON *doc, EVP_PKEY *key, const char *verification_method,
		     const char *created, struct ecert_error *err);

/* As ecert_proof_sign, but the new proof is checked with `check_key`: the public key
 * verifiers will use (the issuer's trust-list entry), given once instead of derived from
 * `key` on every call — a round trip of the key through OpenSSL's decoders costs more
 * than the signature itself. If check_key is not key's public half the check fails
 * (ECERT_ERR_SIGNATURE) and doc is unchanged. check_key NULL = as ecert_proof_sign. */
int ecert_proof_sign_check(cJSON *doc, EVP_PKEY *key, EVP_PKEY *check_key,
			   const char *verification_method, const char *created,
			   struct ecert_error *err);

/* Low level: sign hashData (64 bytes r||s for SM2/P-256, 64 for Ed25519). *siglen is the
 * size of sig on entry (at least ECERT_SIG_MAX, else ECERT_ERR_ARG) and 64 on return. */
int ecert_sig_sign(EVP_PKEY *key, const unsigned char *msg, size_t msglen,
		   unsigned char *sig, size_t *siglen, struct ecert_error *err);

#endif
