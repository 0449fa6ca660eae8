/* ecert — validation against the JSON Schemas of schemas/ (a subset of draft 2020-12).
 *
 * Supported keywords: type (string or array; "integer" = a number without fraction),
 * properties, required, additionalProperties (boolean or schema), items (one schema for
 * every item), minItems, maxItems, enum, const, pattern, minLength, maxLength (counted in
 * Unicode code points), minimum, maximum, format ("date": YYYY-MM-DD, a real date;
 * "date-time": RFC 3339 with offset, see datetime.h), $ref ("#" or "#/$defs/…" JSON
 * pointers into the same schema), allOf, anyOf, oneOf, not, if/then/else, and boolean
 * schemas. Annotations ($schema, $id, $comment, $defs, title, description, examples,
 * default) are ignored.
 *
 * Fail closed: any other keyword, any other format, a $ref that does not resolve and a
 * pattern that does not compile are errors in the schema (ECERT_ERR_UNSUPPORTED), never
 * silently skipped; they are reported when validation reaches them. Patterns are POSIX
 * extended regular expressions, searched unanchored as in JSON Schema: write ^…$, [0-9]
 * (not \d), and keep bracket expressions to ASCII. They are matched byte by byte in time
 * linear in the value, by the subset of ERE that ecert/pattern.h describes (what it
 * refuses, and the C-locale meaning of . and the classes).
 *
 * A schema is compiled before use (keywords resolved, $refs linked, patterns compiled,
 * property names put in a lookup table); an embedded one once, on first use, and kept for
 * the process.
 *
 * The first violation found is reported: ECERT_ERR_SCHEMA, err->where = the JSON path of
 * the offending value ("credentialSubject.level", "evidence[0].proof", empty for the
 * document itself), err->msg = what was expected ("expected one of \"员级\", …").
 * Recursion is bounded by ECERT_SCHEMA_DEPTH_MAX (schema and document nesting, $ref
 * chains). */
#ifndef ECERT_SCHEMA_H
#define ECERT_SCHEMA_H

#include <cjson/cJSON.h>
#include "ecert/error.h"

#define ECERT_SCHEMA_DEPTH_MAX 64

/* Validate `instance` against `schema`. Neither is modified. ECERT_OK, ECERT_ERR_SCHEMA
 * (instance does not match), ECERT_ERR_UNSUPPORTED (schema uses something outside the
 * subset), ECERT_ERR_NOMEM. The schema is compiled for the call, unless it is an embedded
 * schema's tree from ecert_schema_get; its compiled patterns are cached process-wide.
 * Thread-safe. */
int ecert_schema_validate(const cJSON *schema, const cJSON *instance, struct ecert_error *err);

/* The embedded schema schemas/<name> (e.g. "certificate.schema.json"), parsed strictly and
 * compiled on first use and kept for the life of the process; the caller must not free or
 * modify it. ECERT_ERR_IO if no such file is embedded, else the parser's errors or
 * ECERT_ERR_NOMEM. Thread-safe. */
int ecert_schema_get(const char *name, const cJSON **out, struct ecert_error *err);

/* ecert_schema_validate with the embedded schema `name`. Thread-safe. */
int ecert_schema_validate_named(const char *name, const cJSON *instance, struct ecert_error *err);

#endif
