/* fuzz_qrpayload: the QR payload decoder (ecert_qr_decode, DESIGN §5).
 *
 * The input is used as QR text:
 *   - a rejection is one of the codes qrpayload.h lists (never NOMEM here: nothing fails
 *     to allocate), recorded in err with a message, and what `out` held stays as it was;
 *   - a decoded document is at most ECERT_QR_DOC_MAX bytes, appended after what `out`
 *     held, NUL-terminated;
 *   - the scanner noise the decoder forgives (trailing CR, LF, space) changes nothing:
 *     the text with "\r\n " appended decodes to the same bytes or fails the same way;
 *   - re-encoding the document (ecert_qr_encode_bytes with the dictionary) and decoding
 *     that gives the document back, unless the re-encoding is refused as too long for a
 *     QR code (ECERT_ERR_QR_SIZE).
 * And, when it is not QR text (no prefix), as bytes to encode: when ecert_qr_encode_bytes
 * accepts them, decoding its text gives them back. (Only then: compressing at level 9 is
 * the slow part, and inputs with the prefix are there for the decoder.) */
#include <string.h>

#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/qrpayload.h"
#include "fuzz.h"

#define KEEP "keep"
#define KEEP_LEN (sizeof(KEEP) - 1)
#define NOISE "\r\n "
#define NOISE_LEN (sizeof(NOISE) - 1)

FUZZ_INIT

static int known_rejection(int rc)
{
	return rc == ECERT_ERR_QR_PREFIX || rc == ECERT_ERR_ENCODING ||
	       rc == ECERT_ERR_QR_INFLATE || rc == ECERT_ERR_QR_SIZE || rc == ECERT_ERR_QR_TRAILING;
}

/* Decode text into a buffer that already holds KEEP; checks the contract and leaves the
 * document (without KEEP) in *doc on success. */
static int decode_checked(const char *text, size_t len, struct ecert_buf *doc)
{
	struct ecert_buf out = ECERT_BUF_INIT;
	struct ecert_error err;
	int rc;

	ecert_error_clear(&err);
	FUZZ_CHECK(ecert_buf_puts(&out, KEEP) == ECERT_OK, "out of memory");
	rc = ecert_qr_decode(text, len, &out, &err);
	if (rc != ECERT_OK) {
		FUZZ_CHECK(known_rejection(rc) && err.code == rc && err.msg[0] != '\0',
		           "rejected with %s, err.code %s, message \"%s\"", ecert_errname(rc),
		           ecert_errname(err.code), err.msg);
		FUZZ_CHECK(out.len == KEEP_LEN && memcmp(out.data, KEEP, KEEP_LEN + 1) == 0,
		           "a rejection (%s) changed the output buffer (%zu bytes)",
		           ecert_errname(rc), out.len);
		ecert_buf_free(&out);
		return rc;
	}
	FUZZ_CHECK(out.len >= KEEP_LEN && memcmp(out.data, KEEP, KEEP_LEN) == 0,
	           "what the buffer held was overwritten");
	FUZZ_CHECK(out.len - KEEP_LEN <= ECERT_QR_DOC_MAX, "decoded %zu bytes, bound %zu",
	           out.len - KEEP_LEN, ECERT_QR_DOC_MAX);
	FUZZ_CHECK(out.data[out.len] == '\0', "document not NUL-terminated");
	FUZZ_CHECK(ecert_buf_append(doc, out.data + KEEP_LEN, out.len - KEEP_LEN) == ECERT_OK,
	           "out of memory");
	ecert_buf_free(&out);
	return ECERT_OK;
}

/* Encode `doc` with the dictionary and decode it again: the same bytes come back. */
static void round_trip(const unsigned char *doc, size_t len)
{
	struct ecert_buf text = ECERT_BUF_INIT, back = ECERT_BUF_INIT;
	struct ecert_error err;
	int rc;

	ecert_error_clear(&err);
	rc = ecert_qr_encode_bytes(doc, len, 1, &text, &err);
	if (rc == ECERT_ERR_QR_SIZE) {
		FUZZ_CHECK(text.len == 0, "a refused encoding left %zu bytes", text.len);
		ecert_buf_free(&text);
		return;
	}
	FUZZ_CHECK(rc == ECERT_OK, "encoding %zu bytes: %s (%s)", len, ecert_errname(rc), err.msg);
	FUZZ_CHECK(text.len <= ECERT_QR_TEXT_MAX, "encoded to %zu characters", text.len);
	rc = decode_checked((const char *)text.data, text.len, &back);
	FUZZ_CHECK(rc == ECERT_OK, "own encoding of %zu bytes refused: %s", len, ecert_errname(rc));
	FUZZ_CHECK(back.len == len && (len == 0 || memcmp(back.data, doc, len) == 0),
	           "decode(encode(x)) != x for %zu bytes (got %zu)", len, back.len);
	ecert_buf_free(&text);
	ecert_buf_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecert_buf doc = ECERT_BUF_INIT, doc2 = ECERT_BUF_INIT, noisy = ECERT_BUF_INIT;
	const char *text = (const char *)data;
	int rc, rc2;

	rc = decode_checked(text, size, &doc);

	FUZZ_CHECK(ecert_buf_append(&noisy, data, size) == ECERT_OK &&
	               ecert_buf_append(&noisy, NOISE, NOISE_LEN) == ECERT_OK,
	           "out of memory");
	rc2 = decode_checked((const char *)noisy.data, noisy.len, &doc2);
	FUZZ_CHECK(rc2 == rc, "trailing \"\\r\\n \" changed the result: %s, then %s",
	           ecert_errname(rc), ecert_errname(rc2));
	if (rc == ECERT_OK) {
		FUZZ_CHECK(doc.len == doc2.len && memcmp(doc.data, doc2.data, doc.len) == 0,
		           "trailing \"\\r\\n \" changed the document");
		round_trip(doc.data, doc.len);
	}
	ecert_buf_free(&doc);
	ecert_buf_free(&doc2);
	ecert_buf_free(&noisy);

	if (rc == ECERT_ERR_QR_PREFIX)
		round_trip(data, size);
	return 0;
}
