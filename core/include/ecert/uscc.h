/* ecert — 统一社会信用代码 (unified social credit code, GB 32100-2015) of issuers, and the
 * "urn:uscc:<code>" identifiers that name them in documents (DESIGN §2). */
#ifndef ECERT_USCC_H
#define ECERT_USCC_H

#include "ecert/error.h"

#define ECERT_USCC_LEN 18
#define ECERT_USCC_URN_PREFIX "urn:uscc:"
/* "urn:uscc:" + 18 characters + NUL */
#define ECERT_USCC_URN_SIZE (sizeof(ECERT_USCC_URN_PREFIX) - 1 + ECERT_USCC_LEN + 1)

/* The check character of the first 17 characters of a code (alphabet
 * 0-9 A-H J-N P-R T U W X Y, weights 3^i mod 31). ECERT_ERR_INVALID if a character is
 * outside the alphabet (I O Z S V and lower case are not in it). Thread-safe. */
int ecert_uscc_check_char(const char *first17, char *out, struct ecert_error *err);

/* Whether `code` is a well-formed USCC: exactly 18 characters of the alphabet, characters
 * 3-8 (the registration authority's administrative division code) digits, and the right
 * check character. ECERT_OK or ECERT_ERR_INVALID with a message saying which part is
 * wrong. Thread-safe. */
int ecert_uscc_check(const char *code, struct ecert_error *err);

/* Write "urn:uscc:<code>" to out after checking the code as above. Thread-safe. */
int ecert_uscc_urn(const char *code, char out[ECERT_USCC_URN_SIZE], struct ecert_error *err);

/* The code inside an "urn:uscc:<code>" identifier (an issuer.id), checked as above; the
 * NUL-terminated code is written to out. ECERT_ERR_INVALID otherwise. Thread-safe. */
int ecert_uscc_from_urn(const char *urn, char out[ECERT_USCC_LEN + 1], struct ecert_error *err);

#endif
