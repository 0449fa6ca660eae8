/* ecert — 居民身份证号 (citizen identity number, GB 11643-1999) and the holder digest.
 *
 * A certificate never carries the full number: it carries idNumberMasked (first 6 and
 * last 4 characters, the rest '*') and
 *     idDigest = "sm3:" + base64url(salt16) + ":" + hex(SM3(salt16 || idNumber))
 * (DESIGN §2). A counter that sees the ID card recomputes the digest with the salt from
 * the certificate and compares in constant time.
 *
 * The check character 'X' may be given as 'x'; every function here treats the two alike
 * and masks and digests the canonical upper-case form. */
#ifndef ECERT_IDNUM_H
#define ECERT_IDNUM_H

#include <stdint.h>
#include "ecert/datetime.h"
#include "ecert/error.h"

#define ECERT_IDNUM_LEN 18
/* Birth dates before this year are not plausible on a certificate holder's ID. */
#define ECERT_IDNUM_BIRTH_YEAR_MIN 1900
#define ECERT_IDNUM_SALT_LEN 16
#define ECERT_ID_DIGEST_PREFIX "sm3:"
#define ECERT_ID_DIGEST_SALT_CHARS 22 /* base64url of 16 bytes, no padding */
#define ECERT_ID_DIGEST_HEX_CHARS 64  /* SM3 is 32 bytes */
/* "sm3:" + 22 + ":" + 64 + NUL */
#define ECERT_ID_DIGEST_SIZE                                                                       \
	(sizeof(ECERT_ID_DIGEST_PREFIX) - 1 + ECERT_ID_DIGEST_SALT_CHARS + 1 +                     \
	 ECERT_ID_DIGEST_HEX_CHARS + 1)

/* The check character of the first 17 digits (weights 2^(17-i) mod 11, check
 * "10X98765432"[sum mod 11]). ECERT_ERR_INVALID if one of them is not a digit.
 * Thread-safe. */
int ecert_idnum_check_char(const char *first17, char *out, struct ecert_error *err);

/* Whether `id` is a valid 18-character number: 17 digits and the right check character
 * (GB 11643, ISO 7064 MOD 11-2), and a plausible birth date in characters 7-14: a real
 * date, not before 1900-01-01 and not after today (UTC+8, ecert_time_now()). On success
 * the birth date is stored in *birth if birth is not NULL. ECERT_ERR_INVALID otherwise,
 * with a message naming the part that is wrong. Thread-safe. */
int ecert_idnum_check(const char *id, struct ecert_date *birth, struct ecert_error *err);

/* Write the masked form of a valid number (ecert_idnum_check first): the first 6 and last
 * 4 characters kept, the 8 between replaced by '*'. Thread-safe. */
int ecert_idnum_mask(const char *id, char out[ECERT_IDNUM_LEN + 1], struct ecert_error *err);

/* Compute idDigest for a valid number with the given 16-byte salt (the issuer draws it
 * from a CSPRNG, see ecert_idnum_digest_random). Errors: ECERT_ERR_INVALID (number),
 * ECERT_ERR_UNSUPPORTED (OpenSSL without SM3), ECERT_ERR_CRYPTO, ECERT_ERR_NOMEM.
 * Thread-safe. */
int ecert_idnum_digest(const char *id, const uint8_t salt[ECERT_IDNUM_SALT_LEN],
                       char out[ECERT_ID_DIGEST_SIZE], struct ecert_error *err);

/* As ecert_idnum_digest with a fresh salt from RAND_bytes. Thread-safe. */
int ecert_idnum_digest_random(const char *id, char out[ECERT_ID_DIGEST_SIZE],
                              struct ecert_error *err);

/* Whether `digest` (an idDigest from a certificate) belongs to the number `id`: the salt is
 * taken from the digest, the SM3 recomputed and compared with CRYPTO_memcmp.
 * ECERT_OK on a match; ECERT_ERR_HOLDER when the digest is well-formed but belongs to
 * another number; ECERT_ERR_INVALID when `id` is not a valid number or `digest` is not of
 * the form above; ECERT_ERR_UNSUPPORTED / ECERT_ERR_CRYPTO / ECERT_ERR_NOMEM.
 * Thread-safe. */
int ecert_idnum_digest_match(const char *digest, const char *id, struct ecert_error *err);

#endif
