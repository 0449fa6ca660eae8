/* fuzz_base58: base58btc and its multibase form ('z' prefix); see codec.h for the
 * properties. Besides: the multibase decoder agrees with the plain one on the text after
 * the prefix and refuses any other first character; the encoder refuses exactly the
 * inputs over ECERT_BASE58_MAX bytes (ECERT_ERR_ARG), the decoder texts over
 * ECERT_BASE58_TEXT_MAX characters. */
#include "codec.h"

FUZZ_INIT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecert_buf plain = ECERT_BUF_INIT, multi = ECERT_BUF_INIT;
	const char *text = (const char *)data;
	int rc, mrc;

	rc = codec_check_text("base58", ecert_base58_decode, ecert_base58_encode, text, size,
	                      &plain);
	FUZZ_CHECK(size <= ECERT_BASE58_TEXT_MAX || rc == ECERT_ERR_ENCODING,
	           "base58 decoded %zu characters", size);
	mrc = codec_check_text("multibase58", ecert_multibase58_decode, ecert_multibase58_encode,
	                       text, size, &multi);
	if (size > 0 && text[0] == 'z') {
		struct ecert_buf rest = ECERT_BUF_INIT;
		int rrc = codec_check_text("base58", ecert_base58_decode, ecert_base58_encode,
		                           text + 1, size - 1, &rest);

		FUZZ_CHECK(mrc == rrc && multi.len == rest.len &&
		               (rest.len == 0 || memcmp(multi.data, rest.data, rest.len) == 0),
		           "multibase58 and base58 disagree on \"%.*s\"", codec_quote(size), text);
		ecert_buf_free(&rest);
	} else {
		FUZZ_CHECK(mrc == ECERT_ERR_ENCODING, "multibase58 accepted a text without 'z'");
	}
	ecert_buf_free(&plain);
	ecert_buf_free(&multi);

	rc = codec_check_bytes("base58", ecert_base58_encode, ecert_base58_decode, data, size);
	FUZZ_CHECK(size <= ECERT_BASE58_MAX ? rc == ECERT_OK : rc == ECERT_ERR_ARG,
	           "base58 encode of %zu bytes: %s", size, ecert_errname(rc));
	rc = codec_check_bytes("multibase58", ecert_multibase58_encode, ecert_multibase58_decode,
	                       data, size);
	FUZZ_CHECK(size <= ECERT_BASE58_MAX ? rc == ECERT_OK : rc == ECERT_ERR_ARG,
	           "multibase58 encode of %zu bytes: %s", size, ecert_errname(rc));
	return 0;
}
