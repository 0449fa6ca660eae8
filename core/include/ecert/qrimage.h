/* ecert — QR code images of a payload (sign side, DESIGN §5).
 *
 * The text (an "EC1:" payload) is encoded by libqrencode in alphanumeric mode, error
 * correction M unless asked otherwise, with a quiet zone of 4 modules, and rendered to
 * memory: PNG (1-bit gray, pHYs = 300 dpi) or SVG (one path, viewBox in modules, width and
 * height in mm). The caller writes files (ecert_file_write_atomic).
 *
 * Thread-safety: safe to call concurrently (libqrencode is built with pthreads on Debian;
 * libpng state is per call). */
#ifndef ECERT_QRIMAGE_H
#define ECERT_QRIMAGE_H

#include <stddef.h>
#include "ecert/buf.h"
#include "ecert/error.h"

/* ISO/IEC 18004 asks for a quiet zone of 4 modules. */
#define ECERT_QR_QUIET_ZONE 4
/* Print resolution written into the PNG (pHYs) and used for the SVG size. */
#define ECERT_QR_DPI 300
/* One module must be at least 0.5 mm on paper: 0.5 mm at 300 dpi is 5.9 px. */
#define ECERT_QR_MODULE_PX_MIN 6
#define ECERT_QR_MODULE_PX_MAX 40
#define ECERT_QR_MODULE_PX_DEFAULT ECERT_QR_MODULE_PX_MIN

enum ecert_qr_ecc {
	ECERT_QR_ECC_DEFAULT = 0, /* = M */
	ECERT_QR_ECC_L,
	ECERT_QR_ECC_M,
	ECERT_QR_ECC_Q,
	ECERT_QR_ECC_H,
};

/* Zero-initialised (or NULL) means the defaults: ECC M, ECERT_QR_MODULE_PX_DEFAULT. */
struct ecert_qrimage_opts {
	int ecc;            /* enum ecert_qr_ecc */
	unsigned module_px; /* pixels per module in the PNG, and the SVG's module size at
	                       ECERT_QR_DPI; 0 = default, else MIN..MAX */
};

/* The QR version (1..40) `text` needs at error correction `ecc` in alphanumeric mode.
 * Errors: ECERT_ERR_ARG (a character outside the QR alphanumeric set, bad ecc),
 * ECERT_ERR_QR_SIZE (does not fit version 40), ECERT_ERR_NOMEM. */
int ecert_qrimage_version(const char *text, size_t len, int ecc, int *version,
                          struct ecert_error *err);

/* Append a PNG of the QR code of `text` to out. Errors as ecert_qrimage_version, plus
 * ECERT_ERR_ARG for a module size out of range. On failure out is unchanged. */
int ecert_qrimage_png(const char *text, size_t len, const struct ecert_qrimage_opts *opts,
                      struct ecert_buf *out, struct ecert_error *err);

/* Append an SVG document of the QR code of `text` to out (UTF-8). Errors and ownership as
 * ecert_qrimage_png. */
int ecert_qrimage_svg(const char *text, size_t len, const struct ecert_qrimage_opts *opts,
                      struct ecert_buf *out, struct ecert_error *err);

/* Both images from one encoding of `text` (libqrencode's mask selection is most of the
 * cost of an image): png and/or svg (either may be NULL) get the PNG / SVG appended, as
 * ecert_qrimage_png / _svg would. On failure neither buffer is changed in length. */
int ecert_qrimage_render(const char *text, size_t len, const struct ecert_qrimage_opts *opts,
                         struct ecert_buf *png, struct ecert_buf *svg, struct ecert_error *err);

#endif
