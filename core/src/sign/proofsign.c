/* ecert — creating Data Integrity proofs with the JCS cryptosuites (DESIGN §3). */
#include <string.h>

#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"
#include "ecert/encoding.h"
#include "ecert/proof.h"
#include "ecert/sign.h"
#include "../ossl.h"

#define PROOF_TYPE "DataIntegrityProof"
#define PROOF_PURPOSE "assertionMethod"
#define HASHDATA_LEN (2 * ECERT_HASH_MAX)
#define CREATED_MAX 26 /* ecert_time_format: "YYYY-MM-DDThh:mm:ss+08:00" + NUL */
/* A DER ECDSA-Sig-Value of a 256-bit curve is at most 72 bytes. */
#define DER_SIG_MAX 80

/* An "EC" private key on the SM2 curve, as OpenSSL's "SM2" type (decoders key the type on
 * the curve); an SM2 key is returned with a new reference. */
static int sm2_private(EVP_PKEY *key, EVP_PKEY **out, struct ecert_error *err)
{
	PKCS8_PRIV_KEY_INFO *p8;

	if (EVP_PKEY_is_a(key, "SM2")) {
		if (!EVP_PKEY_up_ref(key))
			return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot reference the key");
		*out = key;
		return ECERT_OK;
	}
	p8 = EVP_PKEY2PKCS8(key);
	*out = p8 ? EVP_PKCS82PKEY(p8) : NULL;
	PKCS8_PRIV_KEY_INFO_free(p8); /* clears the private key octets */
	if (!*out || !EVP_PKEY_is_a(*out, "SM2")) {
		EVP_PKEY_free(*out);
		*out = NULL;
		return ecert_ossl_fail(err, ECERT_ERR_KEY, "not an SM2 private key");
	}
	return ECERT_OK;
}

/* DER ECDSA-Sig-Value to 64-byte r||s. */
static int der_to_rs(const unsigned char *der, size_t derlen, unsigned char *sig)
{
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	const BIGNUM *r, *sv;
	int ok = 0;

	if (!s || p != der + derlen)
		goto out;
	ECDSA_SIG_get0(s, &r, &sv);
	ok =
	    BN_bn2binpad(r, sig, ECERT_EC_SCALAR_LEN) == ECERT_EC_SCALAR_LEN &&
	    BN_bn2binpad(sv, sig + ECERT_EC_SCALAR_LEN, ECERT_EC_SCALAR_LEN) == ECERT_EC_SCALAR_LEN;
out:
	ECDSA_SIG_free(s);
	return ok;
}

int ecert_sig_sign(EVP_PKEY *key, const unsigned char *msg, size_t msglen, unsigned char *sig,
                   size_t *siglen, struct ecert_error *err)
{
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *sm2 = NULL;
	unsigned char der[DER_SIG_MAX];
	size_t derlen = sizeof(der);
	int r, rc = ECERT_ERR_CRYPTO;
	enum ecert_alg alg = ecert_key_alg(key);

	if (alg == ECERT_ALG_NONE)
		return ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
	if (!sig || !siglen || *siglen < ECERT_SIG_MAX)
		return ecert_fail(err, ECERT_ERR_ARG, "the signature buffer needs %d bytes",
		                  ECERT_SIG_MAX);
	mctx = EVP_MD_CTX_new();
	if (!mctx) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	switch (alg) {
	case ECERT_ALG_SM2:
		r = sm2_private(key, &sm2, err);
		if (r == ECERT_OK)
			r = ecert_ossl_sm2_init(mctx, sm2, 1, &pctx, err);
		break;
	case ECERT_ALG_P256:
		r = EVP_DigestSignInit(mctx, NULL, ecert_ossl_md(ECERT_ALG_P256), NULL, key) > 0
		        ? ECERT_OK
		        : ecert_ossl_fail(err, ECERT_ERR_KEY, "cannot start ECDSA-SHA256");
		break;
	case ECERT_ALG_ED25519:
	default:
		r = EVP_DigestSignInit(mctx, NULL, NULL, NULL, key) > 0
		        ? ECERT_OK
		        : ecert_ossl_fail(err, ECERT_ERR_KEY, "cannot start Ed25519");
		break;
	}
	if (r != ECERT_OK) {
		rc = r;
		goto out;
	}
	if (alg == ECERT_ALG_ED25519) {
		derlen = ECERT_SIG_MAX;
		if (EVP_DigestSign(mctx, sig, &derlen, msg, msglen) != 1 ||
		    derlen != ECERT_SIG_MAX) {
			rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "Ed25519 signing failed");
			goto out;
		}
	} else if (EVP_DigestSign(mctx, der, &derlen, msg, msglen) != 1 ||
	           !der_to_rs(der, derlen, sig)) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "signing failed");
		goto out;
	}
	*siglen = ECERT_SIG_MAX;
	rc = ECERT_OK;
out:
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(sm2);
	return rc;
}

/* The public half of key, so that the fresh proof is checked exactly as a verifier who
 * holds only the public key will check it. */
static int public_of(EVP_PKEY *key, EVP_PKEY **out, struct ecert_error *err)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_PUBKEY(key, &der);

	if (n <= 0)
		return ecert_ossl_fail(err, ECERT_ERR_KEY, "cannot encode the public key");
	p = der;
	*out = d2i_PUBKEY(NULL, &p, n);
	OPENSSL_free(der);
	if (!*out)
		return ecert_ossl_fail(err, ECERT_ERR_KEY, "cannot decode the public key");
	return ECERT_OK;
}

static int add_str(cJSON *obj, const char *name, const char *value)
{
	return cJSON_AddStringToObject(obj, name, value) ? ECERT_OK : ECERT_ERR_NOMEM;
}

int ecert_proof_sign(cJSON *doc, EVP_PKEY *key, const char *verification_method,
                     const char *created, struct ecert_error *err)
{
	return ecert_proof_sign_check(doc, key, NULL, verification_method, created, err);
}

int ecert_proof_sign_check(cJSON *doc, EVP_PKEY *key, EVP_PKEY *check_key,
                           const char *verification_method, const char *created,
                           struct ecert_error *err)
{
	struct ecert_proof_parts parts;
	struct ecert_buf value = ECERT_BUF_INIT;
	unsigned char hashdata[HASHDATA_LEN], sig[ECERT_SIG_MAX];
	size_t siglen = sizeof(sig);
	char now[CREATED_MAX];
	cJSON *proof = NULL, *old = NULL, *ctx;
	const cJSON *doc_ctx;
	EVP_PKEY *pub = NULL;
	enum ecert_alg alg = ecert_key_alg(key);
	int64_t t;
	int r, rc = ECERT_ERR_SIGNATURE;

	memset(&parts, 0, sizeof(parts));
	if (!cJSON_IsObject(doc))
		return ecert_fail(err, ECERT_ERR_SCHEMA, "the document must be a JSON object");
	if (alg == ECERT_ALG_NONE)
		return ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
	if (!verification_method || !*verification_method)
		return ecert_fail(err, ECERT_ERR_ARG, "no verification method");
	if (created) {
		r = ecert_time_parse(created, &t, err);
		if (r != ECERT_OK) {
			ecert_error_where(err, "proof.created");
			return r;
		}
	} else {
		ecert_time_format(ecert_time_now(), 1, now);
		created = now;
	}
	proof = cJSON_CreateObject();
	if (!proof || add_str(proof, "type", PROOF_TYPE) != ECERT_OK ||
	    add_str(proof, "cryptosuite", ecert_suite_name(alg)) != ECERT_OK ||
	    add_str(proof, "created", created) != ECERT_OK ||
	    add_str(proof, "verificationMethod", verification_method) != ECERT_OK ||
	    add_str(proof, "proofPurpose", PROOF_PURPOSE) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	doc_ctx = cJSON_GetObjectItemCaseSensitive(doc, "@context");
	if (doc_ctx) {
		ctx = cJSON_Duplicate(doc_ctx, 1);
		if (!ctx || !cJSON_AddItemToObject(proof, "@context", ctx)) {
			cJSON_Delete(ctx);
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	r = ecert_proof_parts(doc, proof, &parts, err);
	if (r != ECERT_OK) {
		rc = r;
		goto out;
	}
	memcpy(hashdata, parts.proof_hash, ECERT_HASH_MAX);
	memcpy(hashdata + ECERT_HASH_MAX, parts.doc_hash, ECERT_HASH_MAX);
	r = ecert_sig_sign(key, hashdata, sizeof(hashdata), sig, &siglen, err);
	if (r != ECERT_OK) {
		rc = r;
		goto out;
	}
	if (ecert_multibase58_encode(sig, siglen, &value) != ECERT_OK ||
	    add_str(proof, "proofValue", (const char *)value.data) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Put the proof in place, keeping any old one until the new one is known good. The
	 * swaps use the constant key (cJSON_AddItemToObjectCS): they cannot fail, so the
	 * document is never left half-changed. */
	old = cJSON_DetachItemFromObjectCaseSensitive(doc, "proof");
	cJSON_AddItemToObjectCS(doc, "proof", proof);
	/* minisign's rule: after signing, verify with the public key before handing out. */
	r = check_key ? ECERT_OK : public_of(key, &pub, err);
	if (r == ECERT_OK)
		r = ecert_proof_verify(doc, check_key ? check_key : pub, err);
	if (r != ECERT_OK) {
		ecert_error_prefix(err, "self-check of the new proof");
		rc = r == ECERT_ERR_NOMEM ? r : ECERT_ERR_SIGNATURE;
		cJSON_DetachItemViaPointer(doc, proof);
		if (old)
			cJSON_AddItemToObjectCS(doc, "proof", old);
		old = NULL;
		goto out;
	}
	proof = NULL; /* owned by doc */
	rc = ECERT_OK;
out:
	cJSON_Delete(proof);
	cJSON_Delete(old);
	EVP_PKEY_free(pub);
	ecert_proof_parts_free(&parts);
	ecert_buf_free(&value);
	OPENSSL_cleanse(sig, sizeof(sig));
	return rc;
}
