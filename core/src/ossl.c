/* ecert — internal OpenSSL helpers (see ossl.h). */
#include <pthread.h>
#include <stdlib.h>

#include <openssl/err.h>

#include "ecert/proof.h"
#include "ossl.h"

#define OSSL_DETAIL_MAX 160

int ecert_ossl_fail(struct ecert_error *err, int code, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char detail[OSSL_DETAIL_MAX] = "";

	if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	ERR_clear_error();
	if (detail[0])
		return ecert_fail(err, code, "%s (%s)", what, detail);
	return ecert_fail(err, code, "%s", what);
}

static EVP_MD *md_sha256, *md_sm3;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_free(void)
{
	EVP_MD_free(md_sha256);
	EVP_MD_free(md_sm3);
	md_sha256 = md_sm3 = NULL;
}

static void md_fetch(void)
{
	md_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	md_sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
	(void)atexit(md_free);
}

const EVP_MD *ecert_ossl_md(enum ecert_alg alg)
{
	(void)pthread_once(&md_once, md_fetch);
	switch (alg) {
	case ECERT_ALG_SM2:
		return md_sm3 ? md_sm3 : EVP_sm3();
	case ECERT_ALG_ED25519:
	case ECERT_ALG_P256:
		return md_sha256 ? md_sha256 : EVP_sha256();
	case ECERT_ALG_NONE:
	default:
		return NULL;
	}
}

int ecert_ossl_sm2_init(EVP_MD_CTX *mctx, EVP_PKEY *key, int sign, EVP_PKEY_CTX **pctx,
                        struct ecert_error *err)
{
	EVP_PKEY_CTX *ctx;
	int ok;

	*pctx = NULL;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (!ctx)
		return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot create an SM2 context");
	/* The ID enters Z = SM3(ENTL || ID || a || b || G || P), so it must be set before
	 * the first update (GB/T 32918.2 §5.5). */
	if (EVP_PKEY_CTX_set1_id(ctx, ECERT_SM2_DISTID, ECERT_SM2_DISTID_LEN) <= 0) {
		EVP_PKEY_CTX_free(ctx);
		return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot set the SM2 ID");
	}
	EVP_MD_CTX_set_pkey_ctx(mctx, ctx);
	ok = sign ? EVP_DigestSignInit(mctx, NULL, ecert_ossl_md(ECERT_ALG_SM2), NULL, key)
	          : EVP_DigestVerifyInit(mctx, NULL, ecert_ossl_md(ECERT_ALG_SM2), NULL, key);
	if (ok <= 0) {
		EVP_MD_CTX_set_pkey_ctx(mctx, NULL);
		EVP_PKEY_CTX_free(ctx);
		return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot start SM2-with-SM3");
	}
	*pctx = ctx;
	return ECERT_OK;
}
