/* fuzz_base64url: base64url without padding (RFC 4648 §5) and its multibase form ('u'
 * prefix); see codec.h for the properties. The multibase decoder must agree with the
 * plain one on the text after the prefix, and refuse any other first character. */
#include "codec.h"

FUZZ_INIT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecert_buf plain = ECERT_BUF_INIT, multi = ECERT_BUF_INIT;
	const char *text = (const char *)data;
	int rc, mrc;

	(void)codec_check_text("base64url", ecert_base64url_decode, ecert_base64url_encode, text,
	                       size, &plain);
	mrc = codec_check_text("multibase64url", ecert_multibase64url_decode,
	                       ecert_multibase64url_encode, text, size, &multi);
	if (size > 0 && text[0] == 'u') {
		struct ecert_buf rest = ECERT_BUF_INIT;
		int rrc = codec_check_text("base64url", ecert_base64url_decode,
		                           ecert_base64url_encode, text + 1, size - 1, &rest);

		FUZZ_CHECK(mrc == rrc && multi.len == rest.len &&
		               (rest.len == 0 || memcmp(multi.data, rest.data, rest.len) == 0),
		           "multibase64url and base64url disagree on \"%.*s\"", codec_quote(size),
		           text);
		ecert_buf_free(&rest);
	} else {
		FUZZ_CHECK(mrc == ECERT_ERR_ENCODING, "multibase64url accepted a text without 'u'");
	}
	ecert_buf_free(&plain);
	ecert_buf_free(&multi);

	rc = codec_check_bytes("base64url", ecert_base64url_encode, ecert_base64url_decode, data,
	                       size);
	FUZZ_CHECK(rc == ECERT_OK, "base64url encode of %zu bytes: %s", size, ecert_errname(rc));
	rc = codec_check_bytes("multibase64url", ecert_multibase64url_encode,
	                       ecert_multibase64url_decode, data, size);
	FUZZ_CHECK(rc == ECERT_OK, "multibase64url encode of %zu bytes: %s", size,
	           ecert_errname(rc));
	return 0;
}
