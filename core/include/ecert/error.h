/* ecert — error codes and the error context.
 *
 * Every library function returns an int from enum ecert_rc (ECERT_OK = 0) and, on
 * failure, fills the caller's struct ecert_error with the code, where it happened
 * (file, record, field, byte offset) and a message that says what was expected.
 * The library never prints, exits or prompts; only the programs' main()s do.
 * Codes are stable: tests and exit-code mappings pin them. */
#ifndef ECERT_ERROR_H
#define ECERT_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum ecert_rc {
	ECERT_OK = 0,
	ECERT_ERR_NOMEM,          /* allocation failed */
	ECERT_ERR_ARG,            /* bad argument from the caller / usage */
	ECERT_ERR_IO,             /* file could not be read or written */
	ECERT_ERR_EXISTS,         /* output exists and --force was not given */
	ECERT_ERR_PERM,           /* file permissions too open (private keys) */
	/* strict JSON (json.c) */
	ECERT_ERR_JSON_SYNTAX,    /* not JSON */
	ECERT_ERR_JSON_DUPKEY,    /* an object has the same key twice */
	ECERT_ERR_JSON_UTF8,      /* invalid UTF-8 in the text */
	ECERT_ERR_JSON_SURROGATE, /* \uD800-\uDFFF escape not in a valid pair */
	ECERT_ERR_JSON_DEPTH,     /* nesting deeper than the bound */
	ECERT_ERR_JSON_SIZE,      /* document larger than the bound */
	ECERT_ERR_JSON_TRAILING,  /* data after the JSON value */
	ECERT_ERR_JSON_NUMBER,    /* NaN, Infinity, out-of-range or malformed number */
	/* encodings and QR payload */
	ECERT_ERR_ENCODING,       /* bad base45 / base58 / base64url / hex / multibase */
	ECERT_ERR_QR_PREFIX,      /* QR text does not start with the known prefix */
	ECERT_ERR_QR_INFLATE,     /* compressed payload is corrupt */
	ECERT_ERR_QR_SIZE,        /* payload inflates past the document bound (zip bomb) */
	ECERT_ERR_QR_TRAILING,    /* data after the end of the compressed stream */
	ECERT_ERR_QR_IMAGE,       /* no QR code found in the image / image unreadable */
	/* keys and crypto */
	ECERT_ERR_CRYPTO,         /* OpenSSL failure that is not a verdict */
	ECERT_ERR_KEY,            /* unusable key: wrong type, malformed */
	ECERT_ERR_PASSPHRASE,     /* wrong passphrase or none given */
	ECERT_ERR_SUITE,          /* unknown cryptosuite or suite/key mismatch */
	ECERT_ERR_SIGNATURE,      /* the proof does not verify */
	/* documents and policy */
	ECERT_ERR_SCHEMA,         /* required field missing or of the wrong type */
	ECERT_ERR_INVALID,        /* a value fails validation (checksum, date, level …) */
	ECERT_ERR_TRUST,          /* trust list problem: unsigned, kid unknown … */
	ECERT_ERR_SCOPE,          /* key not allowed to sign this, or not valid then */
	ECERT_ERR_VALIDITY,       /* certificate not yet valid or expired */
	ECERT_ERR_REVOKED,        /* status list says revoked */
	ECERT_ERR_STATUS,         /* status list missing / unusable */
	ECERT_ERR_HOLDER,         /* holder does not match */
	ECERT_ERR_DB,             /* register (SQLite) failure */
	ECERT_ERR_UNSUPPORTED,    /* a feature this build or data does not support */
	ECERT_ERR__COUNT
};

#define ECERT_ERR_WHERE_MAX 192
#define ECERT_ERR_MSG_MAX 320

struct ecert_error {
	int code;                          /* enum ecert_rc */
	char where[ECERT_ERR_WHERE_MAX];   /* "file.json", "line 12", "proof.proofValue" … */
	char msg[ECERT_ERR_MSG_MAX];       /* what was expected / what was found */
};

/* Short English name of a code ("duplicate JSON key"); never NULL. */
const char *ecert_strerror(int code);

/* Stable identifier of a code for machine output ("json_dupkey"); never NULL. */
const char *ecert_errname(int code);

/* Clear an error context. NULL is fine. */
void ecert_error_clear(struct ecert_error *err);

/* Set code and message (printf-style) and return code, so a caller can write
 * `return ecert_fail(err, ECERT_ERR_INVALID, "...")`. err may be NULL. A message
 * already set is replaced; `where` is kept. A message cut at the size bound never ends
 * in half a UTF-8 character. */
int ecert_fail(struct ecert_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ecert_fail with a va_list, for modules' own formatting helpers. The message is
 * formatted before err is touched, so an argument may point into err->msg. */
int ecert_vfail(struct ecert_error *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Set the location part ("certificate.json", "line 7, field idNumber"). Returns err->code. */
int ecert_error_where(struct ecert_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix the existing location with a wider context: "line 7" + "idNumber" →
 * "line 7: idNumber". Used as an error travels up. */
void ecert_error_prefix(struct ecert_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
