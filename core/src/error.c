/* ecert — error codes and context. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/error.h"
#include "utf8clip.h"

static const struct {
	const char *name;
	const char *text;
} errtab[ECERT_ERR__COUNT] = {
	[ECERT_OK] = {"ok", "success"},
	[ECERT_ERR_NOMEM] = {"nomem", "out of memory"},
	[ECERT_ERR_ARG] = {"arg", "invalid argument"},
	[ECERT_ERR_IO] = {"io", "input/output error"},
	[ECERT_ERR_EXISTS] = {"exists", "file exists"},
	[ECERT_ERR_PERM] = {"perm", "file permissions too open"},
	[ECERT_ERR_JSON_SYNTAX] = {"json_syntax", "JSON syntax error"},
	[ECERT_ERR_JSON_DUPKEY] = {"json_dupkey", "duplicate JSON key"},
	[ECERT_ERR_JSON_UTF8] = {"json_utf8", "invalid UTF-8"},
	[ECERT_ERR_JSON_SURROGATE] = {"json_surrogate", "lone UTF-16 surrogate"},
	[ECERT_ERR_JSON_DEPTH] = {"json_depth", "JSON nested too deeply"},
	[ECERT_ERR_JSON_SIZE] = {"json_size", "document too large"},
	[ECERT_ERR_JSON_TRAILING] = {"json_trailing", "data after the JSON value"},
	[ECERT_ERR_JSON_NUMBER] = {"json_number", "number not allowed"},
	[ECERT_ERR_ENCODING] = {"encoding", "bad encoding"},
	[ECERT_ERR_QR_PREFIX] = {"qr_prefix", "unknown QR payload prefix"},
	[ECERT_ERR_QR_INFLATE] = {"qr_inflate", "corrupt compressed payload"},
	[ECERT_ERR_QR_SIZE] = {"qr_size", "payload inflates past the size bound"},
	[ECERT_ERR_QR_TRAILING] = {"qr_trailing", "data after the compressed payload"},
	[ECERT_ERR_QR_IMAGE] = {"qr_image", "no readable QR code in the image"},
	[ECERT_ERR_CRYPTO] = {"crypto", "cryptographic library failure"},
	[ECERT_ERR_KEY] = {"key", "unusable key"},
	[ECERT_ERR_PASSPHRASE] = {"passphrase", "wrong or missing passphrase"},
	[ECERT_ERR_SUITE] = {"suite", "cryptosuite not allowed for this key"},
	[ECERT_ERR_SIGNATURE] = {"signature", "signature does not verify"},
	[ECERT_ERR_SCHEMA] = {"schema", "document does not match its schema"},
	[ECERT_ERR_INVALID] = {"invalid", "invalid value"},
	[ECERT_ERR_TRUST] = {"trust", "not trusted"},
	[ECERT_ERR_SCOPE] = {"scope", "outside the key's scope"},
	[ECERT_ERR_VALIDITY] = {"validity", "not valid at this time"},
	[ECERT_ERR_REVOKED] = {"revoked", "revoked"},
	[ECERT_ERR_STATUS] = {"status", "revocation status unavailable"},
	[ECERT_ERR_HOLDER] = {"holder", "holder does not match"},
	[ECERT_ERR_DB] = {"db", "register database error"},
	[ECERT_ERR_UNSUPPORTED] = {"unsupported", "not supported"},
};

const char *ecert_strerror(int code)
{
	if (code < 0 || code >= ECERT_ERR__COUNT || !errtab[code].text)
		return "unknown error";
	return errtab[code].text;
}

const char *ecert_errname(int code)
{
	if (code < 0 || code >= ECERT_ERR__COUNT || !errtab[code].name)
		return "unknown";
	return errtab[code].name;
}

void ecert_error_clear(struct ecert_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int ecert_vfail(struct ecert_error *err, int code, const char *fmt, va_list ap)
{
	char msg[ECERT_ERR_MSG_MAX];

	if (!err)
		return code;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	utf8_trim_tail(msg);
	err->code = code;
	memcpy(err->msg, msg, sizeof(err->msg));
	return code;
}

int ecert_fail(struct ecert_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = ecert_vfail(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int ecert_error_where(struct ecert_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return ECERT_OK;
	va_start(ap, fmt);
	vsnprintf(err->where, sizeof(err->where), fmt, ap);
	va_end(ap);
	return err->code;
}

/* Append s at offset n of where (size ECERT_ERR_WHERE_MAX), truncating; returns new n. */
static size_t cat(char *where, size_t n, const char *s)
{
	while (*s && n + 1 < ECERT_ERR_WHERE_MAX)
		where[n++] = *s++;
	where[n] = '\0';
	return n;
}

void ecert_error_prefix(struct ecert_error *err, const char *fmt, ...)
{
	size_t n;
	char head[ECERT_ERR_WHERE_MAX];
	char old[ECERT_ERR_WHERE_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->where, sizeof(old));
	/* truncation is acceptable for a location string */
	n = cat(err->where, 0, head);
	if (old[0]) {
		n = cat(err->where, n, ": ");
		(void)cat(err->where, n, old);
	}
}
