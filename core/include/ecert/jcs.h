/* ecert — RFC 8785 JSON Canonicalization Scheme.
 *
 * Own serializer (cJSON's printer is not JCS): object members sorted by their UTF-16
 * code units, strings with the minimal escapes of RFC 8785 §3.2.2.2, numbers in the
 * ECMAScript Number::toString form (shortest round-trip digits, exponent at >= 1e21 and
 * < 1e-6, -0 as 0). Input must come from ecert_json_parse (valid UTF-8, finite numbers). */
#ifndef ECERT_JCS_H
#define ECERT_JCS_H

#include <cjson/cJSON.h>
#include "ecert/buf.h"
#include "ecert/error.h"

/* Longest ECMAScript form of a double: "-1.2345678901234567e-308" plus NUL. */
#define ECERT_JCS_NUMBER_MAX 32

/* Append the canonical form of `value` to `out`. Errors: ECERT_ERR_JSON_NUMBER (NaN or
 * infinite), ECERT_ERR_JSON_UTF8 (invalid string), ECERT_ERR_JSON_DEPTH, ECERT_ERR_NOMEM. */
int ecert_jcs_serialize(const cJSON *value, struct ecert_buf *out, struct ecert_error *err);

/* Append the canonical form of object `obj` as if edited: without its member `omit` (NULL:
 * none) and with the member add_key: add_value (NULL: none; a key obj already has is
 * ECERT_ERR_JSON_DUPKEY). obj is not changed: this is what serializing an edited copy
 * gives, without the copy. Errors as ecert_jcs_serialize, ECERT_ERR_ARG if obj is not an
 * object. */
int ecert_jcs_serialize_edited(const cJSON *obj, const char *omit, const char *add_key,
			       const cJSON *add_value, struct ecert_buf *out,
			       struct ecert_error *err);

/* ECMAScript Number::toString of d into out (NUL-terminated). ECERT_ERR_JSON_NUMBER for
 * NaN or infinity. */
int ecert_jcs_number(double d, char out[ECERT_JCS_NUMBER_MAX]);

#endif
