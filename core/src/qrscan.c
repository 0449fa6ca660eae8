/* ecert — find and read the QR code in a PNG or JPEG image (libpng, libjpeg, zbar). */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <zbar.h>

#include "ecert/alloc.h"
#include "ecert/file.h"
#include "ecert/qrscan.h"

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
static const unsigned char jpeg_signature[3] = {0xff, 0xd8, 0xff};

static int check_size(size_t width, size_t height, struct ecert_error *err)
{
	if (width == 0 || height == 0)
		return ecert_fail(err, ECERT_ERR_QR_IMAGE, "the image is empty (%zux%zu)", width,
		                  height);
	if (width > ECERT_QR_IMAGE_SIDE_MAX || height > ECERT_QR_IMAGE_SIDE_MAX ||
	    width > ECERT_QR_IMAGE_PIXELS_MAX / height)
		return ecert_fail(err, ECERT_ERR_QR_IMAGE,
		                  "the image is %zux%zu px; at most %u px a side and %zu px in "
		                  "all are read",
		                  width, height, ECERT_QR_IMAGE_SIDE_MAX,
		                  ECERT_QR_IMAGE_PIXELS_MAX);
	return ECERT_OK;
}

int ecert_qrscan_gray(const unsigned char *gray, size_t width, size_t height, struct ecert_buf *out,
                      struct ecert_error *err)
{
	zbar_image_scanner_t *scanner = NULL;
	zbar_image_t *image = NULL;
	const zbar_symbol_t *sym;
	const char *found = NULL, *data;
	unsigned found_len = 0, n;
	int rc;

	rc = check_size(width, height, err);
	if (rc != ECERT_OK)
		return rc;
	scanner = zbar_image_scanner_create();
	image = zbar_image_create();
	if (!scanner || !image) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* QR Code only: other symbologies cannot carry a payload and only add false reads */
	zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(image, (unsigned)width, (unsigned)height);
	zbar_image_set_data(image, gray, width * height, NULL);
	if (zbar_scan_image(scanner, image) < 0) {
		rc = ecert_fail(err, ECERT_ERR_QR_IMAGE, "zbar could not scan the image");
		goto out;
	}
	for (sym = zbar_image_first_symbol(image); sym; sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		data = zbar_symbol_get_data(sym);
		n = zbar_symbol_get_data_length(sym);
		if (!found) {
			found = data;
			found_len = n;
		} else if (n != found_len || memcmp(data, found, n) != 0) {
			rc = ecert_fail(err, ECERT_ERR_QR_IMAGE,
			                "the image holds several different QR codes; crop it to "
			                "one");
			goto out;
		}
	}
	if (!found) {
		rc = ecert_fail(err, ECERT_ERR_QR_IMAGE, "no QR code found in the image");
		goto out;
	}
	if (ecert_buf_append(out, found, found_len) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ECERT_OK;
out:
	if (image)
		zbar_image_destroy(image);
	if (scanner)
		zbar_image_scanner_destroy(scanner);
	return rc;
}

/* ---- PNG: libpng's simplified API composes alpha on white and converts to gray ---- */

static int png_to_gray(const unsigned char *data, size_t len, unsigned char **gray, size_t *width,
                       size_t *height, struct ecert_error *err)
{
	png_image img;
	png_color white = {255, 255, 255};
	unsigned char *pix = NULL;
	int rc;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len))
		return ecert_fail(err, ECERT_ERR_QR_IMAGE, "unreadable PNG: %s", img.message);
	rc = check_size(img.width, img.height, err);
	if (rc != ECERT_OK)
		goto out;
	img.format = PNG_FORMAT_GRAY;
	pix = ecert_malloc((size_t)img.width * img.height); /* 1 byte a pixel */
	if (!pix) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (!png_image_finish_read(&img, &white, pix, 0, NULL)) {
		rc = ecert_fail(err, ECERT_ERR_QR_IMAGE, "unreadable PNG: %s", img.message);
		goto out;
	}
	*gray = pix;
	*width = img.width;
	*height = img.height;
	pix = NULL;
	rc = ECERT_OK;
out:
	png_image_free(&img);
	ecert_free(pix);
	return rc;
}

/* ---- JPEG: libjpeg with errors turned into a longjmp instead of exit() ---- */

struct jpeg_ctx {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
};

static void jpeg_error_cb(j_common_ptr cinfo)
{
	struct jpeg_ctx *ctx = (struct jpeg_ctx *)(void *)cinfo->err;

	(*cinfo->err->format_message)(cinfo, ctx->msg);
	longjmp(ctx->jump, 1);
}

static void jpeg_message_cb(j_common_ptr cinfo, int level)
{
	/* warnings (corrupt data the decoder recovers from) are not printed */
	(void)cinfo;
	(void)level;
}

static int jpeg_to_gray(const unsigned char *data, size_t len, unsigned char **gray, size_t *width,
                        size_t *height, struct ecert_error *err)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_ctx ctx;
	unsigned char *volatile pix = NULL;
	volatile int rc;
	size_t w, h;
	JSAMPROW row;

	memset(&cinfo, 0, sizeof(cinfo));
	memset(&ctx, 0, sizeof(ctx));
	cinfo.err = jpeg_std_error(&ctx.mgr);
	ctx.mgr.error_exit = jpeg_error_cb;
	ctx.mgr.emit_message = jpeg_message_cb;
	if (setjmp(ctx.jump)) {
		if (ctx.mgr.msg_code == JERR_OUT_OF_MEMORY)
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory decoding the JPEG");
		else
			rc = ecert_fail(err, ECERT_ERR_QR_IMAGE, "unreadable JPEG: %s", ctx.msg);
		goto out;
	}
	jpeg_create_decompress(&cinfo);
	cinfo.mem->max_memory_to_use = ECERT_QR_IMAGE_JPEG_MEM_MAX;
	jpeg_mem_src(&cinfo, data, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	w = cinfo.image_width;
	h = cinfo.image_height;
	rc = check_size(w, h, err);
	if (rc != ECERT_OK)
		goto out;
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_components != 1 || cinfo.output_width != w || cinfo.output_height != h) {
		rc = ecert_fail(err, ECERT_ERR_QR_IMAGE, "JPEG did not decode to %zux%zu gray", w,
		                h);
		goto out;
	}
	pix = ecert_malloc(w * h);
	if (!pix) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		row = pix + (size_t)cinfo.output_scanline * w;
		if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
			rc = ecert_fail(err, ECERT_ERR_QR_IMAGE, "JPEG data ends early");
			goto out;
		}
	}
	jpeg_finish_decompress(&cinfo);
	*gray = pix;
	*width = w;
	*height = h;
	pix = NULL;
	rc = ECERT_OK;
out:
	jpeg_destroy_decompress(&cinfo);
	ecert_free(pix);
	return rc;
}

int ecert_qrscan_memory(const unsigned char *data, size_t len, struct ecert_buf *out,
                        struct ecert_error *err)
{
	unsigned char *gray = NULL;
	size_t width = 0, height = 0;
	int rc;

	if (len >= sizeof(png_signature) && memcmp(data, png_signature, sizeof(png_signature)) == 0)
		rc = png_to_gray(data, len, &gray, &width, &height, err);
	else if (len >= sizeof(jpeg_signature) &&
	         memcmp(data, jpeg_signature, sizeof(jpeg_signature)) == 0)
		rc = jpeg_to_gray(data, len, &gray, &width, &height, err);
	else
		rc = ecert_fail(err, ECERT_ERR_QR_IMAGE, "not a PNG or JPEG image");
	if (rc == ECERT_OK)
		rc = ecert_qrscan_gray(gray, width, height, out, err);
	ecert_free(gray);
	return rc;
}

int ecert_qrscan_file(const char *path, struct ecert_buf *out, struct ecert_error *err)
{
	struct ecert_buf img = ECERT_BUF_INIT;
	int rc;

	rc = ecert_file_read(path, ECERT_QR_IMAGE_FILE_MAX, &img, err);
	if (rc == ECERT_ERR_JSON_SIZE)
		rc = ecert_fail(err, ECERT_ERR_QR_IMAGE, "image file larger than %zu bytes",
		                ECERT_QR_IMAGE_FILE_MAX);
	if (rc == ECERT_OK) {
		rc = ecert_qrscan_memory(img.data, img.len, out, err);
		if (rc != ECERT_OK)
			ecert_error_where(err, "%s", path);
	}
	ecert_buf_free(&img);
	return rc;
}
