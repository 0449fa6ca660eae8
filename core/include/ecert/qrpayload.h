/* ecert — the QR payload (DESIGN §5): "EC1:" + base45(zlib level 9 with the preset
 * dictionary schemas/qr/dict-v1 (frozen) over JCS(certificate with proof)).
 * Encoding and decoding need no key, so both sides of the library have them. */
#ifndef ECERT_QRPAYLOAD_H
#define ECERT_QRPAYLOAD_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "ecert/buf.h"
#include "ecert/error.h"

#define ECERT_QR_PREFIX "EC1:"
/* Inflated size bound: a certificate is 1–3 KB; anything past this is refused while
 * inflating, never allocated. */
#define ECERT_QR_DOC_MAX ((size_t)16 * 1024)
/* Longest QR text accepted (QR version 40-M alphanumeric capacity is 3391). */
#define ECERT_QR_TEXT_MAX ((size_t)4296)

/* Canonicalise `doc` (JCS), compress with the dictionary and append the QR text to out. */
int ecert_qr_encode(const cJSON *doc, struct ecert_buf *out, struct ecert_error *err);

/* Same from bytes already canonical (no dictionary switch: `use_dict` 0 is only for
 * measuring the dictionary's effect). */
int ecert_qr_encode_bytes(const unsigned char *json, size_t len, int use_dict,
			  struct ecert_buf *out, struct ecert_error *err);

/* Decode QR text to the JSON bytes it carries (appended to out, at most
 * ECERT_QR_DOC_MAX). Errors: ECERT_ERR_QR_PREFIX, ECERT_ERR_ENCODING (bad base45),
 * ECERT_ERR_QR_INFLATE, ECERT_ERR_QR_SIZE, ECERT_ERR_QR_TRAILING. Trailing whitespace
 * (CR/LF a scanner adds) is ignored. Thread-safe: each thread that decodes keeps its own
 * inflater (zlib's state and 32 KiB window, and a document buffer: about 56 KB) for its
 * next decode, freed when the thread ends (the main thread's at exit). */
int ecert_qr_decode(const char *text, size_t len, struct ecert_buf *out,
		    struct ecert_error *err);

/* The frozen dictionary (embedded from schemas/qr/dict-v1). */
const unsigned char *ecert_qr_dictionary(size_t *len);

#endif
