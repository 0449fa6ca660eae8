/* ecert — SM2 and ECDSA P-256 verification with precomputed tables (see ectable.h). */

/* EC_GROUP_precompute_mult is deprecated in OpenSSL 3 (with the rest of the low-level EC
 * API) but still there; without it (an OpenSSL built with no-deprecated) no table is made
 * and every verification goes through EVP. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include "ectable.h"

struct ecert_ectable {
	enum ecert_alg alg;
	EC_GROUP *g;       /* the curve, generator G, with its multiples precomputed */
	EC_GROUP *q;       /* the same curve with the key Q as generator, precomputed */
	EC_POINT *zero_pt; /* SM2: a point multiplied by 0 (see fixed_base) */
	EC_POINT *p1, *p2; /* the two products, kept for the next verification */
	BIGNUM *zero;
	BN_CTX *bn;
};

void ecert_ectable_free(struct ecert_ectable *t)
{
	if (!t)
		return;
	EC_POINT_free(t->zero_pt);
	EC_POINT_free(t->p1);
	EC_POINT_free(t->p2);
	BN_free(t->zero);
	EC_GROUP_free(t->q);
	EC_GROUP_free(t->g);
	BN_CTX_free(t->bn);
	free(t);
}

#ifdef OPENSSL_NO_DEPRECATED_3_0
struct ecert_ectable *ecert_ectable_new(EVP_PKEY *key, enum ecert_alg alg)
{
	(void)key;
	(void)alg;
	return NULL;
}
#else
struct ecert_ectable *ecert_ectable_new(EVP_PKEY *key, enum ecert_alg alg)
{
	unsigned char pub[1 + 2 * 32];
	size_t publen = 0;
	struct ecert_ectable *t;
	EC_POINT *qpt = NULL;
	int nid;

	if (alg == ECERT_ALG_SM2)
		nid = NID_sm2;
	else if (alg == ECERT_ALG_P256)
		nid = NID_X9_62_prime256v1;
	else
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->alg = alg;
	if (!(t->bn = BN_CTX_new()) || !(t->g = EC_GROUP_new_by_curve_name(nid)) ||
	    !(t->zero = BN_new()) || !(t->zero_pt = EC_POINT_new(t->g)) ||
	    !(t->p1 = EC_POINT_new(t->g)) || !(t->p2 = EC_POINT_new(t->g)) ||
	    !(qpt = EC_POINT_new(t->g)))
		goto fail;
	BN_zero(t->zero);
	/* the public key as an uncompressed point, on the curve (oct2point checks that too;
	 * a table for a point off the curve must never be built, so it is asked again) */
	if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, NULL, 0,
					    &publen) != 1 ||
	    publen != sizeof(pub) ||
	    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub,
					    sizeof(pub), &publen) != 1 ||
	    EC_POINT_oct2point(t->g, qpt, pub, publen, t->bn) != 1 ||
	    EC_POINT_is_at_infinity(t->g, qpt) || EC_POINT_is_on_curve(t->g, qpt, t->bn) != 1)
		goto fail;
	if (!EC_POINT_copy(t->zero_pt, EC_GROUP_get0_generator(t->g)) ||
	    !(t->q = EC_GROUP_dup(t->g)) ||
	    EC_GROUP_set_generator(t->q, qpt, EC_GROUP_get0_order(t->g),
				   EC_GROUP_get0_cofactor(t->g)) != 1 ||
	    EC_GROUP_precompute_mult(t->g, t->bn) != 1 ||
	    EC_GROUP_precompute_mult(t->q, t->bn) != 1)
		goto fail;
	EC_POINT_free(qpt);
	return t;
fail:
	ERR_clear_error();
	EC_POINT_free(qpt);
	ecert_ectable_free(t);
	return NULL;
}
#endif

/* out = k · (group's generator), through its precomputed table. On P-256 (OpenSSL's
 * nistz256 code) a multiplication by the generator alone uses the table. OpenSSL's
 * generic code (the SM2 curve) instead takes a lone generator multiplication to its
 * Montgomery ladder, which ignores tables; with a second point in the sum it takes the
 * table path (wNAF), so 0 · zero_pt is added, which costs nothing but that choice. */
static int fixed_base(struct ecert_ectable *t, const EC_GROUP *group, EC_POINT *out,
		      const BIGNUM *k)
{
	if (t->alg == ECERT_ALG_SM2)
		return EC_POINT_mul(group, out, k, t->zero_pt, t->zero, t->bn);
	return EC_POINT_mul(group, out, k, NULL, NULL, t->bn);
}

int ecert_ectable_verify(struct ecert_ectable *t, const unsigned char dgst[32],
			 const unsigned char sig[64])
{
	const BIGNUM *n = EC_GROUP_get0_order(t->g);
	BIGNUM *r, *s, *e, *u1, *u2, *x;
	EC_POINT *p1 = t->p1, *p2 = t->p2;
	int ok = -1;

	BN_CTX_start(t->bn);
	r = BN_CTX_get(t->bn);
	s = BN_CTX_get(t->bn);
	e = BN_CTX_get(t->bn);
	u1 = BN_CTX_get(t->bn);
	u2 = BN_CTX_get(t->bn);
	x = BN_CTX_get(t->bn);
	if (!x || !BN_bin2bn(sig, 32, r) || !BN_bin2bn(sig + 32, 32, s) ||
	    !BN_bin2bn(dgst, 32, e))
		goto out;
	if (BN_is_zero(r) || BN_cmp(r, n) >= 0 || BN_is_zero(s) || BN_cmp(s, n) >= 0) {
		ok = 0;
		goto out;
	}
	if (t->alg == ECERT_ALG_SM2) {
		/* u1 = s, u2 = t = (r + s) mod n, which must not be 0 */
		if (!BN_copy(u1, s) || !BN_mod_add(u2, r, s, n, t->bn))
			goto out;
		if (BN_is_zero(u2)) {
			ok = 0;
			goto out;
		}
	} else {
		/* w = s⁻¹ mod n (in x); u1 = e·w mod n, u2 = r·w mod n */
		if (!BN_mod_inverse(x, s, n, t->bn) || !BN_mod_mul(u1, e, x, n, t->bn) ||
		    !BN_mod_mul(u2, r, x, n, t->bn))
			goto out;
	}
	if (!fixed_base(t, t->g, p1, u1) || !fixed_base(t, t->q, p2, u2) ||
	    !EC_POINT_add(t->g, p1, p1, p2, t->bn))
		goto out;
	if (EC_POINT_is_at_infinity(t->g, p1)) {
		ok = 0;
		goto out;
	}
	if (!EC_POINT_get_affine_coordinates(t->g, p1, x, NULL, t->bn))
		goto out;
	if (t->alg == ECERT_ALG_SM2) {
		/* R = (e + x) mod n */
		if (!BN_mod_add(x, e, x, n, t->bn))
			goto out;
	} else if (!BN_nnmod(x, x, n, t->bn)) {
		goto out;
	}
	ok = BN_cmp(x, r) == 0;
out:
	if (ok < 0)
		ERR_clear_error();
	BN_CTX_end(t->bn);
	return ok;
}
