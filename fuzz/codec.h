/* ecert — the checks shared by the encoding targets (fuzz_base45, fuzz_base58,
 * fuzz_base64url). Each input is used both ways:
 *
 * As text to decode. A rejection is ECERT_ERR_ENCODING and leaves what the output
 * buffer already held untouched (encoding.h: nothing partial is appended). An accepted
 * text must be the canonical encoding of what it decodes to: encoding the bytes gives
 * back the text, byte for byte. The decoders are strict enough for this to hold for
 * every text they accept:
 *   - base45: a triple is c + 45d + 45²e <= 65535 and a final pair c + 45d <= 255, so
 *     each group has one value and each value one group;
 *   - base58btc: each leading '1' is one zero byte and the rest is a number whose first
 *     digit is not zero, so there is no other way to write it (no leading zeros twice);
 *   - base64url: no padding, no 4k+1 length, and the unused bits of the last character
 *     must be zero, so no two texts give the same bytes.
 * (Hex is not fuzzed here: its decoder takes either case, so "AB" is not canonical.)
 *
 * As bytes to encode: decoding the encoding gives the bytes back. */
#ifndef ECERT_FUZZ_CODEC_H
#define ECERT_FUZZ_CODEC_H

#include <string.h>

#include "ecert/buf.h"
#include "ecert/encoding.h"
#include "ecert/error.h"
#include "fuzz.h"

typedef int (*codec_enc_fn)(const uint8_t *, size_t, struct ecert_buf *);
typedef int (*codec_dec_fn)(const char *, size_t, struct ecert_buf *, struct ecert_error *);

/* What the output buffer holds before a decode: must survive a rejection. */
#define CODEC_KEEP "keep"
#define CODEC_KEEP_LEN (sizeof(CODEC_KEEP) - 1)
/* How much of an input a failure message quotes. */
#define CODEC_QUOTE 128

static int codec_quote(size_t n)
{
	return (int)(n < CODEC_QUOTE ? n : CODEC_QUOTE);
}

/* Decode `text`; on success the decoded bytes are appended to *bytes (which the caller
 * frees) and ECERT_OK returned, else the (checked) rejection code. */
static int codec_check_text(const char *name, codec_dec_fn dec, codec_enc_fn enc, const char *text,
                            size_t len, struct ecert_buf *bytes)
{
	struct ecert_buf out = ECERT_BUF_INIT, re = ECERT_BUF_INIT;
	struct ecert_error err;
	int rc;

	ecert_error_clear(&err);
	FUZZ_CHECK(ecert_buf_puts(&out, CODEC_KEEP) == ECERT_OK, "out of memory");
	rc = dec(text, len, &out, &err);
	if (rc != ECERT_OK) {
		FUZZ_CHECK(rc == ECERT_ERR_ENCODING && err.code == rc && err.msg[0] != '\0',
		           "%s decode: rc %s, err.code %s, message \"%s\"", name, ecert_errname(rc),
		           ecert_errname(err.code), err.msg);
		FUZZ_CHECK(out.len == CODEC_KEEP_LEN &&
		               memcmp(out.data, CODEC_KEEP, CODEC_KEEP_LEN + 1) == 0,
		           "%s decode: a rejection changed the output buffer (%zu bytes)", name,
		           out.len);
		ecert_buf_free(&out);
		return rc;
	}
	FUZZ_CHECK(out.len >= CODEC_KEEP_LEN && memcmp(out.data, CODEC_KEEP, CODEC_KEEP_LEN) == 0,
	           "%s decode: what the buffer held was overwritten", name);
	FUZZ_CHECK(out.data[out.len] == '\0', "%s decode: output not NUL-terminated", name);

	rc = enc(out.data + CODEC_KEEP_LEN, out.len - CODEC_KEEP_LEN, &re);
	FUZZ_CHECK(rc == ECERT_OK, "%s encode of %zu decoded bytes: rc %s", name,
	           out.len - CODEC_KEEP_LEN, ecert_errname(rc));
	FUZZ_CHECK(re.len == len && (len == 0 || memcmp(re.data, text, len) == 0),
	           "%s: accepted text is not canonical:\n  text       %.*s\n  re-encoded %.*s",
	           name, codec_quote(len), text, codec_quote(re.len),
	           re.data ? (const char *)re.data : "");
	FUZZ_CHECK(ecert_buf_append(bytes, out.data + CODEC_KEEP_LEN, out.len - CODEC_KEEP_LEN) ==
	               ECERT_OK,
	           "out of memory");
	ecert_buf_free(&out);
	ecert_buf_free(&re);
	return ECERT_OK;
}

/* Encode `in`, decode the result, expect `in` back. Returns the encoder's code
 * (ECERT_ERR_ARG for an input over the encoder's bound, which the caller checks). */
static int codec_check_bytes(const char *name, codec_enc_fn enc, codec_dec_fn dec,
                             const uint8_t *in, size_t len)
{
	struct ecert_buf text = ECERT_BUF_INIT, back = ECERT_BUF_INIT;
	struct ecert_error err;
	int rc;

	ecert_error_clear(&err);
	rc = enc(in, len, &text);
	if (rc != ECERT_OK) {
		ecert_buf_free(&text);
		return rc;
	}
	FUZZ_CHECK(text.data && text.data[text.len] == '\0', "%s encode: no NUL-terminated text",
	           name);
	rc = dec((const char *)text.data, text.len, &back, &err);
	FUZZ_CHECK(rc == ECERT_OK, "%s: own encoding of %zu bytes refused: %s (%s)", name, len,
	           ecert_errname(rc), err.msg);
	FUZZ_CHECK(back.len == len && (len == 0 || memcmp(back.data, in, len) == 0),
	           "%s: decode(encode(x)) != x for %zu bytes (got %zu)", name, len, back.len);
	ecert_buf_free(&text);
	ecert_buf_free(&back);
	return ECERT_OK;
}

#endif
