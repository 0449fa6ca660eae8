/* ecert — strict JSON parsing on top of cJSON (DESIGN §3).
 *
 * Before a document is signed, verified or canonicalised it is parsed strictly:
 * RFC 8259 grammar only (no leading zeros, no NaN/Infinity, no comments), valid UTF-8,
 * \u escapes that form valid surrogate pairs, no duplicate keys (compared after
 * unescaping), nesting no deeper than a bound, text no larger than a bound, nothing but
 * whitespace after the value, and numbers that fit a finite double. Each rejection has
 * its own code; err->where names the byte offset (line:column) or the key path. */
#ifndef ECERT_JSON_H
#define ECERT_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "ecert/error.h"

/* Default bounds: a certificate is a few KB; a trust list or claim with evidence
 * stays far below 1 MiB. Containers (arrays/objects) count one level each. */
#define ECERT_JSON_MAX_BYTES ((size_t)1 << 20)
#define ECERT_JSON_MAX_DEPTH 32
/* Largest max_depth honoured: cJSON's own nesting limit (CJSON_NESTING_LIMIT); a larger
 * limits->max_depth is lowered to it. The JCS serializer uses the same bound. */
#define ECERT_JSON_DEPTH_CEILING 1000
/* Longest number token accepted (characters): cJSON 1.7 copies a number into a 64-byte
 * buffer and would misparse a longer one, so longer numbers are rejected
 * (ECERT_ERR_JSON_NUMBER) instead. */
#define ECERT_JSON_NUMBER_MAX_CHARS 63

struct ecert_json_limits {
	size_t max_bytes; /* 0 = ECERT_JSON_MAX_BYTES */
	int max_depth;    /* 0 = ECERT_JSON_MAX_DEPTH */
};

/* Parse `len` bytes of `text` (need not be NUL-terminated). On success *out is a new
 * cJSON tree owned by the caller (cJSON_Delete). limits may be NULL for the defaults.
 * Errors: ECERT_ERR_JSON_* as above, ECERT_ERR_NOMEM. A UTF-8 byte order mark and a
 * \u0000 escape (cJSON strings cannot hold NUL) are rejected as ECERT_ERR_JSON_SYNTAX.
 * err->where is "line L, column C (byte N)" (line and column from 1, column in characters,
 * byte offset from 0), or for a duplicate key or an out-of-range number the key path
 * ("credentialSubject.name", "items[2]"). Thread-safe. */
int ecert_json_parse(const char *text, size_t len, const struct ecert_json_limits *limits,
		     cJSON **out, struct ecert_error *err);

/* What ecert_json_parse_canon tells besides the tree. */
struct ecert_json_canon {
	/* 1: the text is byte for byte its own JCS form (RFC 8785), ecert_jcs_serialize of
	 * the tree. Told only for texts without white space or escapes, with integers of at
	 * most 15 digits as the only numbers and ASCII keys in increasing order in every
	 * object; 0 for anything else, canonical or not. */
	int canonical;
	/* With cut_key, when canonical: dropping bytes [cut_from, cut_to) gives the JCS form
	 * of the tree without that top-level member (ecert_jcs_serialize_edited); cut_to is
	 * 0 if the top-level value is not an object with that member. */
	size_t cut_from, cut_to;
};

/* ecert_json_parse, also telling in *canon (which may be NULL) whether the text is
 * already canonical, and where top-level member cut_key (may be NULL) is in it: a
 * verifier then hashes the text it was given instead of serializing the tree again. */
int ecert_json_parse_canon(const char *text, size_t len, const struct ecert_json_limits *limits,
			   const char *cut_key, cJSON **out, struct ecert_json_canon *canon,
			   struct ecert_error *err);

/* Read and parse a file ("-" is standard input), bounded by limits->max_bytes.
 * err->where starts with the path. Errors as ecert_json_parse, plus ECERT_ERR_IO. */
int ecert_json_parse_file(const char *path, const struct ecert_json_limits *limits,
			  cJSON **out, struct ecert_error *err);

/* Typed lookups used across the library: the member `key` of object `obj` if it has
 * that type, else NULL. */
const char *ecert_json_str(const cJSON *obj, const char *key);
const cJSON *ecert_json_obj(const cJSON *obj, const char *key);
const cJSON *ecert_json_arr(const cJSON *obj, const char *key);

#endif
