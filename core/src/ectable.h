/* ecert — SM2 and ECDSA P-256 verification with precomputed tables for one public key.
 * Not a public header: only core/src/ includes it (sigverify.c, and the unit test).
 *
 * A verification computes u1·G + u2·Q. OpenSSL's own verification has a precomputed
 * table for G on P-256 only and none for the issuer's key Q, so most of its time goes to
 * the 256 doublings of u2·Q. A verifier checks many certificates against the few keys of
 * its trust list: for such a key this module builds, with OpenSSL's EC arithmetic, a
 * group whose generator is Q and asks OpenSSL to precompute its multiples
 * (EC_GROUP_precompute_mult), the same for G on the SM2 curve, and then evaluates the
 * verification equation itself on the two fixed-base products:
 *   ECDSA (SEC 1 §4.1.4):    r, s in [1, n-1]; w = s⁻¹; R = (e·w)·G + (r·w)·Q;
 *                            valid iff R ≠ O and x(R) mod n = r
 *   SM2 (GB/T 32918.2 §7.1): r, s in [1, n-1]; t = (r + s) mod n ≠ 0; R = s·G + t·Q;
 *                            valid iff R ≠ O and (e + x(R)) mod n = r
 * where e is the digest as a big-endian integer (SHA-256 of the message for P-256; SM3
 * of Z || M for SM2 — the caller hashes). Everything here is public data: no secret
 * goes through these paths, so they need not be constant-time.
 *
 * Building a table costs about 1 ms (SM2) or 20 ms (P-256) and takes about 20 KiB /
 * 150 KiB, so sigverify.c builds one only for a key it has already used a number of
 * times. A table is not thread-safe (it holds a BN_CTX): one per thread. */
#ifndef ECERT_ECTABLE_H
#define ECERT_ECTABLE_H

#include <openssl/evp.h>
#include "ecert/key.h"

struct ecert_ectable;

/* The table for key (an SM2 or P-256 public key; alg says which), or NULL if it cannot
 * be built (out of memory, another kind of key, or an OpenSSL without the deprecated
 * EC_GROUP_precompute_mult): the caller then verifies through EVP. */
struct ecert_ectable *ecert_ectable_new(EVP_PKEY *key, enum ecert_alg alg);

void ecert_ectable_free(struct ecert_ectable *t);

/* Verify the 64-byte r || s signature sig on the 32-byte digest dgst. 1 valid, 0 not
 * valid (including r or s out of range), -1 if the arithmetic failed (out of memory):
 * the caller then verifies through EVP, so that a failure never reads as valid. */
int ecert_ectable_verify(struct ecert_ectable *t, const unsigned char dgst[32],
			 const unsigned char sig[64]);

#endif
