/* ectable: SM2 and P-256 verification with precomputed tables gives OpenSSL's verdict
 * (EVP_PKEY_verify on the same digest) on valid signatures, on signatures with a bit
 * flipped, on the wrong digest or key, and on the edge values of r and s. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ecert/alloc.h"
#include "ectable.h"

/* signatures per curve; each is also tried with MUTATIONS changes */
#define SIGS 48
#define MUTATIONS 12

struct fixture {
	enum ecert_alg alg;
	EVP_PKEY *key, *other;
	EVP_PKEY_CTX *sign, *verify;
	BIGNUM *n;
	struct ecert_ectable *tab;
};

static EVP_PKEY *keygen(enum ecert_alg alg)
{
	EVP_PKEY *k = alg == ECERT_ALG_SM2 ? EVP_PKEY_Q_keygen(NULL, NULL, "SM2")
					   : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	assert_non_null(k);
	return k;
}

static void fixture_init(struct fixture *f, enum ecert_alg alg)
{
	static const unsigned char p256_n[32] = {
	    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
	    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
	    0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
	static const unsigned char sm2_n[32] = {
	    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x72, 0x03, 0xDF, 0x6B, 0x21, 0xC6,
	    0x05, 0x2B, 0x53, 0xBB, 0xF4, 0x09, 0x39, 0xD5, 0x41, 0x23};

	memset(f, 0, sizeof(*f));
	f->alg = alg;
	f->key = keygen(alg);
	f->other = keygen(alg);
	f->sign = EVP_PKEY_CTX_new_from_pkey(NULL, f->key, NULL);
	f->verify = EVP_PKEY_CTX_new_from_pkey(NULL, f->key, NULL);
	assert_non_null(f->sign);
	assert_non_null(f->verify);
	assert_int_equal(EVP_PKEY_sign_init(f->sign), 1);
	assert_int_equal(EVP_PKEY_verify_init(f->verify), 1);
	f->n = BN_bin2bn(alg == ECERT_ALG_SM2 ? sm2_n : p256_n, 32, NULL);
	assert_non_null(f->n);
	f->tab = ecert_ectable_new(f->key, alg);
	assert_non_null(f->tab);
}

static void fixture_free(struct fixture *f)
{
	ecert_ectable_free(f->tab);
	BN_free(f->n);
	EVP_PKEY_CTX_free(f->sign);
	EVP_PKEY_CTX_free(f->verify);
	EVP_PKEY_free(f->key);
	EVP_PKEY_free(f->other);
}

/* r || s of a fresh signature on dgst */
static void sign(struct fixture *f, const unsigned char dgst[32], unsigned char sig[64])
{
	unsigned char der[80];
	const unsigned char *p = der;
	size_t len = sizeof(der);
	ECDSA_SIG *es;
	const BIGNUM *r, *s;

	assert_int_equal(EVP_PKEY_sign(f->sign, der, &len, dgst, 32), 1);
	es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	assert_non_null(es);
	ECDSA_SIG_get0(es, &r, &s);
	assert_int_equal(BN_bn2binpad(r, sig, 32), 32);
	assert_int_equal(BN_bn2binpad(s, sig + 32, 32), 32);
	ECDSA_SIG_free(es);
}

/* OpenSSL's verdict on r || s: 1 valid, 0 not */
static int evp_verdict(EVP_PKEY_CTX *verify, const unsigned char dgst[32],
		       const unsigned char sig[64])
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	int len, ok;

	assert_non_null(es);
	assert_non_null(r);
	assert_non_null(s);
	assert_int_equal(ECDSA_SIG_set0(es, r, s), 1);
	len = i2d_ECDSA_SIG(es, &der);
	assert_true(len > 0);
	ok = EVP_PKEY_verify(verify, der, (size_t)len, dgst, 32) == 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	return ok;
}

/* The table's verdict, which must be OpenSSL's; returns it. */
static int same_verdict(struct fixture *f, const unsigned char dgst[32],
			const unsigned char sig[64])
{
	int want = evp_verdict(f->verify, dgst, sig);
	int got = ecert_ectable_verify(f->tab, dgst, sig);

	assert_int_equal(got, want);
	return got;
}

static void put_bn(const BIGNUM *v, unsigned char out[32])
{
	assert_int_equal(BN_bn2binpad(v, out, 32), 32);
}

/* r or s (which = 0 / 1) set to v */
static void with_scalar(const unsigned char sig[64], int which, const BIGNUM *v,
			unsigned char out[64])
{
	memcpy(out, sig, 64);
	put_bn(v, out + 32 * which);
}

static void edge_values(struct fixture *f, const unsigned char dgst[32],
			const unsigned char sig[64])
{
	unsigned char bad[64];
	BIGNUM *v = BN_new(), *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
	int which;

	assert_non_null(v);
	assert_non_null(r);
	assert_non_null(s);
	for (which = 0; which < 2; which++) {
		BN_zero(v);
		with_scalar(sig, which, v, bad);
		assert_int_equal(same_verdict(f, dgst, bad), 0);
		with_scalar(sig, which, f->n, bad); /* n */
		assert_int_equal(same_verdict(f, dgst, bad), 0);
		assert_int_equal(BN_add(v, f->n, which ? s : r), 1); /* the value + n */
		if (BN_num_bytes(v) <= 32) {
			with_scalar(sig, which, v, bad);
			assert_int_equal(same_verdict(f, dgst, bad), 0);
		}
		assert_int_equal(BN_sub(v, f->n, BN_value_one()), 1); /* n - 1 */
		with_scalar(sig, which, v, bad);
		assert_int_equal(same_verdict(f, dgst, bad), 0);
		memset(bad, 0xFF, sizeof(bad)); /* both 2^256 - 1 */
		assert_int_equal(same_verdict(f, dgst, bad), 0);
	}
	/* (r, n - s): valid ECDSA too (a signature's mirror image), not SM2; s = n - r makes
	 * SM2's t = r + s ≡ 0 */
	assert_int_equal(BN_sub(v, f->n, s), 1);
	with_scalar(sig, 1, v, bad);
	assert_int_equal(same_verdict(f, dgst, bad), f->alg == ECERT_ALG_P256);
	assert_int_equal(BN_sub(v, f->n, r), 1);
	with_scalar(sig, 1, v, bad);
	assert_int_equal(same_verdict(f, dgst, bad), 0);
	/* r and s swapped */
	memcpy(bad, sig + 32, 32);
	memcpy(bad + 32, sig, 32);
	same_verdict(f, dgst, bad);
	BN_free(v);
	BN_free(r);
	BN_free(s);
}

static void differential(enum ecert_alg alg)
{
	struct fixture f;
	unsigned char dgst[32], sig[64], bad[64], dbad[32];
	struct ecert_ectable *other;
	int i, j;

	fixture_init(&f, alg);
	other = ecert_ectable_new(f.other, alg);
	assert_non_null(other);
	for (i = 0; i < SIGS; i++) {
		if (i == 0)
			memset(dgst, 0, sizeof(dgst)); /* e = 0 */
		else if (i == 1)
			memset(dgst, 0xFF, sizeof(dgst)); /* e > n */
		else
			assert_int_equal(RAND_bytes(dgst, sizeof(dgst)), 1);
		sign(&f, dgst, sig);
		assert_int_equal(same_verdict(&f, dgst, sig), 1);
		/* the same again: the table's state does not change the answer */
		assert_int_equal(ecert_ectable_verify(f.tab, dgst, sig), 1);
		assert_int_equal(ecert_ectable_verify(other, dgst, sig), 0);
		for (j = 0; j < MUTATIONS; j++) {
			unsigned char rnd[2];

			assert_int_equal(RAND_bytes(rnd, sizeof(rnd)), 1);
			memcpy(bad, sig, sizeof(bad));
			bad[rnd[0] % 64] ^= (unsigned char)(1u << (rnd[1] % 8));
			assert_int_equal(same_verdict(&f, dgst, bad), 0);
			memcpy(dbad, dgst, sizeof(dbad));
			dbad[rnd[0] % 32] ^= (unsigned char)(1u << (rnd[1] % 8));
			assert_int_equal(same_verdict(&f, dbad, sig), 0);
		}
		if (i < 4)
			edge_values(&f, dgst, sig);
	}
	ecert_ectable_free(other);
	fixture_free(&f);
}

static void test_sm2(void **state)
{
	(void)state;
	differential(ECERT_ALG_SM2);
}

static void test_p256(void **state)
{
	(void)state;
	differential(ECERT_ALG_P256);
}

/* No table for a key of another curve or kind: the caller keeps to EVP. */
static void test_wrong_key(void **state)
{
	EVP_PKEY *p256 = keygen(ECERT_ALG_P256), *sm2 = keygen(ECERT_ALG_SM2);
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	(void)state;
	assert_non_null(ed);
	assert_null(ecert_ectable_new(p256, ECERT_ALG_SM2));
	assert_null(ecert_ectable_new(sm2, ECERT_ALG_P256));
	assert_null(ecert_ectable_new(ed, ECERT_ALG_P256));
	assert_null(ecert_ectable_new(ed, ECERT_ALG_ED25519));
	assert_null(ecert_ectable_new(p256, ECERT_ALG_ED25519));
	EVP_PKEY_free(p256);
	EVP_PKEY_free(sm2);
	EVP_PKEY_free(ed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sm2),
	    cmocka_unit_test(test_p256),
	    cmocka_unit_test(test_wrong_key),
	};

	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
