/* fuzz_json: strict JSON parsing (ecert_json_parse) and RFC 8785 canonicalization.
 *
 * Properties checked on every input:
 *   - a rejection is one of the ECERT_ERR_JSON_* codes, recorded in err with a message
 *     and a location, and *out stays NULL. ECERT_ERR_NOMEM cannot happen here (no fault
 *     injection is armed);
 *   - an accepted document canonicalizes (JCS); the canonical text parses again under
 *     the same depth bound, to the same value (cJSON_Compare), and canonicalizes to the
 *     same bytes: parse → JCS → parse → JCS is stable.
 * Small limits so that the size and depth rejections are reached too. */
#include <string.h>

#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "fuzz.h"

#define FUZZ_JSON_MAX_BYTES ((size_t)8192)
#define FUZZ_JSON_MAX_DEPTH 16
/* How much of a document a failure message quotes. */
#define QUOTE 256

FUZZ_INIT

static int quote_len(size_t n)
{
	return (int)(n < QUOTE ? n : QUOTE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ecert_json_limits lim = {FUZZ_JSON_MAX_BYTES, FUZZ_JSON_MAX_DEPTH};
	/* The canonical text can be longer than its source ("1e20" is
	 * "100000000000000000000"): read it back with the default size bound. */
	static const struct ecert_json_limits lim_canon = {0, FUZZ_JSON_MAX_DEPTH};
	struct ecert_buf c1 = ECERT_BUF_INIT, c2 = ECERT_BUF_INIT;
	struct ecert_error err;
	cJSON *t1 = NULL, *t2 = NULL;
	int rc;

	ecert_error_clear(&err);
	rc = ecert_json_parse((const char *)data, size, &lim, &t1, &err);
	if (rc != ECERT_OK) {
		FUZZ_CHECK(rc >= ECERT_ERR_JSON_SYNTAX && rc <= ECERT_ERR_JSON_NUMBER,
		           "rejected with %s (%s at %s)", ecert_errname(rc), err.msg, err.where);
		FUZZ_CHECK(err.code == rc, "err.code %d, returned %d", err.code, rc);
		FUZZ_CHECK(t1 == NULL, "a tree was returned with %s", ecert_errname(rc));
		FUZZ_CHECK(err.msg[0] != '\0', "no message for %s", ecert_errname(rc));
		FUZZ_CHECK(err.where[0] != '\0', "no location for %s (%s)", ecert_errname(rc),
		           err.msg);
		return 0;
	}
	FUZZ_CHECK(t1 != NULL, "ECERT_OK without a tree");

	rc = ecert_jcs_serialize(t1, &c1, &err);
	FUZZ_CHECK(rc == ECERT_OK, "JCS of a parsed document failed: %s (%s)", ecert_errname(rc),
	           err.msg);

	rc = ecert_json_parse((const char *)c1.data, c1.len, &lim_canon, &t2, &err);
	FUZZ_CHECK(rc == ECERT_OK, "the canonical form does not parse: %s (%s at %s)\n  %.*s",
	           ecert_errname(rc), err.msg, err.where, quote_len(c1.len), c1.data);
	FUZZ_CHECK(cJSON_Compare(t1, t2, 1), "the canonical form is another value:\n  %.*s",
	           quote_len(c1.len), c1.data);

	rc = ecert_jcs_serialize(t2, &c2, &err);
	FUZZ_CHECK(rc == ECERT_OK, "JCS of the canonical form failed: %s (%s)", ecert_errname(rc),
	           err.msg);
	FUZZ_CHECK(c1.len == c2.len && memcmp(c1.data, c2.data, c1.len) == 0,
	           "JCS is not stable:\n  first  %.*s\n  second %.*s", quote_len(c1.len), c1.data,
	           quote_len(c2.len), c2.data);

	cJSON_Delete(t1);
	cJSON_Delete(t2);
	ecert_buf_free(&c1);
	ecert_buf_free(&c2);
	return 0;
}
