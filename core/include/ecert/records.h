/* ecert — a streaming reader of issuance records (DESIGN §2 "Issuance records").
 *
 * Input formats:
 *   json   — one record object, or an array of record objects (streamed element by
 *            element; each element at most ECERT_RECORDS_RECORD_MAX bytes);
 *   ndjson — one record object per line (blank lines skipped);
 *   csv    — RFC 4180: a header row naming the fields (English names or the Chinese labels
 *            of the column table, see ecert_records_field_name), then one record per row;
 *            quoted fields with doubled quotes and embedded newlines, CRLF or LF.
 * Auto-detection (ECERT_RECORDS_AUTO): by extension (.json, .ndjson/.jsonl, .csv), else by
 * the first non-space character: '[' json; '{' ndjson when the first object ends on its
 * first line, json otherwise; anything else csv.
 *
 * Encodings: UTF-8 or GB18030 (converted with iconv); ECERT_RECORDS_ENC_AUTO takes a UTF-8
 * or GB18030 byte-order mark, else UTF-8 when the first ECERT_RECORDS_CHUNK bytes are valid
 * UTF-8, else GB18030. A leading byte-order mark is dropped. Invalid bytes, a truncated
 * sequence at the end and NUL bytes are errors naming the line (ECERT_ERR_ENCODING).
 *
 * Records: a cJSON object per record. CSV values are strings, trimmed of white space
 * (ASCII, U+00A0, U+3000, U+FEFF); an empty cell leaves its field out. JSON records are
 * given as parsed (strict JSON, json.h), and must be objects. Every record comes with the
 * line its text starts on.
 *
 * Errors name the place as "line 12" or "line 12: column 身份证号" in err->where, with what
 * was expected in err->msg. An error confined to one record (a CSV row with the wrong
 * number of cells, a bad NDJSON line, a JSON array element that is not a valid object …)
 * leaves the reader on the next record: call ecert_records_next again to go on. An error
 * of the stream itself (I/O, encoding, the CSV header, an unterminated quote, JSON
 * structure, a record over the size bound) is fatal: ecert_records_fatal() is then true and
 * every later call returns the same error.
 *
 * Memory does not grow with the input: a reader holds one chunk of input, one record and
 * the CSV header. Ownership: _open gives a reader to free with ecert_records_close (NULL
 * is fine); each record returned is the caller's (cJSON_Delete). A reader is not
 * thread-safe; different readers are independent. */
#ifndef ECERT_RECORDS_H
#define ECERT_RECORDS_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "ecert/error.h"

#define ECERT_RECORDS_CHUNK ((size_t)64 << 10)      /* bytes read (and sniffed) at a time */
#define ECERT_RECORDS_RECORD_MAX ((size_t)64 << 10) /* one JSON record / NDJSON line / CSV row */
#define ECERT_RECORDS_FIELD_MAX ((size_t)4 << 10)   /* one CSV cell, bytes of UTF-8 */
#define ECERT_RECORDS_COLUMNS_MAX 64                /* CSV columns */

enum ecert_records_format {
	ECERT_RECORDS_AUTO = 0,
	ECERT_RECORDS_JSON,
	ECERT_RECORDS_NDJSON,
	ECERT_RECORDS_CSV
};

enum ecert_records_encoding {
	ECERT_RECORDS_ENC_AUTO = 0,
	ECERT_RECORDS_UTF8,
	ECERT_RECORDS_GB18030
};

struct ecert_records;

/* Open `path` ("-" is standard input, not closed by the reader), read its first chunk and
 * settle the encoding and the format (and read the CSV header). Errors: ECERT_ERR_IO,
 * ECERT_ERR_ENCODING, ECERT_ERR_SCHEMA (empty input, bad CSV header), ECERT_ERR_INVALID,
 * ECERT_ERR_JSON_SYNTAX, ECERT_ERR_JSON_SIZE, ECERT_ERR_NOMEM; err->where names the line. */
int ecert_records_open(const char *path, enum ecert_records_format format,
                       enum ecert_records_encoding encoding, struct ecert_records **out,
                       struct ecert_error *err);

/* The same over `len` bytes in memory, which must stay valid until the reader is closed.
 * `name` (may be NULL) is used for the extension when format is AUTO. */
int ecert_records_open_mem(const void *data, size_t len, const char *name,
                           enum ecert_records_format format, enum ecert_records_encoding encoding,
                           struct ecert_records **out, struct ecert_error *err);

/* The next record: ECERT_OK with *record a new object (caller frees) and *line its first
 * line, or ECERT_OK with *record NULL at the end of the input. On error *record is left
 * untouched; see the header comment for which errors let the caller go on. */
int ecert_records_next(struct ecert_records *r, cJSON **record, unsigned long *line,
                       struct ecert_error *err);

/* 1 after a fatal error (the reader cannot go on), else 0. */
int ecert_records_fatal(const struct ecert_records *r);

/* The format and encoding in use (settled by _open). */
enum ecert_records_format ecert_records_format(const struct ecert_records *r);
enum ecert_records_encoding ecert_records_encoding(const struct ecert_records *r);

void ecert_records_close(struct ecert_records *r);

/* The record field name of a CSV header label: an English field name is itself, a Chinese
 * label maps by the column table ("身份证号" → "idNumber"); NULL if unknown. Thread-safe. */
const char *ecert_records_field_name(const char *label);

/* Command-line names: "auto", "json", "ndjson" (or "jsonl"), "csv"; "auto", "utf-8" (or
 * "utf8"), "gb18030" (or "gbk", a subset). ECERT_ERR_ARG for anything else. */
int ecert_records_format_parse(const char *name, enum ecert_records_format *out,
                               struct ecert_error *err);
int ecert_records_encoding_parse(const char *name, enum ecert_records_encoding *out,
                                 struct ecert_error *err);

#endif
