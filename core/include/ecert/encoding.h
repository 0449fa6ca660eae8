/* ecert — text encodings of binary data: base45 (RFC 9285), base58btc and its multibase
 * form ('z' prefix), base64url without padding (RFC 4648 §5; multibase prefix 'u'), hex.
 *
 * Encoders append to `out`; decoders append the bytes to `out` and reject anything not
 * in the canonical alphabet with ECERT_ERR_ENCODING (err->msg names the offset).
 * On failure `out` keeps its previous contents (nothing partial is appended); ECERT_ERR_NOMEM
 * if `out` cannot grow. No state: all functions are thread-safe. */
#ifndef ECERT_ENCODING_H
#define ECERT_ENCODING_H

#include <stddef.h>
#include <stdint.h>
#include "ecert/buf.h"
#include "ecert/error.h"

int ecert_base45_encode(const uint8_t *in, size_t len, struct ecert_buf *out);
/* Fails on a lone trailing character, a triple over 65535, a pair over 255, and
 * characters outside the 45-character alphabet. */
int ecert_base45_decode(const char *in, size_t len, struct ecert_buf *out, struct ecert_error *err);

/* base58btc is quadratic in the length, so it is bounded: keys and signatures are at most
 * a few hundred bytes. Inputs longer than ECERT_BASE58_MAX bytes (encoder, ECERT_ERR_ARG)
 * or ECERT_BASE58_TEXT_MAX characters (decoder, ECERT_ERR_ENCODING) are refused. */
#define ECERT_BASE58_MAX ((size_t)1024)
/* ceil(1024 * log(256) / log(58)) = 1399 characters encode 1024 bytes. */
#define ECERT_BASE58_TEXT_MAX ((size_t)1399)

int ecert_base58_encode(const uint8_t *in, size_t len, struct ecert_buf *out);
int ecert_base58_decode(const char *in, size_t len, struct ecert_buf *out, struct ecert_error *err);

/* Multibase: 'z' + base58btc, or 'u' + base64url. Decoding accepts exactly the one
 * prefix asked for. */
int ecert_multibase58_encode(const uint8_t *in, size_t len, struct ecert_buf *out);
int ecert_multibase58_decode(const char *in, size_t len, struct ecert_buf *out,
                             struct ecert_error *err);
int ecert_multibase64url_encode(const uint8_t *in, size_t len, struct ecert_buf *out);
int ecert_multibase64url_decode(const char *in, size_t len, struct ecert_buf *out,
                                struct ecert_error *err);

/* base64url, no padding; the decoder also rejects '=' and non-zero trailing bits. */
int ecert_base64url_encode(const uint8_t *in, size_t len, struct ecert_buf *out);
int ecert_base64url_decode(const char *in, size_t len, struct ecert_buf *out,
                           struct ecert_error *err);

/* Lower-case hex; the decoder accepts either case and rejects odd lengths. */
int ecert_hex_encode(const uint8_t *in, size_t len, struct ecert_buf *out);
int ecert_hex_decode(const char *in, size_t len, struct ecert_buf *out, struct ecert_error *err);

#endif
