/* cmocka: public keys — algorithm detection, kid (DESIGN §3), SPKI PEM, Multikey and
 * did:key (the W3C vectors' keys), and rejection of malformed Multikeys. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/encoding.h"
#include "ecert/file.h"
#include "ecert/key.h"
#include "ecert/sign.h"

#define SM2_DIR ECERT_TEST_DATA "/vectors/sm2-jcs-2025"
/* did:key verification methods of the W3C eddsa-jcs-2022 and ecdsa-jcs-2019 vectors */
#define W3C_ED25519_MK "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
#define W3C_P256_MK "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"

static void read_file(const char *path, struct ecert_buf *b)
{
	struct ecert_error e;

	ecert_error_clear(&e);
	if (ecert_file_read(path, 0, b, &e) != ECERT_OK)
		fail_msg("%s: %s", e.where, e.msg);
}

static EVP_PKEY *load_pub(const char *path)
{
	struct ecert_error e;
	EVP_PKEY *k = NULL;

	ecert_error_clear(&e);
	if (ecert_key_load_public(path, &k, &e) != ECERT_OK)
		fail_msg("%s: %s", e.where, e.msg);
	return k;
}

static EVP_PKEY *gen(enum ecert_alg alg)
{
	struct ecert_error e;
	EVP_PKEY *k = NULL;

	assert_int_equal(ecert_key_generate(alg, &k, &e), ECERT_OK);
	assert_int_equal(ecert_key_alg(k), alg);
	return k;
}

static void test_alg_names(void **state)
{
	(void)state;
	assert_string_equal(ecert_alg_name(ECERT_ALG_SM2), "sm2");
	assert_string_equal(ecert_alg_name(ECERT_ALG_ED25519), "ed25519");
	assert_string_equal(ecert_alg_name(ECERT_ALG_P256), "p256");
	assert_int_equal(ecert_alg_from_name("sm2"), ECERT_ALG_SM2);
	assert_int_equal(ecert_alg_from_name("ed25519"), ECERT_ALG_ED25519);
	assert_int_equal(ecert_alg_from_name("p256"), ECERT_ALG_P256);
	assert_int_equal(ecert_alg_from_name("SM2"), ECERT_ALG_NONE);
	assert_int_equal(ecert_alg_from_name("rsa"), ECERT_ALG_NONE);
	assert_int_equal(ecert_alg_from_name(NULL), ECERT_ALG_NONE);
	assert_int_equal(ecert_key_alg(NULL), ECERT_ALG_NONE);
}

/* DESIGN §3: kid = base64url(SHA-256(DER SPKI)[0..8]); the vector's kid.txt */
static void test_kid_sm2_vector(void **state)
{
	struct ecert_buf want = ECERT_BUF_INIT;
	struct ecert_error e;
	char kid[ECERT_KID_LEN + 1];
	EVP_PKEY *k;

	(void)state;
	read_file(SM2_DIR "/kid.txt", &want);
	k = load_pub(SM2_DIR "/publicKey.pem");
	assert_int_equal(ecert_key_alg(k), ECERT_ALG_SM2);
	assert_int_equal(ecert_key_kid(k, kid, &e), ECERT_OK);
	assert_int_equal(strlen(kid), ECERT_KID_LEN);
	assert_memory_equal(kid, want.data, ECERT_KID_LEN);
	EVP_PKEY_free(k);
	ecert_buf_free(&want);
}

/* The vector key's Multikey is sm2-pub (varint 0x1206 = 0x86 0x24) + the compressed
 * form of publicKeyHex.txt. */
static void test_multikey_sm2_vector(void **state)
{
	struct ecert_buf hex = ECERT_BUF_INIT, point = ECERT_BUF_INIT, mk = ECERT_BUF_INIT,
	                 raw = ECERT_BUF_INIT;
	struct ecert_error e;
	EVP_PKEY *k, *back = NULL;

	(void)state;
	read_file(SM2_DIR "/publicKeyHex.txt", &hex);
	assert_int_equal(ecert_hex_decode((const char *)hex.data, hex.len, &point, &e), ECERT_OK);
	assert_int_equal(point.len, 65);
	k = load_pub(SM2_DIR "/publicKey.pem");
	assert_int_equal(ecert_key_to_multikey(k, &mk, &e), ECERT_OK);
	assert_int_equal(ecert_multibase58_decode((const char *)mk.data, mk.len, &raw, &e),
	                 ECERT_OK);
	assert_int_equal(raw.len, 2 + 33);
	assert_int_equal(raw.data[0], 0x86);
	assert_int_equal(raw.data[1], 0x24);
	assert_int_equal(raw.data[2], 2 | (point.data[64] & 1));
	assert_memory_equal(raw.data + 3, point.data + 1, 32);
	assert_int_equal(ecert_key_from_multikey((const char *)mk.data, &back, &e), ECERT_OK);
	assert_int_equal(ecert_key_alg(back), ECERT_ALG_SM2);
	assert_int_equal(EVP_PKEY_eq(k, back), 1);
	EVP_PKEY_free(back);
	EVP_PKEY_free(k);
	ecert_buf_free(&hex);
	ecert_buf_free(&point);
	ecert_buf_free(&mk);
	ecert_buf_free(&raw);
}

/* Each algorithm round-trips; for the EC ones, keys with both parities of y are seen
 * (the 0x02 and 0x03 compressed forms). */
static void test_multikey_round_trip(void **state)
{
	static const enum ecert_alg algs[] = {ECERT_ALG_SM2, ECERT_ALG_ED25519, ECERT_ALG_P256};
	static const char *const prefix[] = {"zEPJ", "z6Mk", "zDna"};
	struct ecert_error e;
	size_t i;
	int round, seen;

	(void)state;
	for (i = 0; i < 3; i++) {
		seen = 0;
		for (round = 0;
		     round < 64 && (round < 4 || (algs[i] != ECERT_ALG_ED25519 && seen != 3));
		     round++) {
			struct ecert_buf mk = ECERT_BUF_INIT, mk2 = ECERT_BUF_INIT,
			                 raw = ECERT_BUF_INIT;
			EVP_PKEY *k = gen(algs[i]), *back = NULL;
			char kid1[ECERT_KID_LEN + 1], kid2[ECERT_KID_LEN + 1];

			assert_int_equal(ecert_key_to_multikey(k, &mk, &e), ECERT_OK);
			assert_memory_equal(mk.data, prefix[i], 4);
			assert_int_equal(
			    ecert_multibase58_decode((const char *)mk.data, mk.len, &raw, &e),
			    ECERT_OK);
			if (algs[i] != ECERT_ALG_ED25519) {
				assert_int_equal(raw.len, 35);
				assert_true(raw.data[2] == 2 || raw.data[2] == 3);
				seen |= 1 << (raw.data[2] - 2);
			} else {
				assert_int_equal(raw.len, 34);
			}
			assert_int_equal(ecert_key_from_multikey((const char *)mk.data, &back, &e),
			                 ECERT_OK);
			assert_int_equal(ecert_key_alg(back), algs[i]);
			assert_int_equal(EVP_PKEY_eq(k, back), 1);
			assert_int_equal(ecert_key_to_multikey(back, &mk2, &e), ECERT_OK);
			assert_string_equal(mk.data, mk2.data);
			assert_int_equal(ecert_key_kid(k, kid1, &e), ECERT_OK);
			assert_int_equal(ecert_key_kid(back, kid2, &e), ECERT_OK);
			assert_string_equal(kid1, kid2);
			EVP_PKEY_free(k);
			EVP_PKEY_free(back);
			ecert_buf_free(&mk);
			ecert_buf_free(&mk2);
			ecert_buf_free(&raw);
		}
		if (algs[i] != ECERT_ALG_ED25519)
			assert_int_equal(seen, 3);
	}
}

static void test_didkey_w3c(void **state)
{
	static const char *const mks[] = {W3C_ED25519_MK, W3C_P256_MK};
	static const enum ecert_alg algs[] = {ECERT_ALG_ED25519, ECERT_ALG_P256};
	char vm[256];
	struct ecert_error e;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct ecert_buf mk = ECERT_BUF_INIT;
		EVP_PKEY *k = NULL;

		snprintf(vm, sizeof(vm), "did:key:%s#%s", mks[i], mks[i]);
		assert_int_equal(ecert_didkey_resolve(vm, &k, &e), ECERT_OK);
		assert_int_equal(ecert_key_alg(k), algs[i]);
		assert_int_equal(ecert_key_to_multikey(k, &mk, &e), ECERT_OK);
		assert_string_equal(mk.data, mks[i]);
		EVP_PKEY_free(k);
		ecert_buf_free(&mk);
	}
}

static void test_didkey_rejects(void **state)
{
	static const char *const bad[] = {
	    "",
	    "did:key:" W3C_ED25519_MK,                        /* no fragment */
	    "did:key:" W3C_ED25519_MK "#",                    /* empty fragment */
	    "did:key:" W3C_ED25519_MK "#" W3C_P256_MK,        /* fragment is another key */
	    "did:key:" W3C_ED25519_MK "#" W3C_ED25519_MK "x", /* fragment longer */
	    "did:key:#" W3C_ED25519_MK,                       /* empty id */
	    "did:web:example.com#" W3C_ED25519_MK,            /* not did:key */
	    "DID:KEY:" W3C_ED25519_MK "#" W3C_ED25519_MK,     /* case matters */
	    "urn:uscc:11220000013544525W#HeAGsN_eIm0",        /* our issuers' form */
	};
	struct ecert_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EVP_PKEY *k = NULL;

		ecert_error_clear(&e);
		if (ecert_didkey_resolve(bad[i], &k, &e) == ECERT_OK)
			fail_msg("accepted %s", bad[i]);
		assert_null(k);
		assert_int_not_equal(e.code, ECERT_OK);
	}
	assert_int_not_equal(ecert_didkey_resolve(NULL, NULL, &e), ECERT_OK);
}

/* base58btc of raw bytes with the 'z' prefix */
static void mk_of(const unsigned char *raw, size_t len, struct ecert_buf *out)
{
	out->len = 0;
	assert_int_equal(ecert_multibase58_encode(raw, len, out), ECERT_OK);
}

static void expect_bad_raw(const unsigned char *raw, size_t len, int code)
{
	struct ecert_buf mk = ECERT_BUF_INIT;
	struct ecert_error e;
	EVP_PKEY *k = NULL;

	mk_of(raw, len, &mk);
	ecert_error_clear(&e);
	if (ecert_key_from_multikey((const char *)mk.data, &k, &e) == ECERT_OK)
		fail_msg("accepted Multikey %s", mk.data);
	assert_null(k);
	assert_int_equal(e.code, code);
	ecert_buf_free(&mk);
}

static void test_multikey_rejects(void **state)
{
	static const char *const bad_text[] = {
	    "",
	    "z",
	    "u7QEtAR",                                           /* base64url multibase */
	    "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",   /* no prefix */
	    "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0",  /* '0' not base58 */
	    "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQl",  /* 'l' not base58 */
	    "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ",   /* one character short */
	    "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ22", /* one character long */
	};
	unsigned char raw[80] = {0};
	struct ecert_error e;
	EVP_PKEY *good = NULL, *k = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		ecert_error_clear(&e);
		if (ecert_key_from_multikey(bad_text[i], &k, &e) == ECERT_OK)
			fail_msg("accepted %s", bad_text[i]);
		assert_null(k);
	}
	assert_int_not_equal(ecert_key_from_multikey(NULL, &k, &e), ECERT_OK);

	/* a good Ed25519 key, then broken variants of its bytes */
	assert_int_equal(ecert_key_from_multikey(W3C_ED25519_MK, &good, &e), ECERT_OK);
	raw[0] = 0xed;
	raw[1] = 0x01;
	memset(raw + 2, 0x42, 33);
	expect_bad_raw(raw, 2 + 31, ECERT_ERR_KEY); /* short */
	expect_bad_raw(raw, 2 + 33, ECERT_ERR_KEY); /* long */
	raw[0] = 0xe7;                              /* secp256k1-pub: not ours */
	expect_bad_raw(raw, 2 + 33, ECERT_ERR_KEY);
	raw[0] = 0xed;
	raw[1] = 0x81; /* varint that does not end */
	raw[2] = 0x80;
	raw[3] = 0x80;
	expect_bad_raw(raw, 2 + 32, ECERT_ERR_KEY);
	raw[0] = 0xed; /* non-minimal varint: 0xed 0x81 0x00 */
	raw[1] = 0x81;
	raw[2] = 0x00;
	expect_bad_raw(raw, 3 + 32, ECERT_ERR_KEY);
	expect_bad_raw(raw, 0, ECERT_ERR_KEY); /* nothing at all after 'z' */

	/* P-256 (0x1200) and SM2 (0x1206): uncompressed prefix, bad point, wrong lengths */
	raw[0] = 0x80;
	raw[1] = 0x24;
	raw[2] = 0x04;
	memset(raw + 3, 0x11, 32);
	expect_bad_raw(raw, 2 + 33, ECERT_ERR_KEY); /* 0x04 is not compressed */
	raw[2] = 0x02;
	memset(raw + 3, 0xff, 32); /* x = 2^256 - 1 > p: not a field element */
	expect_bad_raw(raw, 2 + 33, ECERT_ERR_KEY);
	raw[1] = 0x24;
	raw[0] = 0x86;
	expect_bad_raw(raw, 2 + 33, ECERT_ERR_KEY);
	memset(raw + 3, 0x00, 32);
	raw[2] = 0x05; /* not a point tag */
	expect_bad_raw(raw, 2 + 33, ECERT_ERR_KEY);
	raw[2] = 0x02;
	expect_bad_raw(raw, 2 + 32, ECERT_ERR_KEY);
	expect_bad_raw(raw, 2 + 65, ECERT_ERR_KEY);
	EVP_PKEY_free(good);
}

/* A key OpenSSL holds as "EC" on the SM2 curve is an SM2 key to us, with the same kid
 * and Multikey as its "SM2"-typed twin. */
static void test_ec_key_on_sm2_curve(void **state)
{
	struct ecert_buf pem = ECERT_BUF_INIT, mk1 = ECERT_BUF_INIT, mk2 = ECERT_BUF_INIT;
	struct ecert_error e;
	char kid1[ECERT_KID_LEN + 1], kid2[ECERT_KID_LEN + 1];
	EVP_PKEY *ec, *sm2 = NULL;

	(void)state;
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "SM2");
	assert_non_null(ec);
	assert_true(EVP_PKEY_is_a(ec, "EC"));
	assert_int_equal(ecert_key_alg(ec), ECERT_ALG_SM2);
	assert_int_equal(ecert_key_to_pem(ec, &pem, &e), ECERT_OK);
	assert_int_equal(ecert_key_from_pem((const char *)pem.data, pem.len, &sm2, &e), ECERT_OK);
	assert_true(EVP_PKEY_is_a(sm2, "SM2"));
	assert_int_equal(ecert_key_kid(ec, kid1, &e), ECERT_OK);
	assert_int_equal(ecert_key_kid(sm2, kid2, &e), ECERT_OK);
	assert_string_equal(kid1, kid2);
	assert_int_equal(ecert_key_to_multikey(ec, &mk1, &e), ECERT_OK);
	assert_int_equal(ecert_key_to_multikey(sm2, &mk2, &e), ECERT_OK);
	assert_string_equal(mk1.data, mk2.data);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(sm2);
	ecert_buf_free(&pem);
	ecert_buf_free(&mk1);
	ecert_buf_free(&mk2);
}

static void test_pem_round_trip(void **state)
{
	static const enum ecert_alg algs[] = {ECERT_ALG_SM2, ECERT_ALG_ED25519, ECERT_ALG_P256};
	struct ecert_error e;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct ecert_buf pem = ECERT_BUF_INIT;
		EVP_PKEY *k = gen(algs[i]), *back = NULL;

		assert_int_equal(ecert_key_to_pem(k, &pem, &e), ECERT_OK);
		assert_non_null(strstr((const char *)pem.data, "-----BEGIN PUBLIC KEY-----"));
		assert_null(strstr((const char *)pem.data, "PRIVATE"));
		assert_int_equal(ecert_key_from_pem((const char *)pem.data, pem.len, &back, &e),
		                 ECERT_OK);
		assert_int_equal(EVP_PKEY_eq(k, back), 1);
		assert_int_equal(ecert_key_alg(back), algs[i]);
		EVP_PKEY_free(k);
		EVP_PKEY_free(back);
		ecert_buf_free(&pem);
	}
}

/* Keys that are not SM2, Ed25519 or P-256 are refused everywhere. */
static void test_unsupported_keys(void **state)
{
	EVP_PKEY *others[3];
	struct ecert_error e;
	char kid[ECERT_KID_LEN + 1];
	size_t i;

	(void)state;
	others[0] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	others[1] = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	others[2] = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	for (i = 0; i < 3; i++) {
		struct ecert_buf pem = ECERT_BUF_INIT, mk = ECERT_BUF_INIT;
		EVP_PKEY *back = NULL;
		BIO *bio = BIO_new(BIO_s_mem());
		char *p;
		long n;

		assert_non_null(others[i]);
		assert_int_equal(ecert_key_alg(others[i]), ECERT_ALG_NONE);
		assert_int_equal(ecert_key_kid(others[i], kid, &e), ECERT_ERR_KEY);
		assert_int_equal(ecert_key_to_multikey(others[i], &mk, &e), ECERT_ERR_KEY);
		assert_int_equal(ecert_key_to_pem(others[i], &pem, &e), ECERT_ERR_KEY);
		assert_int_equal(PEM_write_bio_PUBKEY(bio, others[i]), 1);
		n = BIO_get_mem_data(bio, &p);
		assert_int_equal(ecert_key_from_pem(p, (size_t)n, &back, &e), ECERT_ERR_KEY);
		assert_null(back);
		BIO_free(bio);
		EVP_PKEY_free(others[i]);
	}
}

static void test_pem_rejects(void **state)
{
	static const char *const bad[] = {
	    "",
	    "not a key",
	    "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
	    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
	};
	struct ecert_buf big = ECERT_BUF_INIT;
	struct ecert_error e;
	EVP_PKEY *k = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ecert_key_from_pem(bad[i], strlen(bad[i]), &k, &e), ECERT_ERR_KEY);
		assert_null(k);
	}
	for (i = 0; i < 10000; i++)
		ecert_buf_putc(&big, 'A');
	assert_int_equal(ecert_key_from_pem((const char *)big.data, big.len, &k, &e),
	                 ECERT_ERR_KEY);
	ecert_buf_free(&big);
	assert_int_equal(ecert_key_load_public(ECERT_TEST_DATA "/no/such/file.pem", &k, &e),
	                 ECERT_ERR_IO);
	assert_null(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alg_names),           cmocka_unit_test(test_kid_sm2_vector),
	    cmocka_unit_test(test_multikey_sm2_vector), cmocka_unit_test(test_multikey_round_trip),
	    cmocka_unit_test(test_didkey_w3c),          cmocka_unit_test(test_didkey_rejects),
	    cmocka_unit_test(test_multikey_rejects),    cmocka_unit_test(test_ec_key_on_sm2_curve),
	    cmocka_unit_test(test_pem_round_trip),      cmocka_unit_test(test_unsupported_keys),
	    cmocka_unit_test(test_pem_rejects),
	};

	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
