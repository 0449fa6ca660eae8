/* fuzz_json: strict JSON parsing (ecert_json_parse) and RFC 8785 canonicalization.
 *
 * Properties checked on every input:
 *   - a rejection is one of the ECERT_ERR_JSON_* codes, recorded in err with a message
 *     and a location, and *out stays NULL. ECERT_ERR_NOMEM cannot happen here (no fault
 *     injection is armed);
 *   - an accepted document canonicalizes (JCS); the canonical text parses again under
 *     the same depth bound, to the same value (cJSON_Compare), and canonicalizes to the
 *     same bytes: parse → JCS → parse → JCS is stable;
 *   - ecert_json_parse_canon gives the same answer, and when it calls the text canonical
 *     the text is byte for byte its JCS form, and dropping the bytes it names for the
 *     top-level member "a" gives the JCS form without "a" (ecert_jcs_serialize_edited);
 *     the JCS form itself is always called canonical when it has no escape, no number
 *     other than a short integer and only ASCII keys.
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

/* A JCS text that the canonical test must recognise: no backslash, no byte above 0x7F
 * (so ASCII keys), and numbers only as integers of at most 15 digits: outside strings no
 * '.', 'e', "-0" or digit run over 15. */
static int plain_jcs(const unsigned char *s, size_t n)
{
	size_t i, run = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\\' || c >= 0x80)
			return 0;
		if (c == '"') {
			in_str = !in_str;
			continue;
		}
		if (in_str)
			continue;
		if (c == '.' || ((c == 'e' || c == 'E') && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9'))
			return 0;
		if (c == '-' && i + 2 <= n && s[i + 1] == '0' && (i + 2 == n || s[i + 2] < '0' || s[i + 2] > '9'))
			return 0;
		run = c >= '0' && c <= '9' ? run + 1 : 0;
		if (run > 15)
			return 0;
	}
	return 1;
}

/* The JCS form of tree without top-level member "a" (all of it if there is none). */
static void jcs_without_a(const cJSON *tree, struct ecert_buf *out)
{
	struct ecert_error err;
	int rc = cJSON_IsObject(tree) ? ecert_jcs_serialize_edited(tree, "a", NULL, NULL, out, &err)
				      : ecert_jcs_serialize(tree, out, &err);

	FUZZ_CHECK(rc == ECERT_OK, "JCS failed: %s", ecert_errname(rc));
}

/* What ecert_json_parse_canon says of the text it parsed to tree (see the header). */
static void check_canon(const uint8_t *data, size_t size, const struct ecert_json_limits *lim,
			const cJSON *tree)
{
	struct ecert_json_canon canon;
	struct ecert_buf jcs = ECERT_BUF_INIT, cut = ECERT_BUF_INIT;
	struct ecert_error err;
	cJSON *t = NULL;
	int rc;

	rc = ecert_json_parse_canon((const char *)data, size, lim, "a", &t, &canon, &err);
	FUZZ_CHECK(rc == ECERT_OK && cJSON_Compare(t, tree, 1),
		   "ecert_json_parse_canon gives another answer: %s", ecert_errname(rc));
	cJSON_Delete(t);
	if (!canon.canonical)
		return;
	rc = ecert_jcs_serialize(tree, &jcs, &err);
	FUZZ_CHECK(rc == ECERT_OK && jcs.len == size && memcmp(jcs.data, data, size) == 0,
		   "called canonical, but its JCS form differs:\n  text %.*s\n  JCS  %.*s",
		   quote_len(size), (const char *)data, quote_len(jcs.len), jcs.data);
	FUZZ_CHECK(canon.cut_to == 0 ||
			   (canon.cut_from < canon.cut_to && canon.cut_to <= size),
		   "cut [%zu, %zu) of %zu bytes", canon.cut_from, canon.cut_to, size);
	FUZZ_CHECK((canon.cut_to != 0) ==
			   (cJSON_IsObject(tree) && cJSON_GetObjectItemCaseSensitive(tree, "a")),
		   "cut %s, member \"a\" %s", canon.cut_to ? "noted" : "not noted",
		   cJSON_GetObjectItemCaseSensitive(tree, "a") ? "present" : "absent");
	if (canon.cut_to) {
		FUZZ_CHECK(ecert_buf_append(&cut, data, canon.cut_from) == ECERT_OK &&
				   ecert_buf_append(&cut, data + canon.cut_to, size - canon.cut_to) ==
					   ECERT_OK,
			   "append");
		ecert_buf_free(&jcs);
		jcs_without_a(tree, &jcs);
		FUZZ_CHECK(cut.len == jcs.len && memcmp(cut.data, jcs.data, jcs.len) == 0,
			   "the text without \"a\" is not the JCS form without it:\n  text %.*s\n"
			   "  JCS  %.*s",
			   quote_len(cut.len), cut.data, quote_len(jcs.len), jcs.data);
	}
	ecert_buf_free(&jcs);
	ecert_buf_free(&cut);
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
	check_canon(data, size, &lim, t1);

	rc = ecert_jcs_serialize(t1, &c1, &err);
	FUZZ_CHECK(rc == ECERT_OK, "JCS of a parsed document failed: %s (%s)", ecert_errname(rc),
	           err.msg);

	rc = ecert_json_parse((const char *)c1.data, c1.len, &lim_canon, &t2, &err);
	FUZZ_CHECK(rc == ECERT_OK, "the canonical form does not parse: %s (%s at %s)\n  %.*s",
	           ecert_errname(rc), err.msg, err.where, quote_len(c1.len), c1.data);
	FUZZ_CHECK(cJSON_Compare(t1, t2, 1), "the canonical form is another value:\n  %.*s",
	           quote_len(c1.len), c1.data);
	check_canon(c1.data, c1.len, &lim_canon, t2);
	{
		struct ecert_json_canon canon;
		cJSON *t3 = NULL;

		rc = ecert_json_parse_canon((const char *)c1.data, c1.len, &lim_canon, NULL, &t3,
					    &canon, &err);
		FUZZ_CHECK(rc == ECERT_OK, "parse_canon of the JCS form failed");
		FUZZ_CHECK(canon.canonical || !plain_jcs(c1.data, c1.len),
			   "the JCS form, without escapes or fractions, is not called canonical:"
			   "\n  %.*s", quote_len(c1.len), c1.data);
		cJSON_Delete(t3);
	}

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
