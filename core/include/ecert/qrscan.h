/* ecert — reading the QR code in a picture (verify side, DESIGN §5).
 *
 * A PNG or JPEG (a scan, a screenshot, a phone photo) is decoded to 8-bit gray — with
 * bounded dimensions, checked before any pixel buffer is allocated — and handed to zbar
 * with only the QR Code symbology enabled. The text found is appended to `out`
 * (NUL-terminated); decoding it is ecert_qr_decode's job.
 *
 * Errors: ECERT_ERR_QR_IMAGE — not a PNG/JPEG, a corrupt or oversized image, no QR code,
 * or several QR codes with different texts (which one was meant is not guessed);
 * ECERT_ERR_IO — the file cannot be read; ECERT_ERR_NOMEM. On failure out is unchanged.
 * Thread-safety: safe to call concurrently (all decoder state is per call). */
#ifndef ECERT_QRSCAN_H
#define ECERT_QRSCAN_H

#include <stddef.h>
#include "ecert/buf.h"
#include "ecert/error.h"

/* Largest image accepted: a side of at most 10000 px and at most 32 Mpx in all (a 12 Mpx
 * phone photo has room; 32 MiB of gray is the most a scan allocates for pixels). */
#define ECERT_QR_IMAGE_SIDE_MAX 10000u
#define ECERT_QR_IMAGE_PIXELS_MAX ((size_t)32 * 1024 * 1024)
/* Largest image file read. */
#define ECERT_QR_IMAGE_FILE_MAX ((size_t)32 * 1024 * 1024)
/* Working memory libjpeg may use beyond the output (progressive JPEGs buffer their
 * coefficients). */
#define ECERT_QR_IMAGE_JPEG_MEM_MAX ((long)160 * 1024 * 1024)

/* Read the PNG or JPEG file at `path` ("-" = standard input) and scan it. */
int ecert_qrscan_file(const char *path, struct ecert_buf *out, struct ecert_error *err);

/* Same from an image in memory (the format is told by its signature). */
int ecert_qrscan_memory(const unsigned char *data, size_t len, struct ecert_buf *out,
                        struct ecert_error *err);

/* Scan 8-bit gray pixels (row-major, width*height bytes, 0 = black). Dimensions are bounded
 * as above. */
int ecert_qrscan_gray(const unsigned char *gray, size_t width, size_t height, struct ecert_buf *out,
                      struct ecert_error *err);

#endif
