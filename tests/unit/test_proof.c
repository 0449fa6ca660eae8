/* cmocka: Data Integrity proofs (DESIGN §3) — known-answer tests against the W3C
 * eddsa-jcs-2022 and ecdsa-jcs-2019 vectors and our sm2-jcs-2025 vector (every
 * intermediate), sign/verify with fresh keys, every-byte flips of the canonical document,
 * the proof configuration and the signature, wrong keys, suite substitution, malformed
 * proofs, and that a failed signing leaves the document as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/encoding.h"
#include "ecert/file.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/sign.h"

#define VEC ECERT_TEST_DATA "/vectors/"
#define SM2_DIR VEC "sm2-jcs-2025/"
#define EDDSA_DIR VEC "w3c-eddsa-jcs-2022/"
#define ECDSA_DIR VEC "w3c-ecdsa-jcs-2019-p256/"
#define TEST_VM "urn:uscc:11220000013544525W#test-only-key"
#define TEST_CREATED "2025-03-01T09:30:00+08:00"

struct kat {
	const char *name;
	enum ecert_alg alg;
	const char *signed_doc, *proof_config, *proof_canon, *doc_canon;
	const char *proof_hash, *doc_hash, *combined, *sig_hex;
	const char *public_pem; /* NULL: the proof's did:key */
};

static struct kat kat_eddsa = {
    "eddsa-jcs-2022",
    ECERT_ALG_ED25519,
    EDDSA_DIR "signedJCS.json",
    EDDSA_DIR "proofConfigJCS.json",
    EDDSA_DIR "proofCanonJCS.txt",
    EDDSA_DIR "canonDocJCS.txt",
    EDDSA_DIR "proofHashJCS.txt",
    EDDSA_DIR "docHashJCS.txt",
    EDDSA_DIR "combinedHashJCS.txt",
    EDDSA_DIR "sigHexJCS.txt",
    NULL,
};

static struct kat kat_ecdsa = {
    "ecdsa-jcs-2019",
    ECERT_ALG_P256,
    ECDSA_DIR "signedJCSECDSAP256.json",
    ECDSA_DIR "proofConfigJCSECDSAP256.json",
    ECDSA_DIR "proofCanonJCSECDSAP256.txt",
    ECDSA_DIR "canonDocJCSECDSAP256.txt",
    ECDSA_DIR "proofHashJCSECDSAP256.txt",
    ECDSA_DIR "docHashJCSECDSAP256.txt",
    ECDSA_DIR "combinedHashJCSECDSAP256.txt",
    ECDSA_DIR "sigHexJCSECDSAP256.txt",
    NULL,
};

static struct kat kat_sm2 = {
    "sm2-jcs-2025",
    ECERT_ALG_SM2,
    SM2_DIR "signed.json",
    SM2_DIR "proofConfig.json",
    SM2_DIR "proofCanon.txt",
    SM2_DIR "canonDoc.txt",
    SM2_DIR "proofHash.txt",
    SM2_DIR "docHash.txt",
    SM2_DIR "combinedHash.txt",
    SM2_DIR "sigHex.txt",
    SM2_DIR "publicKey.pem",
};

/* ---- helpers ---- */

static void read_file(const char *path, struct ecert_buf *b)
{
	struct ecert_error e;

	ecert_error_clear(&e);
	if (ecert_file_read(path, 0, b, &e) != ECERT_OK)
		fail_msg("%s: %s", e.where, e.msg);
}

static cJSON *parse_file(const char *path)
{
	struct ecert_error e;
	cJSON *v = NULL;

	ecert_error_clear(&e);
	if (ecert_json_parse_file(path, NULL, &v, &e) != ECERT_OK)
		fail_msg("%s: %s: %s", path, e.where, e.msg);
	return v;
}

/* Bytes of a hex file (the vectors' *Hash.txt, sigHex). */
static void read_hex(const char *path, struct ecert_buf *out)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error e;

	read_file(path, &text);
	while (text.len && isspace(text.data[text.len - 1]))
		text.len--;
	if (ecert_hex_decode((const char *)text.data, text.len, out, &e) != ECERT_OK)
		fail_msg("%s: %s", path, e.msg);
	ecert_buf_free(&text);
}

static void assert_file_equals(const char *path, const struct ecert_buf *got)
{
	struct ecert_buf want = ECERT_BUF_INIT;

	read_file(path, &want);
	if (want.len != got->len || memcmp(want.data, got->data, got->len) != 0)
		fail_msg("%s differs:\n got  %.*s\n want %.*s", path, (int)got->len, got->data,
		         (int)want.len, want.data);
	ecert_buf_free(&want);
}

static void assert_hex_file_equals(const char *path, const unsigned char *got, size_t len)
{
	struct ecert_buf want = ECERT_BUF_INIT;

	read_hex(path, &want);
	assert_int_equal(want.len, len);
	assert_memory_equal(want.data, got, len);
	ecert_buf_free(&want);
}

static EVP_PKEY *kat_key(const struct kat *k, const cJSON *doc)
{
	struct ecert_error e;
	EVP_PKEY *key = NULL;
	int rc;

	ecert_error_clear(&e);
	if (k->public_pem)
		rc = ecert_key_load_public(k->public_pem, &key, &e);
	else
		rc = ecert_didkey_resolve(
		    ecert_json_str(ecert_json_obj(doc, "proof"), "verificationMethod"), &key, &e);
	if (rc != ECERT_OK)
		fail_msg("%s key: %s", k->name, e.msg);
	assert_int_equal(ecert_key_alg(key), k->alg);
	return key;
}

static EVP_PKEY *gen(enum ecert_alg alg)
{
	struct ecert_error e;
	EVP_PKEY *k = NULL;

	assert_int_equal(ecert_key_generate(alg, &k, &e), ECERT_OK);
	return k;
}

static cJSON *proof_of(cJSON *doc)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(doc, "proof");

	assert_non_null(p);
	return p;
}

static void set_str(cJSON *obj, const char *name, const char *value)
{
	cJSON *v = cJSON_CreateString(value);

	assert_non_null(v);
	if (cJSON_GetObjectItemCaseSensitive(obj, name))
		assert_true(cJSON_ReplaceItemInObjectCaseSensitive(obj, name, v));
	else
		assert_true(cJSON_AddItemToObject(obj, name, v));
}

static void hashdata_of(const struct ecert_proof_parts *p, unsigned char out[64])
{
	memcpy(out, p->proof_hash, 32);
	memcpy(out + 32, p->doc_hash, 32);
}

static void proof_value(const cJSON *doc, struct ecert_buf *sig)
{
	const char *v = ecert_json_str(ecert_json_obj(doc, "proof"), "proofValue");
	struct ecert_error e;

	assert_non_null(v);
	assert_int_equal(ecert_multibase58_decode(v, strlen(v), sig, &e), ECERT_OK);
	assert_int_equal(sig->len, ECERT_SIG_MAX);
}

/* ---- tests ---- */

static void test_suite_names(void **state)
{
	(void)state;
	assert_string_equal(ecert_suite_name(ECERT_ALG_SM2), "sm2-jcs-2025");
	assert_string_equal(ecert_suite_name(ECERT_ALG_ED25519), "eddsa-jcs-2022");
	assert_string_equal(ecert_suite_name(ECERT_ALG_P256), "ecdsa-jcs-2019");
	assert_null(ecert_suite_name(ECERT_ALG_NONE));
	assert_int_equal(ecert_suite_alg("sm2-jcs-2025"), ECERT_ALG_SM2);
	assert_int_equal(ecert_suite_alg("eddsa-jcs-2022"), ECERT_ALG_ED25519);
	assert_int_equal(ecert_suite_alg("ecdsa-jcs-2019"), ECERT_ALG_P256);
	assert_int_equal(ecert_suite_alg("ecdsa-rdfc-2019"), ECERT_ALG_NONE);
	assert_int_equal(ecert_suite_alg("eddsa-2022"), ECERT_ALG_NONE);
	assert_int_equal(ecert_suite_alg(""), ECERT_ALG_NONE);
	assert_int_equal(ecert_suite_alg(NULL), ECERT_ALG_NONE);
}

/* GB/T 32905 appendix A and FIPS 180-2 "abc" */
static void test_hash_kat(void **state)
{
	static const unsigned char sm3_abc[32] = {0x66, 0xc7, 0xf0, 0xf4, 0x62, 0xee, 0xed, 0xd9,
	                                          0xd1, 0xf2, 0xd4, 0x6b, 0xdc, 0x10, 0xe4, 0xe2,
	                                          0x41, 0x67, 0xc4, 0x87, 0x5c, 0xf2, 0xf7, 0xa2,
	                                          0x29, 0x7d, 0xa0, 0x2b, 0x8f, 0x4b, 0xa8, 0xe0};
	static const unsigned char sha256_abc[32] = {
	    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
	    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
	    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	unsigned char out[ECERT_HASH_MAX];
	struct ecert_error e;

	(void)state;
	assert_int_equal(ecert_hash(ECERT_ALG_SM2, (const unsigned char *)"abc", 3, out, &e),
	                 ECERT_OK);
	assert_memory_equal(out, sm3_abc, 32);
	assert_int_equal(ecert_hash(ECERT_ALG_ED25519, (const unsigned char *)"abc", 3, out, &e),
	                 ECERT_OK);
	assert_memory_equal(out, sha256_abc, 32);
	assert_int_equal(ecert_hash(ECERT_ALG_P256, (const unsigned char *)"abc", 3, out, &e),
	                 ECERT_OK);
	assert_memory_equal(out, sha256_abc, 32);
	assert_int_equal(ecert_hash(ECERT_ALG_NONE, (const unsigned char *)"abc", 3, out, &e),
	                 ECERT_ERR_SUITE);
}

/* Every intermediate of the vector, then the signature and the whole proof verify. */
static void test_kat(void **state)
{
	const struct kat *k = *state;
	struct ecert_proof_parts parts, parts2;
	struct ecert_buf combined = ECERT_BUF_INIT, sig = ECERT_BUF_INIT, pv = ECERT_BUF_INIT;
	struct ecert_error e;
	unsigned char hd[64];
	cJSON *doc = parse_file(k->signed_doc), *cfg = parse_file(k->proof_config);
	EVP_PKEY *key = kat_key(k, doc);

	ecert_error_clear(&e);
	if (ecert_proof_parts(doc, cfg, &parts, &e) != ECERT_OK)
		fail_msg("%s: %s: %s", k->name, e.where, e.msg);
	assert_file_equals(k->proof_canon, &parts.proof_canon);
	assert_file_equals(k->doc_canon, &parts.doc_canon);
	assert_int_equal(parts.hash_len, 32);
	assert_hex_file_equals(k->proof_hash, parts.proof_hash, 32);
	assert_hex_file_equals(k->doc_hash, parts.doc_hash, 32);
	hashdata_of(&parts, hd);
	assert_hex_file_equals(k->combined, hd, 64);

	/* the same from the signed document's own proof (proofValue is dropped) */
	assert_int_equal(ecert_proof_parts(doc, proof_of(doc), &parts2, &e), ECERT_OK);
	assert_int_equal(parts2.proof_canon.len, parts.proof_canon.len);
	assert_memory_equal(parts2.proof_canon.data, parts.proof_canon.data, parts.proof_canon.len);
	assert_memory_equal(parts2.doc_hash, parts.doc_hash, 32);

	/* the vector's signature over its combined hash */
	read_hex(k->combined, &combined);
	read_hex(k->sig_hex, &sig);
	assert_int_equal(sig.len, 64);
	assert_int_equal(ecert_sig_verify(key, combined.data, combined.len, sig.data, sig.len, &e),
	                 ECERT_OK);
	if (k->alg != ECERT_ALG_SM2) { /* the W3C proofValue is their sigHex */
		proof_value(doc, &pv);
		assert_memory_equal(pv.data, sig.data, 64);
	}

	ecert_error_clear(&e);
	if (ecert_proof_verify(doc, key, &e) != ECERT_OK)
		fail_msg("%s: %s: %s", k->name, e.where, e.msg);
	if (!k->public_pem)
		assert_int_equal(ecert_proof_verify_didkey(doc, &e), ECERT_OK);

	ecert_proof_parts_free(&parts);
	ecert_proof_parts_free(&parts2);
	ecert_buf_free(&combined);
	ecert_buf_free(&sig);
	ecert_buf_free(&pv);
	EVP_PKEY_free(key);
	cJSON_Delete(doc);
	cJSON_Delete(cfg);
}

/* signed-wrong-distid.json was made with an empty SM2 ID: the ID must be "1234567812345678". */
static void test_sm2_vector_distid(void **state)
{
	struct ecert_proof_parts parts;
	struct ecert_error e;
	cJSON *wrong = parse_file(SM2_DIR "signed-wrong-distid.json");
	cJSON *unsigned_doc = parse_file(SM2_DIR "unsigned.json");
	cJSON *cfg = parse_file(SM2_DIR "proofConfig.json");
	EVP_PKEY *key = kat_key(&kat_sm2, NULL);

	(void)state;
	assert_int_equal(ecert_proof_verify(wrong, key, &e), ECERT_ERR_SIGNATURE);
	/* the unsigned document has the same canonical form */
	assert_int_equal(ecert_proof_parts(unsigned_doc, cfg, &parts, &e), ECERT_OK);
	assert_file_equals(SM2_DIR "canonDoc.txt", &parts.doc_canon);
	assert_hex_file_equals(SM2_DIR "docHash.txt", parts.doc_hash, 32);
	ecert_proof_parts_free(&parts);
	EVP_PKEY_free(key);
	cJSON_Delete(wrong);
	cJSON_Delete(unsigned_doc);
	cJSON_Delete(cfg);
}

/* Ed25519 is deterministic: signing the W3C document with the W3C private key at the
 * vector's time gives exactly the vector's proof. */
static void test_eddsa_sign_kat(void **state)
{
	struct ecert_buf raw = ECERT_BUF_INIT, combined = ECERT_BUF_INIT, want = ECERT_BUF_INIT,
	                 mk = ECERT_BUF_INIT;
	struct ecert_error e;
	unsigned char sig[ECERT_SIG_MAX];
	size_t siglen = sizeof(sig);
	cJSON *signed_doc = parse_file(EDDSA_DIR "signedJCS.json");
	cJSON *pair = parse_file(EDDSA_DIR "keyPair.json");
	cJSON *doc = cJSON_Duplicate(signed_doc, 1);
	const char *priv = ecert_json_str(pair, "privateKeyMultibase");
	const cJSON *proof = ecert_json_obj(signed_doc, "proof");
	EVP_PKEY *key;

	(void)state;
	/* ed25519-priv multicodec 0x1300 = varint 0x80 0x26, then the 32-byte seed */
	assert_int_equal(ecert_multibase58_decode(priv, strlen(priv), &raw, &e), ECERT_OK);
	assert_int_equal(raw.len, 34);
	assert_int_equal(raw.data[0], 0x80);
	assert_int_equal(raw.data[1], 0x26);
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw.data + 2, 32);
	assert_non_null(key);
	assert_int_equal(ecert_key_to_multikey(key, &mk, &e), ECERT_OK);
	assert_string_equal(mk.data, ecert_json_str(pair, "publicKeyMultibase"));

	read_hex(EDDSA_DIR "combinedHashJCS.txt", &combined);
	read_hex(EDDSA_DIR "sigHexJCS.txt", &want);
	assert_int_equal(ecert_sig_sign(key, combined.data, combined.len, sig, &siglen, &e),
	                 ECERT_OK);
	assert_int_equal(siglen, 64);
	assert_memory_equal(sig, want.data, 64);

	cJSON_DeleteItemFromObjectCaseSensitive(doc, "proof");
	assert_int_equal(ecert_proof_sign(doc, key, ecert_json_str(proof, "verificationMethod"),
	                                  ecert_json_str(proof, "created"), &e),
	                 ECERT_OK);
	assert_true(cJSON_Compare(doc, signed_doc, 1));

	EVP_PKEY_free(key);
	ecert_buf_wipe(&raw);
	ecert_buf_free(&combined);
	ecert_buf_free(&want);
	ecert_buf_free(&mk);
	cJSON_Delete(signed_doc);
	cJSON_Delete(pair);
	cJSON_Delete(doc);
}

/* Flip each byte of `canon` in turn (a different bit each time), recompute the hash and
 * hashData, and check that the signature is rejected. */
static void flip_canon(EVP_PKEY *key, enum ecert_alg alg, const struct ecert_proof_parts *p,
                       int which, const unsigned char *sig)
{
	const struct ecert_buf *src = which ? &p->doc_canon : &p->proof_canon;
	unsigned char *copy = ecert_malloc(src->len);
	unsigned char hd[64];
	struct ecert_error e;
	size_t i;

	assert_non_null(copy);
	memcpy(copy, src->data, src->len);
	for (i = 0; i < src->len; i++) {
		unsigned char bit = (unsigned char)(1u << (i % 8));

		copy[i] ^= bit;
		hashdata_of(p, hd);
		assert_int_equal(ecert_hash(alg, copy, src->len, which ? hd + 32 : hd, &e),
		                 ECERT_OK);
		if (ecert_sig_verify(key, hd, 64, sig, 64, &e) != ECERT_ERR_SIGNATURE)
			fail_msg("%s byte %zu flipped: accepted",
			         which ? "document" : "proof config", i);
		copy[i] ^= bit;
	}
	/* and unflipped it verifies: the loop above did not pass for a wrong reason */
	hashdata_of(p, hd);
	assert_int_equal(ecert_hash(alg, copy, src->len, which ? hd + 32 : hd, &e), ECERT_OK);
	assert_int_equal(ecert_sig_verify(key, hd, 64, sig, 64, &e), ECERT_OK);
	ecert_free(copy);
}

/* Sign with a fresh key, verify, then tamper in every way. */
static void test_sign_verify_fresh(void **state)
{
	const struct kat *k = *state;
	struct ecert_proof_parts parts;
	struct ecert_buf sig = ECERT_BUF_INIT, pem = ECERT_BUF_INIT;
	struct ecert_error e;
	unsigned char hd[64], bad[64];
	cJSON *doc = parse_file(SM2_DIR "unsigned.json"), *t;
	EVP_PKEY *key = gen(k->alg), *pub = NULL, *other = gen(k->alg);
	const char *created;
	size_t i;

	ecert_error_clear(&e);
	if (ecert_proof_sign(doc, key, TEST_VM, NULL, &e) != ECERT_OK)
		fail_msg("%s sign: %s: %s", k->name, e.where, e.msg);
	created = ecert_json_str(proof_of(doc), "created");
	assert_non_null(created);
	assert_int_equal(strlen(created), 20); /* YYYY-MM-DDThh:mm:ssZ */
	assert_int_equal(created[19], 'Z');
	assert_string_equal(ecert_json_str(proof_of(doc), "cryptosuite"), k->name);
	assert_string_equal(ecert_json_str(proof_of(doc), "verificationMethod"), TEST_VM);
	assert_string_equal(ecert_json_str(proof_of(doc), "proofPurpose"), "assertionMethod");
	assert_string_equal(ecert_json_str(proof_of(doc), "type"), "DataIntegrityProof");
	assert_true(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(proof_of(doc), "@context"),
	                          cJSON_GetObjectItemCaseSensitive(doc, "@context"), 1));

	/* verifies with the private key's handle and with the public key alone */
	assert_int_equal(ecert_proof_verify(doc, key, &e), ECERT_OK);
	assert_int_equal(ecert_key_to_pem(key, &pem, &e), ECERT_OK);
	assert_int_equal(ecert_key_from_pem((const char *)pem.data, pem.len, &pub, &e), ECERT_OK);
	assert_int_equal(ecert_proof_verify(doc, pub, &e), ECERT_OK);

	/* every byte of the canonical document, of the proof config, of the signature */
	assert_int_equal(ecert_proof_parts(doc, proof_of(doc), &parts, &e), ECERT_OK);
	proof_value(doc, &sig);
	flip_canon(pub, k->alg, &parts, 1, sig.data);
	flip_canon(pub, k->alg, &parts, 0, sig.data);
	hashdata_of(&parts, hd);
	/* sigverify.c moves an SM2 / P-256 key to its precomputed tables after 16 / 512
	 * verifications: the flips above began on EVP; these make sure the ones below, and
	 * the valid signature after them, run on the tables whatever the document's length */
	for (i = 0; i < 520; i++)
		assert_int_equal(ecert_sig_verify(pub, hd, 64, sig.data, 64, &e), ECERT_OK);
	for (i = 0; i < 64; i++) {
		memcpy(bad, sig.data, 64);
		bad[i] ^= (unsigned char)(1u << (i % 8));
		if (ecert_sig_verify(pub, hd, 64, bad, 64, &e) != ECERT_ERR_SIGNATURE)
			fail_msg("%s: signature byte %zu flipped: accepted", k->name, i);
	}
	assert_int_equal(ecert_sig_verify(pub, hd, 64, sig.data, 64, &e), ECERT_OK);

	/* wrong key of the same algorithm */
	assert_int_equal(ecert_proof_verify(doc, other, &e), ECERT_ERR_SIGNATURE);

	/* document-level tampering goes through the same path */
	t = cJSON_Duplicate(doc, 1);
	set_str(cJSON_GetObjectItemCaseSensitive(t, "credentialSubject"), "name", "李明");
	assert_int_equal(ecert_proof_verify(t, pub, &e), ECERT_ERR_SIGNATURE);
	cJSON_Delete(t);
	t = cJSON_Duplicate(doc, 1);
	set_str(proof_of(t), "created", "2020-01-01T00:00:00Z");
	assert_int_equal(ecert_proof_verify(t, pub, &e), ECERT_ERR_SIGNATURE);
	cJSON_Delete(t);
	t = cJSON_Duplicate(doc, 1);
	set_str(proof_of(t), "verificationMethod", "urn:uscc:11220000013544525W#another");
	assert_int_equal(ecert_proof_verify(t, pub, &e), ECERT_ERR_SIGNATURE);
	cJSON_Delete(t);
	t = cJSON_Duplicate(doc, 1);
	cJSON_AddTrueToObject(t, "extra");
	assert_int_equal(ecert_proof_verify(t, pub, &e), ECERT_ERR_SIGNATURE);
	cJSON_Delete(t);

	/* re-signing replaces the proof */
	assert_int_equal(ecert_proof_sign(doc, other, TEST_VM, TEST_CREATED, &e), ECERT_OK);
	assert_string_equal(ecert_json_str(proof_of(doc), "created"), TEST_CREATED);
	assert_int_equal(ecert_proof_verify(doc, other, &e), ECERT_OK);
	assert_int_equal(ecert_proof_verify(doc, key, &e), ECERT_ERR_SIGNATURE);

	ecert_proof_parts_free(&parts);
	ecert_buf_free(&sig);
	ecert_buf_free(&pem);
	EVP_PKEY_free(key);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(other);
	cJSON_Delete(doc);
}

/* An SM2 key held by OpenSSL as "EC" on the SM2 curve signs and verifies as SM2. */
static void test_sm2_ec_typed_key(void **state)
{
	struct ecert_buf pem = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *doc = parse_file(SM2_DIR "unsigned.json");
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "SM2"), *pub = NULL;

	(void)state;
	assert_non_null(ec);
	assert_int_equal(ecert_proof_sign(doc, ec, TEST_VM, TEST_CREATED, &e), ECERT_OK);
	assert_string_equal(ecert_json_str(proof_of(doc), "cryptosuite"), ECERT_SUITE_SM2);
	assert_int_equal(ecert_proof_verify(doc, ec, &e), ECERT_OK);
	assert_int_equal(ecert_key_to_pem(ec, &pem, &e), ECERT_OK);
	assert_int_equal(ecert_key_from_pem((const char *)pem.data, pem.len, &pub, &e), ECERT_OK);
	assert_true(EVP_PKEY_is_a(pub, "SM2"));
	assert_int_equal(ecert_proof_verify(doc, pub, &e), ECERT_OK);
	ecert_buf_free(&pem);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(pub);
	cJSON_Delete(doc);
}

static void expect_suite(cJSON *doc, const char *suite, EVP_PKEY *key)
{
	struct ecert_error e;
	cJSON *t = cJSON_Duplicate(doc, 1);

	if (suite)
		set_str(proof_of(t), "cryptosuite", suite);
	ecert_error_clear(&e);
	if (ecert_proof_verify(t, key, &e) != ECERT_ERR_SUITE)
		fail_msg("suite %s with an %s key: got %s (%s)", suite ? suite : "(as signed)",
		         ecert_alg_name(ecert_key_alg(key)), ecert_errname(e.code), e.msg);
	cJSON_Delete(t);
}

/* No suite substitution: a proof is checked only with the suite its key belongs to. */
static void test_suite_substitution(void **state)
{
	cJSON *ed_doc = parse_file(EDDSA_DIR "signedJCS.json");
	cJSON *p256_doc = parse_file(ECDSA_DIR "signedJCSECDSAP256.json");
	cJSON *sm2_doc = parse_file(SM2_DIR "signed.json");
	EVP_PKEY *ed = kat_key(&kat_eddsa, ed_doc), *p256 = kat_key(&kat_ecdsa, p256_doc);
	EVP_PKEY *sm2 = kat_key(&kat_sm2, NULL);

	(void)state;
	/* an eddsa proof claimed as sm2 or ecdsa, verified with its Ed25519 key */
	expect_suite(ed_doc, ECERT_SUITE_SM2, ed);
	expect_suite(ed_doc, ECERT_SUITE_ECDSA, ed);
	expect_suite(ed_doc, "eddsa-rdfc-2022", ed);
	expect_suite(ed_doc, "", ed);
	/* the same the other ways round */
	expect_suite(sm2_doc, ECERT_SUITE_EDDSA, sm2);
	expect_suite(sm2_doc, ECERT_SUITE_ECDSA, sm2);
	expect_suite(p256_doc, ECERT_SUITE_SM2, p256);
	expect_suite(p256_doc, ECERT_SUITE_EDDSA, p256);
	/* a proof as signed, offered with a key of another algorithm */
	expect_suite(sm2_doc, NULL, ed);
	expect_suite(sm2_doc, NULL, p256);
	expect_suite(ed_doc, NULL, sm2);
	expect_suite(ed_doc, NULL, p256);
	expect_suite(p256_doc, NULL, sm2);
	expect_suite(p256_doc, NULL, ed);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(sm2);
	cJSON_Delete(ed_doc);
	cJSON_Delete(p256_doc);
	cJSON_Delete(sm2_doc);
}

/* A proof missing a member or with a wrong value is refused before any crypto. */
static void test_malformed_proofs(void **state)
{
	static const struct {
		const char *member;
		const char *value; /* NULL: delete the member; "#num": a number */
		int code;
	} cases[] = {
	    {"type", NULL, ECERT_ERR_SCHEMA},
	    {"type", "Ed25519Signature2020", ECERT_ERR_SCHEMA},
	    {"type", "#num", ECERT_ERR_SCHEMA},
	    {"proofPurpose", NULL, ECERT_ERR_SCHEMA},
	    {"proofPurpose", "authentication", ECERT_ERR_SCHEMA},
	    {"created", NULL, ECERT_ERR_SCHEMA},
	    {"created", "#num", ECERT_ERR_SCHEMA},
	    {"verificationMethod", NULL, ECERT_ERR_SCHEMA},
	    {"cryptosuite", NULL, ECERT_ERR_SCHEMA},
	    {"proofValue", NULL, ECERT_ERR_SCHEMA},
	    {"proofValue", "#num", ECERT_ERR_SCHEMA},
	    {"proofValue", "", ECERT_ERR_ENCODING},
	    {"proofValue", "z", ECERT_ERR_ENCODING},
	    /* base64url multibase of 64 bytes: only base58btc is allowed */
	    {"proofValue",
	     "uAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	     "AA",
	     ECERT_ERR_ENCODING},
	    /* '0', 'O', 'I', 'l' are not base58 */
	    {"proofValue",
	     "z3dQP13nzZEX6W9URTdevZwNPhPQGYQfjZaFQ8P4KVwguohtQFpL1PRM5wghMXRmba4ynzJZmVZCMJV4t6Sjc"
	     "6dh0",
	     ECERT_ERR_ENCODING},
	    {"proofValue",
	     "z3dQP13nzZEX6W9URTdevZwNPhPQGYQfjZaFQ8P4KVwguohtQFpL1PRM5wghMXRmba4ynzJZmVZCMJV4t6Sjc"
	     "6dhjjj",
	     ECERT_ERR_ENCODING},
	};
	struct ecert_error e;
	cJSON *doc = parse_file(SM2_DIR "signed.json"), *t, *ctx;
	EVP_PKEY *key = kat_key(&kat_sm2, NULL);
	size_t i;

	(void)state;
	assert_int_equal(ecert_proof_verify(doc, key, &e), ECERT_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = cJSON_Duplicate(doc, 1);
		if (!cases[i].value)
			cJSON_DeleteItemFromObjectCaseSensitive(proof_of(t), cases[i].member);
		else if (strcmp(cases[i].value, "#num") == 0)
			assert_true(cJSON_ReplaceItemInObjectCaseSensitive(
			    proof_of(t), cases[i].member, cJSON_CreateNumber(1)));
		else
			set_str(proof_of(t), cases[i].member, cases[i].value);
		ecert_error_clear(&e);
		if (ecert_proof_verify(t, key, &e) != cases[i].code)
			fail_msg("case %zu (%s = %s): got %s, want %s", i, cases[i].member,
			         cases[i].value ? cases[i].value : "(deleted)",
			         ecert_errname(e.code), ecert_errname(cases[i].code));
		assert_true(e.where[0] != '\0'); /* names the member */
		cJSON_Delete(t);
	}
	/* a signature of 63 or 65 bytes */
	for (i = 63; i <= 65; i += 2) {
		struct ecert_buf mb = ECERT_BUF_INIT;
		unsigned char raw[65];

		memset(raw, 0x41, sizeof(raw));
		assert_int_equal(ecert_multibase58_encode(raw, i, &mb), ECERT_OK);
		t = cJSON_Duplicate(doc, 1);
		set_str(proof_of(t), "proofValue", (const char *)mb.data);
		assert_int_equal(ecert_proof_verify(t, key, &e), ECERT_ERR_ENCODING);
		assert_string_equal(e.where, "proof.proofValue");
		cJSON_Delete(t);
		ecert_buf_free(&mb);
	}
	/* a proof @context other than the document's */
	t = cJSON_Duplicate(doc, 1);
	ctx = cJSON_GetObjectItemCaseSensitive(proof_of(t), "@context");
	cJSON_AddItemToArray(ctx, cJSON_CreateString("https://example.org/extra"));
	assert_int_equal(ecert_proof_verify(t, key, &e), ECERT_ERR_SCHEMA);
	cJSON_Delete(t);
	/* no proof, a proof that is not an object, a document that is not an object */
	t = cJSON_Duplicate(doc, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(t, "proof");
	assert_int_equal(ecert_proof_verify(t, key, &e), ECERT_ERR_SCHEMA);
	assert_int_equal(ecert_proof_verify_didkey(t, &e), ECERT_ERR_SCHEMA);
	cJSON_AddStringToObject(t, "proof", "z3dQP13");
	assert_int_equal(ecert_proof_verify(t, key, &e), ECERT_ERR_SCHEMA);
	cJSON_Delete(t);
	t = cJSON_CreateArray();
	assert_int_equal(ecert_proof_verify(t, key, &e), ECERT_ERR_SCHEMA);
	assert_int_equal(ecert_proof_verify(NULL, key, &e), ECERT_ERR_SCHEMA);
	cJSON_Delete(t);
	/* not a did:key: ecert_proof_verify_didkey cannot resolve it */
	assert_int_equal(ecert_proof_verify_didkey(doc, &e), ECERT_ERR_KEY);
	EVP_PKEY_free(key);
	cJSON_Delete(doc);
}

static void test_sig_verify_bounds(void **state)
{
	static const enum ecert_alg algs[] = {ECERT_ALG_SM2, ECERT_ALG_ED25519, ECERT_ALG_P256};
	unsigned char msg[64], sig[ECERT_SIG_MAX + 1], good[ECERT_SIG_MAX + 1];
	size_t i, len = ECERT_SIG_MAX;
	struct ecert_error e;

	(void)state;
	memset(msg, 0x5a, sizeof(msg));
	for (i = 0; i < 3; i++) {
		EVP_PKEY *k = gen(algs[i]);

		len = ECERT_SIG_MAX;
		assert_int_equal(ecert_sig_sign(k, msg, sizeof(msg), good, &len, &e), ECERT_OK);
		assert_int_equal(len, 64);
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), good, 64, &e), ECERT_OK);
		/* any length but 64 is refused, even with a valid prefix */
		good[64] = 0;
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), good, 65, &e),
		                 ECERT_ERR_SIGNATURE);
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), good, 63, &e),
		                 ECERT_ERR_SIGNATURE);
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), good, 0, &e),
		                 ECERT_ERR_SIGNATURE);
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), NULL, 64, &e),
		                 ECERT_ERR_SIGNATURE);
		/* r = 0, s = 0, everything 0xff (r, s >= n) */
		memset(sig, 0, sizeof(sig));
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), sig, 64, &e),
		                 ECERT_ERR_SIGNATURE);
		memcpy(sig, good, 64);
		memset(sig, 0, 32);
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), sig, 64, &e),
		                 ECERT_ERR_SIGNATURE);
		memset(sig, 0xff, sizeof(sig));
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), sig, 64, &e),
		                 ECERT_ERR_SIGNATURE);
		/* the signing buffer must be big enough */
		len = 63;
		assert_int_equal(ecert_sig_sign(k, msg, sizeof(msg), sig, &len, &e), ECERT_ERR_ARG);
		/* another message */
		msg[0] ^= 1;
		assert_int_equal(ecert_sig_verify(k, msg, sizeof(msg), good, 64, &e),
		                 ECERT_ERR_SIGNATURE);
		msg[0] ^= 1;
		EVP_PKEY_free(k);
	}
}

/* A failed ecert_proof_sign leaves the document exactly as it was. */
static void test_sign_failure_leaves_doc(void **state)
{
	struct ecert_error e;
	cJSON *doc = parse_file(SM2_DIR "signed.json"), *orig = cJSON_Duplicate(doc, 1);
	EVP_PKEY *key = gen(ECERT_ALG_SM2);
	EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	long n;
	int rc = -1;

	(void)state;
	assert_int_equal(ecert_proof_sign(doc, key, TEST_VM, "yesterday", &e), ECERT_ERR_INVALID);
	assert_true(cJSON_Compare(doc, orig, 1));
	assert_int_equal(ecert_proof_sign(doc, key, TEST_VM, "2025-03-01T09:30:00", &e),
	                 ECERT_ERR_INVALID); /* no offset */
	assert_true(cJSON_Compare(doc, orig, 1));
	assert_int_equal(ecert_proof_sign(doc, p384, TEST_VM, NULL, &e), ECERT_ERR_KEY);
	assert_true(cJSON_Compare(doc, orig, 1));
	assert_int_equal(ecert_proof_sign(doc, key, "", NULL, &e), ECERT_ERR_ARG);
	assert_int_equal(ecert_proof_sign(doc, key, NULL, NULL, &e), ECERT_ERR_ARG);
	assert_true(cJSON_Compare(doc, orig, 1));

	/* every allocation in turn fails: the old proof stays, no half-made one appears */
	for (n = 0; n < 20000 && rc != ECERT_OK; n++) {
		ecert_alloc_fail_after(n);
		rc = ecert_proof_sign(doc, key, TEST_VM, TEST_CREATED, &e);
		ecert_alloc_fail_after(-1);
		if (rc != ECERT_OK && !cJSON_Compare(doc, orig, 1))
			fail_msg("allocation %ld failed (%s): the document changed", n,
			         ecert_errname(rc));
	}
	assert_int_equal(rc, ECERT_OK);
	assert_true(n > 5);
	assert_false(cJSON_Compare(doc, orig, 1));
	assert_int_equal(ecert_proof_verify(doc, key, &e), ECERT_OK);
	EVP_PKEY_free(key);
	EVP_PKEY_free(p384);
	cJSON_Delete(doc);
	cJSON_Delete(orig);
}

/* A document without @context gets a proof without one (nothing invented). */
static void test_no_context(void **state)
{
	struct ecert_proof_parts parts;
	struct ecert_error e;
	cJSON *doc = parse_file(SM2_DIR "unsigned.json");
	EVP_PKEY *key = gen(ECERT_ALG_ED25519);

	(void)state;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "@context");
	assert_int_equal(ecert_proof_sign(doc, key, TEST_VM, TEST_CREATED, &e), ECERT_OK);
	assert_null(cJSON_GetObjectItemCaseSensitive(proof_of(doc), "@context"));
	assert_int_equal(ecert_proof_parts(doc, proof_of(doc), &parts, &e), ECERT_OK);
	assert_null(strstr((const char *)parts.proof_canon.data, "@context"));
	assert_int_equal(ecert_proof_verify(doc, key, &e), ECERT_OK);
	ecert_proof_parts_free(&parts);
	/* a config without a cryptosuite has no hash: ECERT_ERR_SUITE */
	cJSON_DeleteItemFromObjectCaseSensitive(proof_of(doc), "cryptosuite");
	assert_int_equal(ecert_proof_parts(doc, proof_of(doc), &parts, &e), ECERT_ERR_SUITE);
	EVP_PKEY_free(key);
	cJSON_Delete(doc);
}

/* ecert_proof_sign_check: the self-check uses the given public key; with another key's it
 * fails and the document keeps its old proof. */
static void test_sign_check_key(void **state)
{
	struct ecert_buf pem = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *doc = parse_file(SM2_DIR "signed.json"), *orig = cJSON_Duplicate(doc, 1);
	EVP_PKEY *key = gen(ECERT_ALG_P256), *other = gen(ECERT_ALG_P256), *pub = NULL;

	(void)state;
	assert_int_equal(ecert_key_to_pem(key, &pem, &e), ECERT_OK);
	assert_int_equal(ecert_key_from_pem((const char *)pem.data, pem.len, &pub, &e), ECERT_OK);
	assert_int_equal(ecert_proof_sign_check(doc, key, other, TEST_VM, TEST_CREATED, &e),
	                 ECERT_ERR_SIGNATURE);
	assert_true(cJSON_Compare(doc, orig, 1));
	assert_int_equal(ecert_proof_sign_check(doc, key, pub, TEST_VM, TEST_CREATED, &e),
	                 ECERT_OK);
	assert_int_equal(ecert_proof_verify(doc, pub, &e), ECERT_OK);
	assert_int_equal(ecert_proof_verify(doc, other, &e), ECERT_ERR_SIGNATURE);
	assert_int_equal(ecert_proof_sign_check(doc, key, NULL, TEST_VM, TEST_CREATED, &e),
	                 ECERT_OK);
	assert_int_equal(ecert_proof_verify(doc, pub, &e), ECERT_OK);
	ecert_buf_free(&pem);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
	EVP_PKEY_free(pub);
	cJSON_Delete(doc);
	cJSON_Delete(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_suite_names),
	    cmocka_unit_test(test_hash_kat),
	    cmocka_unit_test_prestate(test_kat, (void *)&kat_eddsa),
	    cmocka_unit_test_prestate(test_kat, (void *)&kat_ecdsa),
	    cmocka_unit_test_prestate(test_kat, (void *)&kat_sm2),
	    cmocka_unit_test(test_sm2_vector_distid),
	    cmocka_unit_test(test_eddsa_sign_kat),
	    cmocka_unit_test_prestate(test_sign_verify_fresh, (void *)&kat_sm2),
	    cmocka_unit_test_prestate(test_sign_verify_fresh, (void *)&kat_eddsa),
	    cmocka_unit_test_prestate(test_sign_verify_fresh, (void *)&kat_ecdsa),
	    cmocka_unit_test(test_sm2_ec_typed_key),
	    cmocka_unit_test(test_suite_substitution),
	    cmocka_unit_test(test_malformed_proofs),
	    cmocka_unit_test(test_sig_verify_bounds),
	    cmocka_unit_test(test_sign_failure_leaves_doc),
	    cmocka_unit_test(test_no_context),
	    cmocka_unit_test(test_sign_check_key),
	};

	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
