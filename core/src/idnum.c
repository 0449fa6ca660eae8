/* ecert — 居民身份证号 (GB 11643-1999) and the holder digest (DESIGN §2). */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ecert/buf.h"
#include "ecert/encoding.h"
#include "ecert/idnum.h"
#include "utf8clip.h"

#define IDNUM_BODY_LEN (ECERT_IDNUM_LEN - 1)
#define IDNUM_MOD 11
#define IDNUM_BIRTH_OFF 6 /* characters 7-14: YYYYMMDD */
#define IDNUM_MASK_KEEP_HEAD 6
#define IDNUM_MASK_KEEP_TAIL 4
#define SM3_LEN 32

/* GB 11643 §7.2: weight of position i (0-based) is 2^(17-i) mod 11. */
static const int weights[IDNUM_BODY_LEN] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[] = "10X98765432";

int ecert_idnum_check_char(const char *first17, char *out, struct ecert_error *err)
{
	int sum = 0;

	if (!first17 || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no ID number given");
	for (int i = 0; i < IDNUM_BODY_LEN; i++) {
		if (first17[i] < '0' || first17[i] > '9')
			return ecert_fail(err, ECERT_ERR_INVALID,
			                  "ID number: character %d is not a digit", i + 1);
		sum += (first17[i] - '0') * weights[i];
	}
	*out = check_chars[sum % IDNUM_MOD];
	return ECERT_OK;
}

/* The canonical form (check character 'x' → 'X') of an 18-character number, or -1. */
static int canonical(const char *id, char out[ECERT_IDNUM_LEN + 1])
{
	if (strlen(id) != ECERT_IDNUM_LEN)
		return -1;
	memcpy(out, id, ECERT_IDNUM_LEN + 1);
	if (out[IDNUM_BODY_LEN] == 'x')
		out[IDNUM_BODY_LEN] = 'X';
	return 0;
}

static int birth_date(const char *id, struct ecert_date *out, struct ecert_error *err)
{
	char s[11];
	const char *b = id + IDNUM_BIRTH_OFF;
	struct ecert_date d, today, oldest = {ECERT_IDNUM_BIRTH_YEAR_MIN, 1, 1};

	memcpy(s, b, 4);
	s[4] = '-';
	memcpy(s + 5, b + 4, 2);
	s[7] = '-';
	memcpy(s + 8, b + 6, 2);
	s[10] = '\0';
	if (ecert_date_parse(s, &d, NULL) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "ID number: birth date %.8s (characters 7-14) is not a real date",
		                  b);
	if (ecert_date_cmp(&d, &oldest) < 0)
		return ecert_fail(err, ECERT_ERR_INVALID, "ID number: birth date %s is before %d",
		                  s, ECERT_IDNUM_BIRTH_YEAR_MIN);
	today = ecert_date_of(ecert_time_now());
	if (ecert_date_cmp(&d, &today) > 0)
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "ID number: birth date %s is in the future", s);
	*out = d;
	return ECERT_OK;
}

int ecert_idnum_check(const char *id, struct ecert_date *birth, struct ecert_error *err)
{
	char canon[ECERT_IDNUM_LEN + 1];
	char want;
	struct ecert_date d;
	int rc;

	if (!id)
		return ecert_fail(err, ECERT_ERR_ARG, "no ID number given");
	if (canonical(id, canon) != 0)
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "ID number must have %d characters, got %zu", ECERT_IDNUM_LEN,
		                  strlen(id));
	rc = ecert_idnum_check_char(canon, &want, err);
	if (rc != ECERT_OK)
		return rc;
	if (canon[IDNUM_BODY_LEN] != want)
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "ID number: check character is '%c', expected '%c' (GB 11643)",
		                  ascii_or_qmark(id[IDNUM_BODY_LEN]), want);
	rc = birth_date(canon, &d, err);
	if (rc != ECERT_OK)
		return rc;
	if (birth)
		*birth = d;
	return ECERT_OK;
}

int ecert_idnum_mask(const char *id, char out[ECERT_IDNUM_LEN + 1], struct ecert_error *err)
{
	char canon[ECERT_IDNUM_LEN + 1];
	int rc = ecert_idnum_check(id, NULL, err);

	if (rc != ECERT_OK)
		return rc;
	(void)canonical(id, canon);
	memcpy(out, canon, ECERT_IDNUM_LEN + 1);
	memset(out + IDNUM_MASK_KEEP_HEAD, '*',
	       ECERT_IDNUM_LEN - IDNUM_MASK_KEEP_HEAD - IDNUM_MASK_KEEP_TAIL);
	OPENSSL_cleanse(canon, sizeof(canon));
	return ECERT_OK;
}

/* SM3(salt || canonical id) into md. The number must already be checked. */
static int sm3_of(const uint8_t salt[ECERT_IDNUM_SALT_LEN], const char canon[ECERT_IDNUM_LEN],
                  uint8_t md[SM3_LEN], struct ecert_error *err)
{
	uint8_t in[ECERT_IDNUM_SALT_LEN + ECERT_IDNUM_LEN];
	unsigned int mdlen = 0;
	const EVP_MD *sm3 = EVP_sm3();
	int rc = ECERT_ERR_CRYPTO;

	if (!sm3)
		return ecert_fail(err, ECERT_ERR_UNSUPPORTED, "this OpenSSL has no SM3");
	memcpy(in, salt, ECERT_IDNUM_SALT_LEN);
	memcpy(in + ECERT_IDNUM_SALT_LEN, canon, ECERT_IDNUM_LEN);
	if (EVP_Digest(in, sizeof(in), md, &mdlen, sm3, NULL) != 1 || mdlen != SM3_LEN) {
		rc = ecert_fail(err, ECERT_ERR_CRYPTO, "SM3 digest failed");
		goto out;
	}
	rc = ECERT_OK;
out:
	OPENSSL_cleanse(in, sizeof(in));
	return rc;
}

int ecert_idnum_digest(const char *id, const uint8_t salt[ECERT_IDNUM_SALT_LEN],
                       char out[ECERT_ID_DIGEST_SIZE], struct ecert_error *err)
{
	char canon[ECERT_IDNUM_LEN + 1];
	uint8_t md[SM3_LEN];
	struct ecert_buf b = ECERT_BUF_INIT;
	int rc;

	rc = ecert_idnum_check(id, NULL, err);
	if (rc != ECERT_OK)
		return rc;
	if (!salt)
		return ecert_fail(err, ECERT_ERR_ARG, "no salt given");
	(void)canonical(id, canon);
	rc = sm3_of(salt, canon, md, err);
	if (rc != ECERT_OK)
		goto out;
	(void)ecert_buf_puts(&b, ECERT_ID_DIGEST_PREFIX);
	(void)ecert_base64url_encode(salt, ECERT_IDNUM_SALT_LEN, &b);
	(void)ecert_buf_putc(&b, ':');
	(void)ecert_hex_encode(md, sizeof(md), &b);
	if (ecert_buf_ok(&b) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (b.len != ECERT_ID_DIGEST_SIZE - 1) {
		rc = ecert_fail(err, ECERT_ERR_CRYPTO, "idDigest has an unexpected length");
		goto out;
	}
	memcpy(out, b.data, ECERT_ID_DIGEST_SIZE);
	rc = ECERT_OK;
out:
	OPENSSL_cleanse(canon, sizeof(canon));
	OPENSSL_cleanse(md, sizeof(md));
	ecert_buf_free(&b);
	return rc;
}

int ecert_idnum_digest_random(const char *id, char out[ECERT_ID_DIGEST_SIZE],
                              struct ecert_error *err)
{
	uint8_t salt[ECERT_IDNUM_SALT_LEN];
	int rc;

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return ecert_fail(err, ECERT_ERR_CRYPTO, "no random salt (RAND_bytes failed)");
	rc = ecert_idnum_digest(id, salt, out, err);
	OPENSSL_cleanse(salt, sizeof(salt));
	return rc;
}

int ecert_idnum_digest_match(const char *digest, const char *id, struct ecert_error *err)
{
	const size_t plen = sizeof(ECERT_ID_DIGEST_PREFIX) - 1;
	const char *salt_txt, *hex_txt;
	char canon[ECERT_IDNUM_LEN + 1];
	uint8_t md[SM3_LEN];
	struct ecert_buf salt = ECERT_BUF_INIT, given = ECERT_BUF_INIT;
	int rc = ECERT_ERR_HOLDER;

	if (!digest)
		return ecert_fail(err, ECERT_ERR_ARG, "no idDigest given");
	rc = ecert_idnum_check(id, NULL, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ECERT_ERR_INVALID;
	if (strlen(digest) != ECERT_ID_DIGEST_SIZE - 1 ||
	    strncmp(digest, ECERT_ID_DIGEST_PREFIX, plen) != 0 ||
	    digest[plen + ECERT_ID_DIGEST_SALT_CHARS] != ':') {
		rc = ecert_fail(err, ECERT_ERR_INVALID,
		                "idDigest is not \"sm3:<base64url salt>:<64 hex digits>\"");
		goto out;
	}
	salt_txt = digest + plen;
	hex_txt = salt_txt + ECERT_ID_DIGEST_SALT_CHARS + 1;
	rc = ecert_base64url_decode(salt_txt, ECERT_ID_DIGEST_SALT_CHARS, &salt, NULL);
	if (rc == ECERT_ERR_NOMEM || ecert_buf_ok(&salt) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (rc != ECERT_OK || salt.len != ECERT_IDNUM_SALT_LEN) {
		rc = ecert_fail(err, ECERT_ERR_INVALID, "idDigest: the salt is not base64url");
		goto out;
	}
	rc = ecert_hex_decode(hex_txt, ECERT_ID_DIGEST_HEX_CHARS, &given, NULL);
	if (rc == ECERT_ERR_NOMEM || ecert_buf_ok(&given) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (rc != ECERT_OK || given.len != SM3_LEN) {
		rc = ecert_fail(err, ECERT_ERR_INVALID, "idDigest: the digest is not hex");
		goto out;
	}
	(void)canonical(id, canon);
	rc = sm3_of(salt.data, canon, md, err);
	if (rc != ECERT_OK)
		goto out;
	rc = ECERT_ERR_HOLDER;
	if (CRYPTO_memcmp(md, given.data, SM3_LEN) != 0) {
		rc = ecert_fail(err, ECERT_ERR_HOLDER, "the ID number does not match idDigest");
		goto out;
	}
	rc = ECERT_OK;
out:
	OPENSSL_cleanse(canon, sizeof(canon));
	OPENSSL_cleanse(md, sizeof(md));
	ecert_buf_wipe(&salt);
	ecert_buf_wipe(&given);
	return rc;
}
