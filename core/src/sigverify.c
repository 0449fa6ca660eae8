/* ecert — signature verification with prepared contexts, kept per thread.
 *
 * Setting up an OpenSSL verification (fetching the algorithm, a new EVP_PKEY_CTX, for SM2
 * the distinguishing ID and Z) costs about as much as the curve arithmetic of an Ed25519
 * or P-256 verification. A verifier checks many certificates against the few keys of its
 * trust list, so each thread keeps its last few keys' contexts ready:
 *   Ed25519  an EVP_MD_CTX after EVP_DigestVerifyInit, used again for each EVP_DigestVerify;
 *   P-256    an EVP_PKEY_CTX after EVP_PKEY_verify_init; the message is hashed with SHA-256
 *            here and the digest verified (what ECDSA-SHA256 does inside);
 *   SM2      the same on e = SM3(Z || M), with Z = SM3(ENTL || ID || a || b || G || P)
 *            computed once per key (GB/T 32918.2 §5.5, ID ECERT_SM2_DISTID).
 * Once a thread has verified with a P-256 or SM2 key TABLE_AFTER_* times, it builds the
 * key's precomputed tables (ectable.h) and verifies with them: about 2× (P-256) and 2.5×
 * (SM2) faster than EVP. If a table cannot be built, EVP goes on doing the work.
 * A cached slot holds a reference to its key, so the key (and its address, the cache's
 * lookup key) lives until the slot is reused or the thread ends. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "ecert/proof.h"
#include "ectable.h"
#include "ossl.h"

#define SLOTS 8
/* Verifications with a key before its table is built: the build costs about as much as
 * 7 SM2 or 350 P-256 verifications through EVP, and the table saves 60 % / 50 % of one. */
#define TABLE_AFTER_SM2 16
#define TABLE_AFTER_P256 512

struct slot {
	EVP_PKEY *key; /* referenced; NULL = empty */
	enum ecert_alg alg;
	EVP_MD_CTX *md;   /* Ed25519: the verification; SM2: SM3 of Z || M */
	EVP_PKEY_CTX *pk; /* P-256, SM2 */
	unsigned char z[ECERT_HASH_MAX]; /* SM2: Z of the key */
	struct ecert_ectable *tab;       /* P-256, SM2: once built */
	unsigned uses;                   /* verifications while there is no table */
	int no_tab;                      /* building the table failed: EVP only */
};

struct cache {
	struct slot s[SLOTS];
	unsigned next; /* the slot to reuse when all are taken */
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_ok;

static void slot_clear(struct slot *s)
{
	EVP_MD_CTX_free(s->md);
	EVP_PKEY_CTX_free(s->pk);
	EVP_PKEY_free(s->key);
	ecert_ectable_free(s->tab);
	memset(s, 0, sizeof(*s));
}

static void cache_free(void *p)
{
	struct cache *c = p;
	int i;

	if (!c)
		return;
	for (i = 0; i < SLOTS; i++)
		slot_clear(&c->s[i]);
	free(c);
}

/* The main thread's cache at exit (threads' own end with them, through the key). */
static void cache_free_main(void)
{
	void *c = pthread_getspecific(cache_key);

	(void)pthread_setspecific(cache_key, NULL);
	cache_free(c);
}

static void cache_init(void)
{
	if (pthread_key_create(&cache_key, cache_free) != 0)
		return;
	(void)atexit(cache_free_main);
	cache_ok = 1;
}

/* An "EC" key on the SM2 curve must be used as an SM2 key: re-decoding its SPKI gives
 * OpenSSL's "SM2" type (decoders key the type on the curve). */
static EVP_PKEY *sm2_public(EVP_PKEY *key)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	EVP_PKEY *out;
	int n;

	if (EVP_PKEY_is_a(key, "SM2"))
		return EVP_PKEY_up_ref(key) ? key : NULL;
	n = i2d_PUBKEY(key, &der);
	if (n <= 0)
		return NULL;
	p = der;
	out = d2i_PUBKEY(NULL, &p, n);
	OPENSSL_free(der);
	if (out && !EVP_PKEY_is_a(out, "SM2")) {
		EVP_PKEY_free(out);
		out = NULL;
	}
	return out;
}

/* Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) of an SM2 public key. */
static int sm2_z(EVP_PKEY *key, unsigned char z[ECERT_HASH_MAX])
{
	/* GB/T 32918.5 curve parameters a, b, xG, yG */
	static const unsigned char curve[4 * 32] = {
	    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF,
	    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC, 0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E,
	    0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7, 0xF3, 0x97, 0x89, 0xF5,
	    0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93, 0x32,
	    0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39,
	    0xC9, 0x94, 0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45,
	    0x89, 0x33, 0x4C, 0x74, 0xC7, 0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C,
	    0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53, 0xD0, 0xA9, 0x87, 0x7C, 0xC6,
	    0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0};
	unsigned char in[2 + ECERT_SM2_DISTID_LEN + sizeof(curve) + 64], *p = in;
	BIGNUM *x = NULL, *y = NULL;
	unsigned int zlen = 0;
	int ok = 0;

	*p++ = (unsigned char)((ECERT_SM2_DISTID_LEN * 8) >> 8);
	*p++ = (unsigned char)(ECERT_SM2_DISTID_LEN * 8);
	memcpy(p, ECERT_SM2_DISTID, ECERT_SM2_DISTID_LEN);
	p += ECERT_SM2_DISTID_LEN;
	memcpy(p, curve, sizeof(curve));
	p += sizeof(curve);
	if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
	    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1 ||
	    BN_bn2binpad(x, p, 32) != 32 || BN_bn2binpad(y, p + 32, 32) != 32)
		goto out;
	ok = EVP_Digest(in, sizeof(in), z, &zlen, ecert_ossl_md(ECERT_ALG_SM2), NULL) == 1 &&
	     zlen == ECERT_HASH_MAX;
out:
	BN_free(x);
	BN_free(y);
	return ok;
}

/* Prepare slot s for key. 0 on failure (s left empty). */
static int slot_fill(struct slot *s, EVP_PKEY *key, enum ecert_alg alg)
{
	EVP_PKEY *use = NULL;

	s->alg = alg;
	switch (alg) {
	case ECERT_ALG_ED25519:
		s->md = EVP_MD_CTX_new();
		if (!s->md || EVP_DigestVerifyInit(s->md, NULL, NULL, NULL, key) != 1)
			goto fail;
		break;
	case ECERT_ALG_SM2:
		use = sm2_public(key);
		s->md = EVP_MD_CTX_new();
		if (!use || !s->md || !sm2_z(use, s->z))
			goto fail;
		s->pk = EVP_PKEY_CTX_new_from_pkey(NULL, use, NULL);
		if (!s->pk || EVP_PKEY_verify_init(s->pk) != 1)
			goto fail;
		break;
	case ECERT_ALG_P256:
	default:
		s->pk = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
		if (!s->pk || EVP_PKEY_verify_init(s->pk) != 1)
			goto fail;
		break;
	}
	EVP_PKEY_free(use);
	if (!EVP_PKEY_up_ref(key))
		goto fail_keep;
	s->key = key;
	return 1;
fail:
	EVP_PKEY_free(use);
fail_keep:
	slot_clear(s);
	return 0;
}

/* The calling thread's prepared slot for key, NULL if it cannot be made (or the key is
 * not of one of the suites). */
static struct slot *slot_for(EVP_PKEY *key)
{
	struct cache *c;
	struct slot *s;
	enum ecert_alg alg;
	int i;

	if (pthread_once(&cache_once, cache_init) != 0 || !cache_ok)
		return NULL;
	c = pthread_getspecific(cache_key);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		if (pthread_setspecific(cache_key, c) != 0) {
			free(c);
			return NULL;
		}
	}
	for (i = 0; i < SLOTS; i++)
		if (c->s[i].key == key)
			return &c->s[i];
	alg = ecert_key_alg(key);
	if (alg == ECERT_ALG_NONE)
		return NULL;
	for (i = 0; i < SLOTS && c->s[i].key; i++)
		;
	if (i == SLOTS) {
		i = (int)(c->next++ % SLOTS);
		slot_clear(&c->s[i]);
	}
	s = &c->s[i];
	return slot_fill(s, key, alg) ? s : NULL;
}

/* 64-byte r||s as a DER ECDSA-Sig-Value (SEC 1; GB/T 32918.2 uses the same ASN.1):
 * SEQUENCE { INTEGER r, INTEGER s }, each minimal, with a 0x00 before a high bit.
 * der must hold 72 bytes; returns the length. */
static size_t rs_to_der(const unsigned char *sig, unsigned char *der)
{
	size_t n = 2, k;
	int i;

	for (i = 0; i < 2; i++) {
		const unsigned char *v = sig + (size_t)i * ECERT_EC_SCALAR_LEN;
		size_t len = ECERT_EC_SCALAR_LEN;
		int pad;

		while (len > 1 && *v == 0) {
			v++;
			len--;
		}
		pad = (*v & 0x80) != 0;
		der[n++] = 0x02;
		der[n++] = (unsigned char)(len + (size_t)pad);
		if (pad)
			der[n++] = 0x00;
		for (k = 0; k < len; k++)
			der[n++] = v[k];
	}
	der[0] = 0x30;
	der[1] = (unsigned char)(n - 2);
	return n;
}

/* The slot's table, built once the key has been used often enough; NULL before that or
 * when it cannot be built. */
static struct ecert_ectable *slot_table(struct slot *s)
{
	unsigned after = s->alg == ECERT_ALG_SM2 ? TABLE_AFTER_SM2 : TABLE_AFTER_P256;

	if (s->tab || s->no_tab)
		return s->tab;
	if (++s->uses < after)
		return NULL;
	s->tab = ecert_ectable_new(s->key, s->alg);
	s->no_tab = !s->tab;
	return s->tab;
}

/* Verify the r||s signature sig on digest dgst with the slot's table, or through EVP
 * (the EVP_PKEY_CTX verifies a given digest) when there is none or the table failed.
 * 1 valid, otherwise not. */
static int verify_digest(struct slot *s, const unsigned char *dgst, size_t dlen,
			 const unsigned char *sig)
{
	unsigned char der[2 + 2 * (3 + ECERT_EC_SCALAR_LEN)];
	struct ecert_ectable *t = slot_table(s);
	int ok = t ? ecert_ectable_verify(t, dgst, sig) : -1;

	if (ok >= 0)
		return ok;
	return EVP_PKEY_verify(s->pk, der, rs_to_der(sig, der), dgst, dlen);
}

enum ecert_alg ecert_sig_key_alg(EVP_PKEY *key)
{
	struct slot *s = key ? slot_for(key) : NULL;

	return s ? s->alg : ecert_key_alg(key);
}

int ecert_sig_verify(EVP_PKEY *key, const unsigned char *msg, size_t msglen,
                     const unsigned char *sig, size_t siglen, struct ecert_error *err)
{
	unsigned char dgst[ECERT_HASH_MAX];
	unsigned int dlen = 0;
	struct slot *s = key ? slot_for(key) : NULL;
	enum ecert_alg alg = s ? s->alg : ecert_key_alg(key);
	int ok;

	if (alg == ECERT_ALG_NONE)
		return ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
	if (!sig || siglen != ECERT_SIG_MAX)
		return ecert_fail(err, ECERT_ERR_SIGNATURE,
		                  "the signature must be %d bytes, not %zu", ECERT_SIG_MAX, siglen);
	if (!s)
		return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot prepare the verification");
	switch (alg) {
	case ECERT_ALG_ED25519:
		ok = EVP_DigestVerify(s->md, sig, siglen, msg, msglen);
		break;
	case ECERT_ALG_SM2:
		if (EVP_DigestInit_ex(s->md, ecert_ossl_md(ECERT_ALG_SM2), NULL) != 1 ||
		    EVP_DigestUpdate(s->md, s->z, ECERT_HASH_MAX) != 1 ||
		    EVP_DigestUpdate(s->md, msg, msglen) != 1 ||
		    EVP_DigestFinal_ex(s->md, dgst, &dlen) != 1)
			return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "SM3 failed");
		ok = verify_digest(s, dgst, ECERT_HASH_MAX, sig);
		break;
	case ECERT_ALG_P256:
	default:
		SHA256(msg, msglen, dgst);
		ok = verify_digest(s, dgst, SHA256_DIGEST_LENGTH, sig);
		break;
	}
	if (ok != 1) {
		/* 0 = mismatch, < 0 = malformed (e.g. r or s out of range): both a bad signature */
		ERR_clear_error();
		return ecert_fail(err, ECERT_ERR_SIGNATURE, "the %s signature does not verify",
		                  ecert_alg_name(alg));
	}
	return ECERT_OK;
}
