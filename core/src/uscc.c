/* ecert — 统一社会信用代码 (GB 32100-2015). */
#include <string.h>

#include "ecert/uscc.h"
#include "utf8clip.h"

#define USCC_BODY_LEN (ECERT_USCC_LEN - 1)
#define USCC_MOD 31
/* Characters 3..8 (1-based) are the administrative division code, digits only. */
#define USCC_REGION_FIRST 2
#define USCC_REGION_END 8

/* GB 32100 §4.2: the 31 characters of the code; I O Z S V are never used. */
static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 32100 §5: weight of position i is 3^i mod 31. */
static const int weights[USCC_BODY_LEN] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                           29, 25, 13, 8,  24, 10, 30, 28};

static int value_of(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(alphabet, c);
	return p ? (int)(p - alphabet) : -1;
}

int ecert_uscc_check_char(const char *first17, char *out, struct ecert_error *err)
{
	int sum = 0;

	if (!first17 || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no code given");
	for (int i = 0; i < USCC_BODY_LEN; i++) {
		int v = value_of(first17[i]);

		if (v < 0) {
			if (first17[i] == '\0')
				return ecert_fail(err, ECERT_ERR_INVALID,
				                  "unified social credit code too short");
			return ecert_fail(err, ECERT_ERR_INVALID,
			                  "unified social credit code: character %d ('%c') is not "
			                  "in 0-9 A-H J-N P-R T U W X Y",
			                  i + 1, ascii_or_qmark(first17[i]));
		}
		sum += v * weights[i];
	}
	*out = alphabet[(USCC_MOD - sum % USCC_MOD) % USCC_MOD];
	return ECERT_OK;
}

int ecert_uscc_check(const char *code, struct ecert_error *err)
{
	char want;
	int rc;

	if (!code)
		return ecert_fail(err, ECERT_ERR_ARG, "no code given");
	if (strlen(code) != ECERT_USCC_LEN)
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "unified social credit code must have %d characters, got %zu",
		                  ECERT_USCC_LEN, strlen(code));
	rc = ecert_uscc_check_char(code, &want, err);
	if (rc != ECERT_OK)
		return rc;
	if (value_of(code[USCC_BODY_LEN]) < 0)
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "unified social credit code: check character '%c' is not in "
		                  "0-9 A-H J-N P-R T U W X Y",
		                  ascii_or_qmark(code[USCC_BODY_LEN]));
	for (int i = USCC_REGION_FIRST; i < USCC_REGION_END; i++) {
		if (code[i] < '0' || code[i] > '9')
			return ecert_fail(err, ECERT_ERR_INVALID,
			                  "unified social credit code: characters 3-8 must be the "
			                  "digits of a division code");
	}
	if (code[USCC_BODY_LEN] != want)
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "unified social credit code: check character is '%c', expected "
		                  "'%c' (GB 32100)",
		                  code[USCC_BODY_LEN], want);
	return ECERT_OK;
}

int ecert_uscc_urn(const char *code, char out[ECERT_USCC_URN_SIZE], struct ecert_error *err)
{
	size_t plen = sizeof(ECERT_USCC_URN_PREFIX) - 1;
	int rc = ecert_uscc_check(code, err);

	if (rc != ECERT_OK)
		return rc;
	memcpy(out, ECERT_USCC_URN_PREFIX, plen);
	memcpy(out + plen, code, ECERT_USCC_LEN + 1);
	return ECERT_OK;
}

int ecert_uscc_from_urn(const char *urn, char out[ECERT_USCC_LEN + 1], struct ecert_error *err)
{
	size_t plen = sizeof(ECERT_USCC_URN_PREFIX) - 1;
	int rc;

	if (!urn)
		return ecert_fail(err, ECERT_ERR_ARG, "no identifier given");
	if (strncmp(urn, ECERT_USCC_URN_PREFIX, plen) != 0)
		return ecert_fail(
		    err, ECERT_ERR_INVALID,
		    "expected \"urn:uscc:<unified social credit code>\", got \"%.*s\"",
		    utf8_clip(urn, 40), urn);
	rc = ecert_uscc_check(urn + plen, err);
	if (rc != ECERT_OK)
		return rc;
	memcpy(out, urn + plen, ECERT_USCC_LEN + 1);
	return ECERT_OK;
}
