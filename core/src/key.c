/* ecert — public keys: algorithm, kid, SPKI PEM, Multikey and did:key (DESIGN §3–4). */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ecert/alloc.h"
#include "ecert/encoding.h"
#include "ecert/file.h"
#include "ecert/key.h"
#include "ossl.h"

/* A public key PEM is a few hundred bytes; anything larger is not one of ours. */
#define KEY_PEM_MAX ((size_t)8192)
#define GROUP_NAME_MAX 64
#define KID_HASH_BYTES 8 /* DESIGN §3: first 8 bytes of SHA-256(DER SPKI) */
#define ED25519_RAW_LEN 32
#define EC_COMPRESSED_LEN 33   /* 0x02/0x03 || X */
#define EC_UNCOMPRESSED_LEN 65 /* 0x04 || X || Y */
#define EC_COORD_LEN 32
/* Multicodec codes (https://github.com/multiformats/multicodec table.csv). */
#define MULTICODEC_ED25519_PUB 0xedu
#define MULTICODEC_P256_PUB 0x1200u
#define MULTICODEC_SM2_PUB 0x1206u
#define VARINT_MAX_LEN 3 /* the codes above need at most 2 bytes; allow one spare */
#define MULTIKEY_RAW_MAX (VARINT_MAX_LEN + EC_COMPRESSED_LEN)
/* A did:key of ours is "did:key:" + ~50 characters, twice; bound the whole string. */
#define DIDKEY_PREFIX "did:key:"
#define DIDKEY_MAX 512

static enum ecert_alg ec_group_alg(const EVP_PKEY *key)
{
	char name[GROUP_NAME_MAX];
	size_t len = 0;
	int nid;

	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
	                                    &len))
		return ECERT_ALG_NONE; /* explicit parameters: not a named curve of ours */
	nid = OBJ_txt2nid(name);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(name);
	if (nid == NID_X9_62_prime256v1)
		return ECERT_ALG_P256;
	if (nid == NID_sm2)
		return ECERT_ALG_SM2;
	return ECERT_ALG_NONE;
}

enum ecert_alg ecert_key_alg(const EVP_PKEY *key)
{
	if (!key)
		return ECERT_ALG_NONE;
	if (EVP_PKEY_is_a(key, "ED25519"))
		return ECERT_ALG_ED25519;
	/* OpenSSL 3.0 decodes keys on the SM2 curve as type "SM2"; a key built as "EC" with
	 * the SM2 group is the same key and is accepted as SM2 too. */
	if (EVP_PKEY_is_a(key, "SM2"))
		return ec_group_alg(key) == ECERT_ALG_SM2 ? ECERT_ALG_SM2 : ECERT_ALG_NONE;
	if (EVP_PKEY_is_a(key, "EC"))
		return ec_group_alg(key);
	return ECERT_ALG_NONE;
}

static const struct {
	enum ecert_alg alg;
	const char *name;
} alg_names[] = {
    {ECERT_ALG_SM2, "sm2"},
    {ECERT_ALG_ED25519, "ed25519"},
    {ECERT_ALG_P256, "p256"},
};

const char *ecert_alg_name(enum ecert_alg alg)
{
	size_t i;

	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++)
		if (alg_names[i].alg == alg)
			return alg_names[i].name;
	return "none";
}

enum ecert_alg ecert_alg_from_name(const char *name)
{
	size_t i;

	if (!name)
		return ECERT_ALG_NONE;
	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++)
		if (strcmp(alg_names[i].name, name) == 0)
			return alg_names[i].alg;
	return ECERT_ALG_NONE;
}

int ecert_key_kid(const EVP_PKEY *key, char kid[ECERT_KID_LEN + 1], struct ecert_error *err)
{
	unsigned char *der = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct ecert_buf b = ECERT_BUF_INIT;
	int n, rc;

	if (ecert_key_alg(key) == ECERT_ALG_NONE)
		return ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
	n = i2d_PUBKEY(key, &der);
	if (n <= 0)
		return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot encode the public key");
	if (!EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL)) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "SHA-256 failed");
		goto out;
	}
	rc = ecert_base64url_encode(md, KID_HASH_BYTES, &b);
	if (rc != ECERT_OK || b.len != ECERT_KID_LEN) {
		rc = ecert_fail(err, rc == ECERT_OK ? ECERT_ERR_CRYPTO : rc,
		                "cannot encode the kid");
		goto out;
	}
	memcpy(kid, b.data, ECERT_KID_LEN + 1);
	rc = ECERT_OK;
out:
	OPENSSL_free(der);
	ecert_buf_free(&b);
	return rc;
}

int ecert_key_from_pem(const char *pem, size_t len, EVP_PKEY **out, struct ecert_error *err)
{
	BIO *bio = NULL;
	EVP_PKEY *key = NULL;
	int rc;

	if (len > KEY_PEM_MAX)
		return ecert_fail(err, ECERT_ERR_KEY, "public key PEM larger than %zu bytes",
		                  KEY_PEM_MAX);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (!key) {
		rc = ecert_ossl_fail(err, ECERT_ERR_KEY,
		                     "expected a PEM \"PUBLIC KEY\" (SubjectPublicKeyInfo)");
		goto out;
	}
	if (ecert_key_alg(key) == ECERT_ALG_NONE) {
		rc = ecert_fail(err, ECERT_ERR_KEY,
		                "unsupported key type: expected SM2, Ed25519 or P-256");
		goto out;
	}
	*out = key;
	key = NULL;
	rc = ECERT_OK;
out:
	EVP_PKEY_free(key);
	BIO_free(bio);
	return rc;
}

int ecert_key_load_public(const char *path, EVP_PKEY **out, struct ecert_error *err)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	int rc;

	rc = ecert_file_read(path, KEY_PEM_MAX, &b, err);
	if (rc == ECERT_ERR_JSON_SIZE)
		rc = ecert_fail(err, ECERT_ERR_KEY, "larger than %zu bytes: not a public key",
		                KEY_PEM_MAX);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_key_from_pem((const char *)b.data, b.len, out, err);
	if (rc != ECERT_OK)
		ecert_error_where(err, "%s", path);
out:
	ecert_buf_free(&b);
	return rc;
}

int ecert_key_to_pem(const EVP_PKEY *key, struct ecert_buf *out, struct ecert_error *err)
{
	BIO *bio = NULL;
	char *p = NULL;
	long n;
	int rc;

	if (ecert_key_alg(key) == ECERT_ALG_NONE)
		return ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
	bio = BIO_new(BIO_s_mem());
	if (!bio)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	if (!PEM_write_bio_PUBKEY(bio, key)) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot write the public key PEM");
		goto out;
	}
	n = BIO_get_mem_data(bio, &p);
	if (n <= 0 || ecert_buf_append(out, p, (size_t)n) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ECERT_OK;
out:
	BIO_free(bio);
	return rc;
}

/* ---- Multikey ---- */

static size_t varint_put(unsigned int v, unsigned char *p)
{
	size_t n = 0;

	while (v >= 0x80u) {
		p[n++] = (unsigned char)((v & 0x7fu) | 0x80u);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* Unsigned varint (multiformats): minimal encoding, at most VARINT_MAX_LEN bytes. Returns
 * the number of bytes read, 0 if malformed. */
static size_t varint_get(const unsigned char *p, size_t len, unsigned int *v)
{
	unsigned int x = 0;
	size_t i;

	for (i = 0; i < len && i < VARINT_MAX_LEN; i++) {
		x |= (unsigned int)(p[i] & 0x7fu) << (7 * i);
		if (!(p[i] & 0x80u)) {
			if (i > 0 && p[i] == 0)
				return 0; /* not minimal */
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

static unsigned int alg_multicodec(enum ecert_alg alg)
{
	switch (alg) {
	case ECERT_ALG_SM2:
		return MULTICODEC_SM2_PUB;
	case ECERT_ALG_ED25519:
		return MULTICODEC_ED25519_PUB;
	case ECERT_ALG_P256:
		return MULTICODEC_P256_PUB;
	case ECERT_ALG_NONE:
		break;
	}
	return 0;
}

/* The compressed SEC1 form of an EC public key. */
static int ec_compressed(const EVP_PKEY *key, unsigned char out[EC_COMPRESSED_LEN],
                         struct ecert_error *err)
{
	unsigned char pt[EC_UNCOMPRESSED_LEN + 1];
	size_t len = 0;

	if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &len))
		return ecert_ossl_fail(err, ECERT_ERR_KEY, "cannot read the public point");
	if (len == EC_COMPRESSED_LEN && (pt[0] == 2 || pt[0] == 3)) {
		memcpy(out, pt, EC_COMPRESSED_LEN);
		return ECERT_OK;
	}
	if (len != EC_UNCOMPRESSED_LEN || pt[0] != 4)
		return ecert_fail(err, ECERT_ERR_KEY, "unexpected public point encoding");
	out[0] = (unsigned char)(2u | (pt[EC_UNCOMPRESSED_LEN - 1] & 1u));
	memcpy(out + 1, pt + 1, EC_COORD_LEN);
	return ECERT_OK;
}

int ecert_key_to_multikey(const EVP_PKEY *key, struct ecert_buf *out, struct ecert_error *err)
{
	unsigned char raw[MULTIKEY_RAW_MAX];
	size_t n, keylen;
	enum ecert_alg alg = ecert_key_alg(key);
	int rc;

	if (alg == ECERT_ALG_NONE)
		return ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
	n = varint_put(alg_multicodec(alg), raw);
	if (alg == ECERT_ALG_ED25519) {
		keylen = ED25519_RAW_LEN;
		if (!EVP_PKEY_get_raw_public_key(key, raw + n, &keylen) ||
		    keylen != ED25519_RAW_LEN)
			return ecert_ossl_fail(err, ECERT_ERR_KEY,
			                       "cannot read the Ed25519 public key");
	} else {
		rc = ec_compressed(key, raw + n, err);
		if (rc != ECERT_OK)
			return rc;
		keylen = EC_COMPRESSED_LEN;
	}
	if (ecert_multibase58_encode(raw, n + keylen, out) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	return ECERT_OK;
}

static int ec_from_compressed(enum ecert_alg alg, const unsigned char *pt, EVP_PKEY **out,
                              struct ecert_error *err)
{
	EVP_PKEY_CTX *ctx = NULL, *chk = NULL;
	EVP_PKEY *key = NULL;
	OSSL_PARAM params[3];
	unsigned char point[EC_COMPRESSED_LEN];
	char group_sm2[] = "SM2", group_p256[] = "prime256v1";
	int rc;

	if (pt[0] != 2 && pt[0] != 3)
		return ecert_fail(err, ECERT_ERR_KEY, "expected a compressed point (0x02/0x03)");
	memcpy(point, pt, sizeof(point));
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, alg == ECERT_ALG_SM2 ? group_sm2 : group_p256, 0);
	params[1] =
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, alg == ECERT_ALG_SM2 ? "SM2" : "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot create an EC key");
		goto out;
	}
	if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		rc = ecert_ossl_fail(err, ECERT_ERR_KEY, "the point is not on the curve");
		goto out;
	}
	chk = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (!chk || EVP_PKEY_public_check(chk) != 1) {
		rc = ecert_ossl_fail(err, ECERT_ERR_KEY, "the public key fails validation");
		goto out;
	}
	*out = key;
	key = NULL;
	rc = ECERT_OK;
out:
	EVP_PKEY_CTX_free(chk);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(key);
	return rc;
}

int ecert_key_from_multikey(const char *mb, EVP_PKEY **out, struct ecert_error *err)
{
	struct ecert_buf raw = ECERT_BUF_INIT;
	EVP_PKEY *key = NULL;
	unsigned int code = 0;
	size_t n, len;
	int rc;

	if (!mb || mb[0] != 'z')
		return ecert_fail(err, ECERT_ERR_ENCODING,
		                  "a Multikey starts with 'z' (multibase base58btc)");
	len = strnlen(mb, DIDKEY_MAX + 1);
	if (len > DIDKEY_MAX)
		return ecert_fail(err, ECERT_ERR_ENCODING, "Multikey longer than %d characters",
		                  DIDKEY_MAX);
	rc = ecert_multibase58_decode(mb, len, &raw, err);
	if (rc != ECERT_OK)
		goto out;
	rc = ECERT_ERR_KEY;
	n = varint_get(raw.data, raw.len, &code);
	if (n == 0) {
		ecert_fail(err, rc, "Multikey: malformed multicodec prefix");
		goto out;
	}
	len = raw.len - n;
	switch (code) {
	case MULTICODEC_ED25519_PUB:
		if (len != ED25519_RAW_LEN) {
			ecert_fail(err, rc, "Multikey: Ed25519 key must be %d bytes, not %zu",
			           ED25519_RAW_LEN, len);
			goto out;
		}
		key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw.data + n, len);
		if (!key) {
			ecert_ossl_fail(err, rc, "Multikey: not an Ed25519 public key");
			goto out;
		}
		break;
	case MULTICODEC_P256_PUB:
	case MULTICODEC_SM2_PUB:
		if (len != EC_COMPRESSED_LEN) {
			ecert_fail(
			    err, rc,
			    "Multikey: EC key must be a %d-byte compressed point, not %zu bytes",
			    EC_COMPRESSED_LEN, len);
			goto out;
		}
		rc = ec_from_compressed(code == MULTICODEC_SM2_PUB ? ECERT_ALG_SM2 : ECERT_ALG_P256,
		                        raw.data + n, &key, err);
		if (rc != ECERT_OK)
			goto out;
		break;
	default:
		ecert_fail(err, rc,
		           "Multikey: multicodec 0x%x is not ed25519-pub, p256-pub or sm2-pub",
		           code);
		goto out;
	}
	*out = key;
	key = NULL;
	rc = ECERT_OK;
out:
	EVP_PKEY_free(key);
	ecert_buf_free(&raw);
	return rc;
}

int ecert_didkey_resolve(const char *verification_method, EVP_PKEY **out, struct ecert_error *err)
{
	const char *id, *hash;
	size_t len, idlen, plen = strlen(DIDKEY_PREFIX);
	char mb[DIDKEY_MAX + 1];

	if (!verification_method)
		return ecert_fail(err, ECERT_ERR_KEY, "no verification method");
	len = strnlen(verification_method, DIDKEY_MAX + 1);
	if (len > DIDKEY_MAX)
		return ecert_fail(err, ECERT_ERR_KEY, "did:key longer than %d characters",
		                  DIDKEY_MAX);
	if (strncmp(verification_method, DIDKEY_PREFIX, plen) != 0)
		return ecert_fail(err, ECERT_ERR_KEY, "expected \"did:key:<multikey>#<multikey>\"");
	id = verification_method + plen;
	hash = strchr(id, '#');
	if (!hash)
		return ecert_fail(err, ECERT_ERR_KEY,
		                  "did:key verification method lacks the #<multikey> fragment");
	idlen = (size_t)(hash - id);
	/* did:key Method §3.1.2: the fragment is the multibase key itself. */
	if (idlen == 0 || strlen(hash + 1) != idlen || memcmp(id, hash + 1, idlen) != 0)
		return ecert_fail(err, ECERT_ERR_KEY,
		                  "did:key fragment does not equal the key identifier");
	memcpy(mb, id, idlen);
	mb[idlen] = '\0';
	return ecert_key_from_multikey(mb, out, err);
}
