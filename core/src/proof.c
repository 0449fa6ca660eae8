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
	const EVP_MD *type = ecert_ossl_md(alg);

	if (!type)
		return ecert_fail(err, ECERT_ERR_SUITE, "no hash for this algorithm");
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

/* ecert_proof_parts; with doc_canon (not NULL) the document's JCS form is those bytes,
 * given by the caller, and is hashed without being copied into parts->doc_canon. */
static int make_parts(const cJSON *doc, const cJSON *proof_config, const unsigned char *doc_canon,
                      size_t doc_canon_len, struct ecert_proof_parts *parts,
                      struct ecert_error *err)
{
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
	/* proofConfig: the proof without proofValue, with the document's @context if it has
	 * none; the unsecured document: the document without proof. Serialized as edited
	 * views, without copying either. */
	doc_ctx = cJSON_GetObjectItemCaseSensitive(doc, "@context");
	if (cJSON_GetObjectItemCaseSensitive(proof_config, "@context"))
		doc_ctx = NULL;
	rc = ecert_jcs_serialize_edited(proof_config, "proofValue", doc_ctx ? "@context" : NULL,
	                                doc_ctx, &parts->proof_canon, err);
	if (rc != ECERT_OK) {
		ecert_error_prefix(err, "proof");
		goto out;
	}
	if (!doc_canon) {
		rc = ecert_jcs_serialize_edited(doc, "proof", NULL, NULL, &parts->doc_canon, err);
		if (rc != ECERT_OK)
			goto out;
		doc_canon = parts->doc_canon.data;
		doc_canon_len = parts->doc_canon.len;
	}
	parts->hash_len = ECERT_HASH_MAX;
	rc = ecert_hash(alg, parts->proof_canon.data, parts->proof_canon.len, parts->proof_hash,
	                err);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_hash(alg, doc_canon, doc_canon_len, parts->doc_hash, err);
out:
	if (rc != ECERT_OK)
		ecert_proof_parts_free(parts);
	return rc;
}

int ecert_proof_parts(const cJSON *doc, const cJSON *proof_config, struct ecert_proof_parts *parts,
                      struct ecert_error *err)
{
	return make_parts(doc, proof_config, NULL, 0, parts, err);
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
	return ecert_proof_verify_canon(doc, key, NULL, 0, err);
}

int ecert_proof_verify_canon(const cJSON *doc, EVP_PKEY *key, const unsigned char *doc_canon,
                             size_t doc_canon_len, struct ecert_error *err)
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
	alg = ecert_sig_key_alg(key);
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
	r = make_parts(doc, proof, doc_canon, doc_canon_len, &parts, err);
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
