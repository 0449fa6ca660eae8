/* ecert — QR code images (PNG, SVG) of a payload, rendered with libqrencode. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "ecert/alloc.h"
#include "ecert/qrimage.h"
#include "ecert/qrpayload.h"

/* pHYs is in pixels per metre: 300 / 0.0254, rounded. */
#define QR_PX_PER_METRE ((ECERT_QR_DPI * 10000u + 127u) / 254u)
#define QR_PNG_MSG_MAX 128
/* zlib level of the PNG data. A QR image is rows of 0x00/0xff repeated module_px times,
 * where deep match searches find little: level 4 gives files 3 % larger than the default
 * level 6 in a third of the time (bench/issue-bench --stages; 1.76 KB vs 1.71 KB and
 * 0.17 ms vs 0.48 ms for a version-14 code at 6 px per module). */
#define QR_PNG_ZLIB_LEVEL 4

/* QR alphanumeric mode, ISO/IEC 18004 table 5. */
static const char qr_alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static int ecc_level(int ecc, QRecLevel *level)
{
	switch (ecc) {
	case ECERT_QR_ECC_DEFAULT:
	case ECERT_QR_ECC_M:
		*level = QR_ECLEVEL_M;
		return 0;
	case ECERT_QR_ECC_L:
		*level = QR_ECLEVEL_L;
		return 0;
	case ECERT_QR_ECC_Q:
		*level = QR_ECLEVEL_Q;
		return 0;
	case ECERT_QR_ECC_H:
		*level = QR_ECLEVEL_H;
		return 0;
	default:
		return -1;
	}
}

/* Encode text as one alphanumeric segment. QRcode_encodeString() accepts only the 8-bit
 * and Kanji hints, so the segment is built explicitly. */
static int qr_make(const char *text, size_t len, int ecc, QRcode **out, struct ecert_error *err)
{
	QRinput *in = NULL;
	QRcode *code = NULL;
	QRecLevel level;
	size_t i;
	int rc;

	if (ecc_level(ecc, &level) != 0)
		return ecert_fail(err, ECERT_ERR_ARG, "unknown error correction level %d", ecc);
	if (len == 0)
		return ecert_fail(err, ECERT_ERR_ARG, "nothing to encode in the QR code");
	if (len > ECERT_QR_TEXT_MAX)
		return ecert_fail(err, ECERT_ERR_QR_SIZE,
		                  "QR text is %zu characters, more than the %zu allowed", len,
		                  ECERT_QR_TEXT_MAX);
	for (i = 0; i < len; i++)
		if (text[i] == '\0' || !strchr(qr_alnum, text[i]))
			return ecert_fail(err, ECERT_ERR_ARG,
			                  "QR text: byte 0x%02x at offset %zu is not in the QR "
			                  "alphanumeric set",
			                  (unsigned char)text[i], i);
	in = QRinput_new2(0, level);
	if (!in)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	if (QRinput_append(in, QR_MODE_AN, (int)len, (const unsigned char *)text) != 0) {
		rc = ecert_fail(err, errno == ENOMEM ? ECERT_ERR_NOMEM : ECERT_ERR_ARG,
		                "libqrencode refused the text: %s", strerror(errno));
		goto out;
	}
	code = QRcode_encodeInput(in);
	if (!code) {
		if (errno == ERANGE)
			rc = ecert_fail(err, ECERT_ERR_QR_SIZE,
			                "%zu characters do not fit a QR code at this error "
			                "correction level",
			                len);
		else
			rc = ecert_fail(err, errno == ENOMEM ? ECERT_ERR_NOMEM : ECERT_ERR_ARG,
			                "libqrencode failed: %s", strerror(errno));
		goto out;
	}
	*out = code;
	rc = ECERT_OK;
out:
	QRinput_free(in);
	return rc;
}

int ecert_qrimage_version(const char *text, size_t len, int ecc, int *version,
                          struct ecert_error *err)
{
	QRcode *code = NULL;
	int rc = qr_make(text, len, ecc, &code, err);

	if (rc != ECERT_OK)
		return rc;
	*version = code->version;
	QRcode_free(code);
	return ECERT_OK;
}

static int module_px(const struct ecert_qrimage_opts *opts, unsigned *px, struct ecert_error *err)
{
	*px = opts && opts->module_px ? opts->module_px : ECERT_QR_MODULE_PX_DEFAULT;
	if (*px < ECERT_QR_MODULE_PX_MIN || *px > ECERT_QR_MODULE_PX_MAX)
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "module size %u px is outside %d..%d (0.5 mm at %d dpi is %d px)",
		                  *px, ECERT_QR_MODULE_PX_MIN, ECERT_QR_MODULE_PX_MAX, ECERT_QR_DPI,
		                  ECERT_QR_MODULE_PX_MIN);
	return ECERT_OK;
}

/* Module (x, y) of the whole symbol including the quiet zone: 1 if dark. */
static int dark(const QRcode *code, int x, int y)
{
	x -= ECERT_QR_QUIET_ZONE;
	y -= ECERT_QR_QUIET_ZONE;
	if (x < 0 || y < 0 || x >= code->width || y >= code->width)
		return 0;
	return code->data[(size_t)y * (size_t)code->width + (size_t)x] & 1;
}

/* ---- PNG ---- */

struct png_ctx {
	struct ecert_buf *out;
	int nomem;
	char msg[QR_PNG_MSG_MAX];
};

static void png_error_cb(png_structp png, png_const_charp msg)
{
	struct png_ctx *ctx = png_get_error_ptr(png);

	snprintf(ctx->msg, sizeof(ctx->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void png_warning_cb(png_structp png, png_const_charp msg)
{
	/* the library never prints */
	(void)png;
	(void)msg;
}

static void png_write_cb(png_structp png, png_bytep data, size_t n)
{
	struct png_ctx *ctx = png_get_io_ptr(png);

	if (ecert_buf_append(ctx->out, data, n) != ECERT_OK) {
		ctx->nomem = 1;
		png_error(png, "out of memory");
	}
}

static void png_flush_cb(png_structp png)
{
	(void)png;
}

/* 1-bit gray rows (1 = white), each module row written px times. Returns 0, or -1 with
 * ctx->msg (and ctx->nomem) set. Nothing this function changes after setjmp is read after
 * a longjmp. */
static int write_png(const QRcode *code, unsigned px, struct png_ctx *ctx)
{
	png_structp png;
	png_infop info = NULL;
	unsigned char *row;
	unsigned modules = (unsigned)code->width + 2u * ECERT_QR_QUIET_ZONE;
	unsigned width = modules * px, rowbytes = (width + 7u) / 8u, x, y, k;

	row = ecert_malloc(rowbytes);
	if (!row) {
		ctx->nomem = 1;
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		return -1;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx, png_error_cb, png_warning_cb);
	if (png)
		info = png_create_info_struct(png);
	if (!png || !info) {
		png_destroy_write_struct(&png, &info);
		ecert_free(row);
		ctx->nomem = 1;
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		ecert_free(row);
		return -1;
	}
	png_set_write_fn(png, ctx, png_write_cb, png_flush_cb);
	png_set_IHDR(png, info, width, width, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	             PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_pHYs(png, info, QR_PX_PER_METRE, QR_PX_PER_METRE, PNG_RESOLUTION_METER);
	/* row filters do not help 1-bit images (libpng's default for them too) */
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(png, QR_PNG_ZLIB_LEVEL);
	png_write_info(png, info);
	for (y = 0; y < modules; y++) {
		memset(row, 0, rowbytes);
		for (x = 0; x < width; x++)
			if (!dark(code, (int)(x / px), (int)y))
				row[x / 8u] |= (unsigned char)(0x80u >> (x % 8u));
		for (k = 0; k < px; k++)
			png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	ecert_free(row);
	return 0;
}

/* Append the PNG of code to out; out is unchanged on failure. */
static int render_png(const QRcode *code, unsigned px, struct ecert_buf *out,
                      struct ecert_error *err)
{
	struct ecert_buf png = ECERT_BUF_INIT;
	struct png_ctx ctx;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.out = &png;
	if (write_png(code, px, &ctx) != 0) {
		rc = ecert_fail(err, ctx.nomem ? ECERT_ERR_NOMEM : ECERT_ERR_ARG,
		                "cannot write the PNG: %s", ctx.msg);
		goto out;
	}
	if (ecert_buf_append(out, png.data, png.len) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ECERT_OK;
out:
	ecert_buf_free(&png);
	return rc;
}

/* ---- SVG ---- */

/* Append the SVG of code to out; out is unchanged on failure. */
static int render_svg(const QRcode *code, unsigned px, struct ecert_buf *out,
                      struct ecert_error *err)
{
	struct ecert_buf svg = ECERT_BUF_INIT;
	unsigned modules, hundredths;
	int rc, x, y, run;

	modules = (unsigned)code->width + 2u * ECERT_QR_QUIET_ZONE;
	/* printed size: modules * px / dpi inches, in hundredths of a millimetre (integer
	 * arithmetic keeps the decimal point whatever the locale) */
	hundredths = (modules * px * 2540u + ECERT_QR_DPI / 2u) / ECERT_QR_DPI;
	ecert_buf_printf(&svg,
	                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	                 "width=\"%u.%02umm\" height=\"%u.%02umm\" viewBox=\"0 0 %u %u\" "
	                 "shape-rendering=\"crispEdges\">\n"
	                 "<rect width=\"%u\" height=\"%u\" fill=\"#fff\" stroke=\"none\"/>\n"
	                 "<path fill=\"#000\" stroke=\"none\" d=\"",
	                 hundredths / 100u, hundredths % 100u, hundredths / 100u, hundredths % 100u,
	                 modules, modules, modules, modules);
	/* one path: a rectangle per horizontal run of dark modules. stroke="none" is the
	 * default, but some renderers (ImageMagick's MSVG) stroke anyway and blot the code. */
	for (y = 0; y < (int)modules; y++) {
		for (x = 0; x < (int)modules; x += run > 0 ? run : 1) {
			run = 0;
			while (x + run < (int)modules && dark(code, x + run, y))
				run++;
			if (run > 0)
				ecert_buf_printf(&svg, "M%d %dh%dv1h-%dz", x, y, run, run);
		}
	}
	ecert_buf_puts(&svg, "\"/>\n</svg>\n");
	if (ecert_buf_ok(&svg) != ECERT_OK ||
	    ecert_buf_append(out, svg.data, svg.len) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ECERT_OK;
out:
	ecert_buf_free(&svg);
	return rc;
}

int ecert_qrimage_render(const char *text, size_t len, const struct ecert_qrimage_opts *opts,
                         struct ecert_buf *png, struct ecert_buf *svg, struct ecert_error *err)
{
	QRcode *code = NULL;
	size_t png_len = png ? png->len : 0;
	unsigned px;
	int rc;

	rc = module_px(opts, &px, err);
	if (rc != ECERT_OK)
		return rc;
	rc = qr_make(text, len, opts ? opts->ecc : ECERT_QR_ECC_DEFAULT, &code, err);
	if (rc != ECERT_OK)
		return rc;
	if (png)
		rc = render_png(code, px, png, err);
	if (rc == ECERT_OK && svg) {
		rc = render_svg(code, px, svg, err);
		if (rc != ECERT_OK && png)
			png->len = png_len; /* neither is appended on failure */
	}
	QRcode_free(code);
	return rc;
}

int ecert_qrimage_png(const char *text, size_t len, const struct ecert_qrimage_opts *opts,
                      struct ecert_buf *out, struct ecert_error *err)
{
	if (!out)
		return ecert_fail(err, ECERT_ERR_ARG, "no output buffer");
	return ecert_qrimage_render(text, len, opts, out, NULL, err);
}

int ecert_qrimage_svg(const char *text, size_t len, const struct ecert_qrimage_opts *opts,
                      struct ecert_buf *out, struct ecert_error *err)
{
	if (!out)
		return ecert_fail(err, ECERT_ERR_ARG, "no output buffer");
	return ecert_qrimage_render(text, len, opts, NULL, out, err);
}
