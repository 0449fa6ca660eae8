/* fuzz_base45: RFC 9285 base45 (the QR payload's text form); see codec.h for the
 * properties. */
#include "codec.h"

FUZZ_INIT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecert_buf bytes = ECERT_BUF_INIT;
	int rc;

	codec_check_text("base45", ecert_base45_decode, ecert_base45_encode, (const char *)data,
	                 size, &bytes);
	ecert_buf_free(&bytes);
	rc = codec_check_bytes("base45", ecert_base45_encode, ecert_base45_decode, data, size);
	FUZZ_CHECK(rc == ECERT_OK, "base45 encode of %zu bytes: %s", size, ecert_errname(rc));
	return 0;
}
