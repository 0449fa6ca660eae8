/* ecert — Data Integrity proofs with the JCS cryptosuites, verify side (DESIGN §3). */
#include <string.h>

#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "ecert/alloc.h"
#include "ecert/encoding.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/proof.h"
#include "ossl.h"

#define PROOF_TYPE "DataIntegrityProof"
#define PROOF_PURPOSE "assertionMethod"
/* hashData = H(proofConfig) || H(document): two 32-byte digests. */
#define HASHDATA_LEN (2 * ECERT_HASH_MAX)

static const struct {
	enum ecert_alg alg;
	const char *suite;
} suites[] = {
    {ECERT_ALG_SM2, ECERT_SUITE_SM2},
    {ECERT_ALG_ED25519, ECERT_SUITE_EDDSA},
    {ECERT_ALG_P256, ECERT_SUITE_ECDSA},
};

const char *ecert_suite_name(enum ecert_alg alg)
{
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i].alg == alg)
			return suites[i].suite;
	return NULL;
}

enum ecert_alg ecert_suite_alg(const char *suite)
{
	size_t i;

	if (!suite)
		return ECERT_ALG_NONE;
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (strcmp(suites[i].suite, suite) == 0)
			return suites[i].alg;
	return ECERT_ALG_NONE;
}

int ecert_hash(enum ecert_alg alg, const unsigned char *in, size_t len,
               unsigned char out[ECERT_HASH_MAX], struct ecert_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *type;

	switch (alg) {
	case ECERT_ALG_SM2:
		type = EVP_sm3();
		break;
	case ECERT_ALG_ED25519:
	case ECERT_ALG_P256:
		type = EVP_sha256();
		break;
	case ECERT_ALG_NONE:
	default:
		return ecert_fail(err, ECERT_ERR_SUITE, "no hash for this algorithm");
	}
	if (!EVP_Digest(in, len, md, &mdlen, type, NULL) || mdlen != ECERT_HASH_MAX)
		return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "digest failed");
	memcpy(out, md, ECERT_HASH_MAX);
	OPENSSL_cleanse(md, sizeof(md));
	return ECERT_OK;
}

void ecert_proof_parts_free(struct ecert_proof_parts *parts)
{
	if (!parts)
		return;
	ecert_buf_free(&parts->proof_canon);
	ecert_buf_free(&parts->doc_canon);
	memset(parts, 0, sizeof(*parts));
}

int ecert_proof_parts(const cJSON *doc, const cJSON *proof_config, struct ecert_proof_parts *parts,
                      struct ecert_error *err)
{
	cJSON *cfg = NULL, *unsecured = NULL, *ctx;
	const cJSON *doc_ctx;
	enum ecert_alg alg;
	int rc;

	memset(parts, 0, sizeof(*parts));
	if (!cJSON_IsObject(doc) || !cJSON_IsObject(proof_config))
		return ecert_fail(err, ECERT_ERR_SCHEMA,
		                  "the document and the proof must be objects");
	alg = ecert_suite_alg(ecert_json_str(proof_config, "cryptosuite"));
	if (alg == ECERT_ALG_NONE) {
		ecert_error_where(err, "proof.cryptosuite");
		return ecert_fail(err, ECERT_ERR_SUITE, "expected %s, %s or %s", ECERT_SUITE_SM2,
		                  ECERT_SUITE_EDDSA, ECERT_SUITE_ECDSA);
	}
	cfg = cJSON_Duplicate(proof_config, 1);
	unsecured = cJSON_Duplicate(doc, 1);
	if (!cfg || !unsecured) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(cfg, "proofValue");
	cJSON_DeleteItemFromObjectCaseSensitive(unsecured, "proof");
	doc_ctx = cJSON_GetObjectItemCaseSensitive(doc, "@context");
	if (doc_ctx && !cJSON_GetObjectItemCaseSensitive(cfg, "@context")) {
		ctx = cJSON_Duplicate(doc_ctx, 1);
		if (!ctx || !cJSON_AddItemToObject(cfg, "@context", ctx)) {
			cJSON_Delete(ctx);
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	rc = ecert_jcs_serialize(cfg, &parts->proof_canon, err);
	if (rc != ECERT_OK) {
		ecert_error_prefix(err, "proof");
		goto out;
	}
	rc = ecert_jcs_serialize(unsecured, &parts->doc_canon, err);
	if (rc != ECERT_OK)
		goto out;
	parts->hash_len = ECERT_HASH_MAX;
	rc = ecert_hash(alg, parts->proof_canon.data, parts->proof_canon.len, parts->proof_hash,
	                err);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_hash(alg, parts->doc_canon.data, parts->doc_canon.len, parts->doc_hash, err);
out:
	cJSON_Delete(cfg);
	cJSON_Delete(unsecured);
	if (rc != ECERT_OK)
		ecert_proof_parts_free(parts);
	return rc;
}

/* 64-byte r||s to a DER ECDSA-Sig-Value (SEC1 / GB/T 32918.2 use the same ASN.1). */
static int rs_to_der(const unsigned char *sig, unsigned char **der, int *derlen)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, ECERT_EC_SCALAR_LEN, NULL);
	BIGNUM *sv = BN_bin2bn(sig + ECERT_EC_SCALAR_LEN, ECERT_EC_SCALAR_LEN, NULL);
	int ok = 0;

	*der = NULL;
	if (!s || !r || !sv || !ECDSA_SIG_set0(s, r, sv))
		goto out;
	r = sv = NULL; /* owned by s now */
	*derlen = i2d_ECDSA_SIG(s, der);
	ok = *derlen > 0;
out:
	BN_free(r);
	BN_free(sv);
	ECDSA_SIG_free(s);
	return ok;
}

/* An "EC" key on the SM2 curve must be used as an SM2 key: re-decoding its SPKI gives
 * OpenSSL's "SM2" type (decoders key the type on the curve). */
static int sm2_public(EVP_PKEY *key, EVP_PKEY **out, struct ecert_error *err)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n;

	if (EVP_PKEY_is_a(key, "SM2")) {
		if (!EVP_PKEY_up_ref(key))
			return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot reference the key");
		*out = key;
		return ECERT_OK;
	}
	n = i2d_PUBKEY(key, &der);
	if (n <= 0)
		return ecert_ossl_fail(err, ECERT_ERR_KEY, "cannot encode the public key");
	p = der;
	*out = d2i_PUBKEY(NULL, &p, n);
	OPENSSL_free(der);
	if (!*out || !EVP_PKEY_is_a(*out, "SM2")) {
		EVP_PKEY_free(*out);
		*out = NULL;
		return ecert_ossl_fail(err, ECERT_ERR_KEY, "not an SM2 key");
	}
	return ECERT_OK;
}

int ecert_sig_verify(EVP_PKEY *key, const unsigned char *msg, size_t msglen,
                     const unsigned char *sig, size_t siglen, struct ecert_error *err)
{
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *sm2 = NULL;
	unsigned char *der = NULL;
	int derlen = 0, ok, r, rc = ECERT_ERR_SIGNATURE;
	enum ecert_alg alg = ecert_key_alg(key);

	if (alg == ECERT_ALG_NONE)
		return ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
	if (!sig || siglen != ECERT_SIG_MAX)
		return ecert_fail(err, ECERT_ERR_SIGNATURE,
		                  "the signature must be %d bytes, not %zu", ECERT_SIG_MAX, siglen);
	mctx = EVP_MD_CTX_new();
	if (!mctx) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	switch (alg) {
	case ECERT_ALG_SM2:
		r = sm2_public(key, &sm2, err);
		if (r == ECERT_OK)
			r = ecert_ossl_sm2_init(mctx, sm2, 0, &pctx, err);
		break;
	case ECERT_ALG_P256:
		r = EVP_DigestVerifyInit(mctx, NULL, EVP_sha256(), NULL, key) > 0
		        ? ECERT_OK
		        : ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot start ECDSA-SHA256");
		break;
	case ECERT_ALG_ED25519:
	default:
		r = EVP_DigestVerifyInit(mctx, NULL, NULL, NULL, key) > 0
		        ? ECERT_OK
		        : ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot start Ed25519");
		break;
	}
	if (r != ECERT_OK) {
		rc = r;
		goto out;
	}
	if (alg == ECERT_ALG_ED25519) {
		ok = EVP_DigestVerify(mctx, sig, siglen, msg, msglen);
	} else {
		if (!rs_to_der(sig, &der, &derlen)) {
			rc = ecert_ossl_fail(err, ECERT_ERR_NOMEM, "cannot encode the signature");
			goto out;
		}
		ok = EVP_DigestVerify(mctx, der, (size_t)derlen, msg, msglen);
	}
	if (ok != 1) {
		/* 0 = mismatch, < 0 = malformed (e.g. r or s out of range): both a bad signature */
		ERR_clear_error();
		ecert_fail(err, ECERT_ERR_SIGNATURE, "the %s signature does not verify",
		           ecert_alg_name(alg));
		goto out;
	}
	rc = ECERT_OK;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(sm2);
	return rc;
}

/* The proof member `name` as a string, or ECERT_ERR_SCHEMA naming it. */
static int need_str(const cJSON *proof, const char *name, const char *want, const char **out,
                    struct ecert_error *err)
{
	const char *s = ecert_json_str(proof, name);

	if (!s) {
		ecert_error_where(err, "proof.%s", name);
		return ecert_fail(err, ECERT_ERR_SCHEMA, "expected a string%s%s%s",
		                  want ? " \"" : "", want ? want : "", want ? "\"" : "");
	}
	if (want && strcmp(s, want) != 0) {
		ecert_error_where(err, "proof.%s", name);
		return ecert_fail(err, ECERT_ERR_SCHEMA, "expected \"%s\"", want);
	}
	*out = s;
	return ECERT_OK;
}

int ecert_proof_verify(const cJSON *doc, EVP_PKEY *key, struct ecert_error *err)
{
	struct ecert_proof_parts parts;
	struct ecert_buf sig = ECERT_BUF_INIT;
	unsigned char hashdata[HASHDATA_LEN];
	const cJSON *proof, *pctx, *dctx;
	const char *s, *suite = NULL, *value = NULL;
	enum ecert_alg alg;
	int r, rc = ECERT_ERR_SIGNATURE; /* fail closed: OK only after the last check */

	memset(&parts, 0, sizeof(parts));
	proof = cJSON_IsObject(doc) ? ecert_json_obj(doc, "proof") : NULL;
	if (!proof) {
		ecert_error_where(err, "proof");
		rc = ecert_fail(err, ECERT_ERR_SCHEMA, "expected a proof object");
		goto out;
	}
	if ((r = need_str(proof, "type", PROOF_TYPE, &s, err)) != ECERT_OK ||
	    (r = need_str(proof, "proofPurpose", PROOF_PURPOSE, &s, err)) != ECERT_OK ||
	    (r = need_str(proof, "created", NULL, &s, err)) != ECERT_OK ||
	    (r = need_str(proof, "verificationMethod", NULL, &s, err)) != ECERT_OK ||
	    (r = need_str(proof, "cryptosuite", NULL, &suite, err)) != ECERT_OK ||
	    (r = need_str(proof, "proofValue", NULL, &value, err)) != ECERT_OK) {
		rc = r;
		goto out;
	}
	alg = ecert_key_alg(key);
	if (alg == ECERT_ALG_NONE) {
		rc = ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
		goto out;
	}
	/* No suite substitution: the key decides the one suite it may be used with. */
	if (ecert_suite_alg(suite) != alg) {
		ecert_error_where(err, "proof.cryptosuite");
		rc = ecert_fail(err, ECERT_ERR_SUITE,
		                "\"%s\" cannot be used with an %s key (expected %s)", suite,
		                ecert_alg_name(alg), ecert_suite_name(alg));
		goto out;
	}
	/* The proof's @context, when present, must be the document's (the JCS suites
	 * require the document's to start with it; we accept no extra, unsigned entries). */
	pctx = cJSON_GetObjectItemCaseSensitive(proof, "@context");
	dctx = cJSON_GetObjectItemCaseSensitive(doc, "@context");
	if (pctx && (!dctx || !cJSON_Compare(pctx, dctx, 1))) {
		ecert_error_where(err, "proof.@context");
		rc = ecert_fail(err, ECERT_ERR_SCHEMA, "expected the document's @context");
		goto out;
	}
	r = ecert_multibase58_decode(value, strlen(value), &sig, err);
	if (r == ECERT_OK && sig.len != ECERT_SIG_MAX)
		r = ecert_fail(err, ECERT_ERR_ENCODING,
		               "expected a %d-byte signature, not %zu bytes", ECERT_SIG_MAX,
		               sig.len);
	if (r != ECERT_OK) {
		ecert_error_where(err, "proof.proofValue");
		rc = r;
		goto out;
	}
	r = ecert_proof_parts(doc, proof, &parts, err);
	if (r != ECERT_OK) {
		rc = r;
		goto out;
	}
	memcpy(hashdata, parts.proof_hash, ECERT_HASH_MAX);
	memcpy(hashdata + ECERT_HASH_MAX, parts.doc_hash, ECERT_HASH_MAX);
	r = ecert_sig_verify(key, hashdata, sizeof(hashdata), sig.data, sig.len, err);
	if (r != ECERT_OK) {
		ecert_error_where(err, "proof.proofValue");
		rc = r;
		goto out;
	}
	rc = ECERT_OK;
out:
	ecert_proof_parts_free(&parts);
	ecert_buf_free(&sig);
	return rc;
}

int ecert_proof_verify_didkey(const cJSON *doc, struct ecert_error *err)
{
	const cJSON *proof = cJSON_IsObject(doc) ? ecert_json_obj(doc, "proof") : NULL;
	const char *vm = proof ? ecert_json_str(proof, "verificationMethod") : NULL;
	EVP_PKEY *key = NULL;
	int rc;

	if (!vm) {
		ecert_error_where(err, "proof.verificationMethod");
		return ecert_fail(err, ECERT_ERR_SCHEMA, "expected a string");
	}
	rc = ecert_didkey_resolve(vm, &key, err);
	if (rc != ECERT_OK) {
		ecert_error_where(err, "proof.verificationMethod");
		return rc;
	}
	rc = ecert_proof_verify(doc, key, err);
	EVP_PKEY_free(key);
	return rc;
}
