/* ecert — internal helpers around OpenSSL shared by key, proof and key-file code.
 * Not a public header: only core/src/ includes it. */
#ifndef ECERT_OSSL_H
#define ECERT_OSSL_H

#include <openssl/evp.h>
#include "ecert/error.h"
#include "ecert/key.h"

/* SM2 distinguishing ID length: strlen(ECERT_SM2_DISTID), GB/T 32918.2 default. */
#define ECERT_SM2_DISTID_LEN 16
/* r and s of SM2 / P-256 signatures, each left-padded to the curve size. */
#define ECERT_EC_SCALAR_LEN 32

/* Fail with `code` and `what`, adding the last OpenSSL error text, and clear OpenSSL's
 * thread-local error queue so that it does not leak into a later call. Returns code. */
int ecert_ossl_fail(struct ecert_error *err, int code, const char *what);

/* The suite's digest (SM3 for SM2, SHA-256 otherwise), fetched once per process:
 * EVP_sm3() / EVP_sha256() fetch the implementation again on every use, which costs
 * more than hashing a certificate. NULL for ECERT_ALG_NONE. */
const EVP_MD *ecert_ossl_md(enum ecert_alg alg);

/* Prepare mctx for an SM2-with-SM3 signature operation (sign != 0) or verification with
 * the distinguishing ID ECERT_SM2_DISTID. *pctx receives the EVP_PKEY_CTX that carries
 * the ID; the caller frees it with EVP_PKEY_CTX_free after EVP_MD_CTX_free(mctx) (the
 * message digest context does not own it). key must be of type "SM2". */
int ecert_ossl_sm2_init(EVP_MD_CTX *mctx, EVP_PKEY *key, int sign, EVP_PKEY_CTX **pctx,
                        struct ecert_error *err);

#endif
