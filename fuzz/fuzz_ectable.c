/* fuzz_ectable: SM2 and P-256 verification with precomputed tables (core/src/ectable.h)
 * gives OpenSSL's verdict (EVP_PKEY_verify on the same digest) on every input.
 *
 * Input: byte 0 picks the curve (bit 0: 0 SM2, 1 P-256), then the 32-byte digest and
 * the 64-byte r || s signature (missing bytes are 0). The keys come from fixed private
 * scalars (fixture.h's fx_ec_key), so an input that fails replays; the seeds, fresh
 * valid signatures on digests of 0x00 and 0xA5 bytes, are written into the working
 * corpus at start-up (as fixture.h does). */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "ecert/key.h"
#include "ectable.h"
#include "fixture.h"
#include "fuzz.h"

#define INPUT_LEN (1 + 32 + 64)

static struct {
	EVP_PKEY *key;
	EVP_PKEY_CTX *sign, *verify;
	struct ecert_ectable *tab;
} curve[2];

/* 1 if OpenSSL finds r || s valid on dgst */
static int evp_verdict(EVP_PKEY_CTX *verify, const unsigned char *dgst, const unsigned char *sig)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	int len, ok;

	FX_MUST(es && r && s && ECDSA_SIG_set0(es, r, s) == 1, "ECDSA_SIG");
	len = i2d_ECDSA_SIG(es, &der);
	FX_MUST(len > 0, "i2d_ECDSA_SIG");
	ok = EVP_PKEY_verify(verify, der, (size_t)len, dgst, 32) == 1;
	ERR_clear_error();
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	return ok;
}

/* A valid seed for curve c: c, digest (all bytes seed_byte), r || s */
static void seed(const char *dir, int c, unsigned char seed_byte, const char *name)
{
	unsigned char in[INPUT_LEN], der[80];
	const unsigned char *p = der;
	size_t len = sizeof(der);
	const BIGNUM *r, *s;
	ECDSA_SIG *es;

	in[0] = (unsigned char)c;
	memset(in + 1, seed_byte, 32);
	FX_MUST(EVP_PKEY_sign(curve[c].sign, der, &len, in + 1, 32) == 1, "sign a seed");
	es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	FX_MUST(es, "d2i_ECDSA_SIG");
	ECDSA_SIG_get0(es, &r, &s);
	FX_MUST(BN_bn2binpad(r, in + 33, 32) == 32 && BN_bn2binpad(s, in + 65, 32) == 32, "r, s");
	ECDSA_SIG_free(es);
	FX_MUST(evp_verdict(curve[c].verify, in + 1, in + 33) == 1, "a seed verifies");
	fx_write_seed(dir, name, in, sizeof(in));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fx_seed_dir(*argc, *argv);
	int c;

	FX_MUST(ecert_init() == 0, "ecert_init");
	curve[0].key = fx_ec_key(NID_sm2, "SM2", "SM2", 0x5A);
	curve[1].key = fx_ec_key(NID_X9_62_prime256v1, "EC", "prime256v1", 0x5A);
	for (c = 0; c < 2; c++) {
		curve[c].sign = EVP_PKEY_CTX_new_from_pkey(NULL, curve[c].key, NULL);
		curve[c].verify = EVP_PKEY_CTX_new_from_pkey(NULL, curve[c].key, NULL);
		FX_MUST(curve[c].sign && curve[c].verify && EVP_PKEY_sign_init(curve[c].sign) == 1 &&
		            EVP_PKEY_verify_init(curve[c].verify) == 1,
		        "EVP contexts");
		curve[c].tab = ecert_ectable_new(curve[c].key, c ? ECERT_ALG_P256 : ECERT_ALG_SM2);
		FX_MUST(curve[c].tab, "ecert_ectable_new");
	}
	seed(dir, 0, 0x00, "sm2-zero");
	seed(dir, 0, 0xA5, "sm2");
	seed(dir, 1, 0x00, "p256-zero");
	seed(dir, 1, 0xA5, "p256");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char in[INPUT_LEN] = {0};
	int c, want, got;

	memcpy(in, data, size < sizeof(in) ? size : sizeof(in));
	c = in[0] & 1;
	want = evp_verdict(curve[c].verify, in + 1, in + 33);
	got = ecert_ectable_verify(curve[c].tab, in + 1, in + 33);
	FUZZ_CHECK(got == want, "%s: the table says %d, OpenSSL %d", c ? "P-256" : "SM2", got, want);
	return 0;
}
