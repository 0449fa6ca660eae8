/* cmocka: QR images — rendering (PNG, SVG) on the sign side, scanning (PNG, JPEG, gray)
 * on the verify side, including a photo-like picture of the code. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jpeglib.h>
#include <png.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/file.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/qrimage.h"
#include "ecert/qrpayload.h"
#include "ecert/qrscan.h"

#define TYPICAL_DIR ECERT_TEST_DATA "/data/typical/"
#define PHOTO_W 640
#define PHOTO_H 600
/* sensor noise left after the phone's own denoising: uniform in [-12, 12] */
#define NOISE 12

/* ---- helpers ---- */

static uint32_t rng_state = 0x9e3779b9u;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* The QR text of a typical certificate, as the issuer prints it. */
static void payload_of(const char *name, struct ecert_buf *text)
{
	char path[512];
	struct ecert_buf raw = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *doc = NULL;

	snprintf(path, sizeof(path), "%s%s", TYPICAL_DIR, name);
	ecert_error_clear(&e);
	assert_int_equal(ecert_file_read(path, 0, &raw, &e), ECERT_OK);
	assert_int_equal(ecert_json_parse((char *)raw.data, raw.len, NULL, &doc, &e), ECERT_OK);
	assert_int_equal(ecert_qr_encode(doc, text, &e), ECERT_OK);
	cJSON_Delete(doc);
	ecert_buf_free(&raw);
}

static int scan(const unsigned char *img, size_t len, struct ecert_buf *out)
{
	struct ecert_error e;
	int rc;

	ecert_error_clear(&e);
	rc = ecert_qrscan_memory(img, len, out, &e);
	if (rc != ECERT_OK) {
		assert_int_equal(e.code, rc);
		assert_true(e.msg[0] != '\0');
	}
	return rc;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The data of the first chunk of `type` in a PNG, or NULL. */
static const unsigned char *png_chunk(const struct ecert_buf *png, const char *type, uint32_t *len)
{
	size_t off = 8;

	while (off + 12 <= png->len) {
		*len = be32(png->data + off);
		if (memcmp(png->data + off + 4, type, 4) == 0)
			return png->data + off + 8;
		off += 12 + (size_t)*len;
	}
	return NULL;
}

/* PNG → 8-bit gray with libpng's simplified API (the test's own reader). */
static unsigned char *png_gray(const struct ecert_buf *png, unsigned *w, unsigned *h)
{
	png_image img;
	unsigned char *pix;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, png->data, png->len));
	img.format = PNG_FORMAT_GRAY;
	pix = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(pix);
	assert_true(png_image_finish_read(&img, NULL, pix, 0, NULL));
	*w = img.width;
	*h = img.height;
	return pix;
}

static void gray_to_png(const unsigned char *pix, unsigned w, unsigned h, struct ecert_buf *out)
{
	png_image img;
	png_alloc_size_t size = 0;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = w;
	img.height = h;
	img.format = PNG_FORMAT_GRAY;
	assert_true(png_image_write_to_memory(&img, NULL, &size, 0, pix, 0, NULL));
	assert_int_equal(ecert_buf_reserve(out, size), ECERT_OK);
	assert_true(png_image_write_to_memory(&img, out->data + out->len, &size, 0, pix, 0, NULL));
	out->len += size;
}

static void gray_to_jpeg(const unsigned char *pix, unsigned w, unsigned h, int quality,
                         struct ecert_buf *out)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	unsigned char *mem = NULL;
	unsigned long size = 0;
	JSAMPROW row;

	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &mem, &size);
	c.image_width = w;
	c.image_height = h;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < h) {
		row = (JSAMPROW)(uintptr_t)(pix + (size_t)c.next_scanline * w);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	assert_int_equal(ecert_buf_append(out, mem, size), ECERT_OK);
	free(mem);
}

static double sample(const unsigned char *src, unsigned w, unsigned h, double x, double y,
                     double outside)
{
	int x0 = (int)floor(x), y0 = (int)floor(y);
	double fx = x - x0, fy = y - y0, v[4];
	int k, xi, yi;

	for (k = 0; k < 4; k++) {
		xi = x0 + (k & 1);
		yi = y0 + (k >> 1);
		v[k] = xi < 0 || yi < 0 || xi >= (int)w || yi >= (int)h
		           ? outside
		           : src[(size_t)yi * w + (size_t)xi];
	}
	return (v[0] * (1 - fx) + v[1] * fx) * (1 - fy) + (v[2] * (1 - fx) + v[3] * fx) * fy;
}

/* A phone photo of the printed code: scaled by `scale`, rotated by `degrees` (bilinear),
 * on paper (gray 215, ink 45) lying on a gray table (120), lit unevenly (darker to the
 * right and bottom by up to 30), slightly blurred (3x3 box), with noise. */
static unsigned char *photo(const unsigned char *src, unsigned sw, unsigned sh, double scale,
                            double degrees)
{
	unsigned char *img = malloc((size_t)PHOTO_W * PHOTO_H);
	double *tmp = malloc(sizeof(double) * PHOTO_W * PHOTO_H);
	double a = degrees * 3.14159265358979 / 180.0, ca = cos(a), sa = sin(a);
	double margin = sw * 0.12, sx, sy, dx, dy, v, sum;
	int x, y, i, j, n;

	assert_non_null(img);
	assert_non_null(tmp);
	for (y = 0; y < PHOTO_H; y++) {
		for (x = 0; x < PHOTO_W; x++) {
			/* inverse mapping: photo pixel → source pixel */
			dx = (x - PHOTO_W / 2.0) / scale;
			dy = (y - PHOTO_H / 2.0) / scale;
			sx = ca * dx + sa * dy + sw / 2.0;
			sy = -sa * dx + ca * dy + sh / 2.0;
			if (sx < -margin || sy < -margin || sx > sw + margin || sy > sh + margin)
				v = 120.0; /* the table */
			else
				v = 45.0 +
				    sample(src, sw, sh, sx, sy, 255.0) * (215.0 - 45.0) / 255.0;
			tmp[(size_t)y * PHOTO_W + (size_t)x] = v;
		}
	}
	for (y = 0; y < PHOTO_H; y++) {
		for (x = 0; x < PHOTO_W; x++) {
			sum = 0;
			n = 0;
			for (j = -1; j <= 1; j++)
				for (i = -1; i <= 1; i++)
					if (x + i >= 0 && x + i < PHOTO_W && y + j >= 0 &&
					    y + j < PHOTO_H) {
						sum += tmp[(size_t)(y + j) * PHOTO_W +
						           (size_t)(x + i)];
						n++;
					}
			v = sum / n - 30.0 * (x + y) / (PHOTO_W + PHOTO_H) +
			    (double)(rnd() % (2 * NOISE + 1)) - NOISE;
			img[(size_t)y * PHOTO_W + (size_t)x] = (unsigned char)(v < 0     ? 0
			                                                       : v > 255 ? 255
			                                                                 : v);
		}
	}
	free(tmp);
	return img;
}

/* ---- rendering ---- */

static void test_png_round_trip(void **state)
{
	static const char *const names[] = {"title-engineering.json", "title-pathway.json",
	                                    "skill-welder.json"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ecert_buf text = ECERT_BUF_INIT, png = ECERT_BUF_INIT, back = ECERT_BUF_INIT;
		struct ecert_error e;

		payload_of(names[i], &text);
		ecert_error_clear(&e);
		assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, NULL, &png, &e),
		                 ECERT_OK);
		assert_int_equal(scan(png.data, png.len, &back), ECERT_OK);
		assert_int_equal(back.len, text.len);
		assert_memory_equal(back.data, text.data, text.len);
		ecert_buf_free(&text);
		ecert_buf_free(&png);
		ecert_buf_free(&back);
	}
}

/* One encoding, both images: the same bytes as the single calls; a PNG that scans back. */
static void test_render_both(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, png = ECERT_BUF_INIT, svg = ECERT_BUF_INIT,
	                 png1 = ECERT_BUF_INIT, svg1 = ECERT_BUF_INIT, back = ECERT_BUF_INIT;

	(void)state;
	payload_of("skill-lathe.json", &text);
	assert_int_equal(
	    ecert_qrimage_render((char *)text.data, text.len, NULL, &png, &svg, NULL), ECERT_OK);
	assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, NULL, &png1, NULL),
	                 ECERT_OK);
	assert_int_equal(ecert_qrimage_svg((char *)text.data, text.len, NULL, &svg1, NULL),
	                 ECERT_OK);
	assert_int_equal(png.len, png1.len);
	assert_memory_equal(png.data, png1.data, png.len);
	assert_int_equal(svg.len, svg1.len);
	assert_memory_equal(svg.data, svg1.data, svg.len);
	assert_int_equal(scan(png.data, png.len, &back), ECERT_OK);
	assert_int_equal(back.len, text.len);
	assert_memory_equal(back.data, text.data, text.len);
	/* one of them only; a failure changes neither */
	png.len = 0;
	assert_int_equal(ecert_qrimage_render((char *)text.data, text.len, NULL, NULL, &png, NULL),
	                 ECERT_OK);
	assert_non_null(strstr((char *)png.data, "<svg"));
	png.len = svg.len = 0;
	assert_int_equal(ecert_qrimage_render("EC1:a", 5, NULL, &png, &svg, NULL), ECERT_ERR_ARG);
	assert_int_equal(png.len, 0);
	assert_int_equal(svg.len, 0);
	ecert_buf_free(&text);
	ecert_buf_free(&png);
	ecert_buf_free(&svg);
	ecert_buf_free(&png1);
	ecert_buf_free(&svg1);
	ecert_buf_free(&back);
}

static void test_png_format(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, png = ECERT_BUF_INIT;
	struct ecert_qrimage_opts opts = {ECERT_QR_ECC_M, 0};
	struct ecert_error e;
	const unsigned char *c;
	uint32_t len, modules;
	int version;

	(void)state;
	payload_of("title-agriculture.json", &text);
	ecert_error_clear(&e);
	assert_int_equal(
	    ecert_qrimage_version((char *)text.data, text.len, ECERT_QR_ECC_M, &version, &e),
	    ECERT_OK);
	modules = (uint32_t)(17 + 4 * version + 2 * ECERT_QR_QUIET_ZONE);
	assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, &opts, &png, &e), ECERT_OK);
	assert_memory_equal(png.data, "\x89PNG\r\n\x1a\n", 8);
	c = png_chunk(&png, "IHDR", &len);
	assert_non_null(c);
	/* 6 px a module, quiet zone included; 1-bit gray */
	assert_int_equal(be32(c), modules * ECERT_QR_MODULE_PX_DEFAULT);
	assert_int_equal(be32(c + 4), modules * ECERT_QR_MODULE_PX_DEFAULT);
	assert_int_equal(c[8], 1);
	assert_int_equal(c[9], 0);
	/* pHYs: 300 dpi = 11811 px/m, unit metre; 6 px at 300 dpi >= 0.5 mm */
	c = png_chunk(&png, "pHYs", &len);
	assert_non_null(c);
	assert_int_equal(len, 9);
	assert_int_equal(be32(c), 11811);
	assert_int_equal(be32(c + 4), 11811);
	assert_int_equal(c[8], 1);
	assert_true(ECERT_QR_MODULE_PX_MIN * 25.4 / ECERT_QR_DPI >= 0.5);
	ecert_buf_free(&png);

	/* a larger module: the image grows, and still scans */
	opts.module_px = 10;
	assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, &opts, &png, &e), ECERT_OK);
	c = png_chunk(&png, "IHDR", &len);
	assert_non_null(c);
	assert_int_equal(be32(c), modules * 10);
	{
		struct ecert_buf back = ECERT_BUF_INIT;

		assert_int_equal(scan(png.data, png.len, &back), ECERT_OK);
		assert_string_equal((char *)back.data, (char *)text.data);
		ecert_buf_free(&back);
	}
	ecert_buf_free(&png);
	ecert_buf_free(&text);
}

/* Quiet zone: the outer 4 modules of the PNG are white, and the symbol starts right after
 * (the top-left finder pattern's corner is dark). */
static void test_png_quiet_zone(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, png = ECERT_BUF_INIT;
	struct ecert_error e;
	unsigned char *pix;
	unsigned w, h, x, y, q = ECERT_QR_QUIET_ZONE * ECERT_QR_MODULE_PX_DEFAULT;

	(void)state;
	payload_of("skill-lathe.json", &text);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, NULL, &png, &e), ECERT_OK);
	pix = png_gray(&png, &w, &h);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			if (x < q || y < q || x >= w - q || y >= h - q)
				assert_int_equal(pix[(size_t)y * w + x], 255);
	assert_int_equal(pix[(size_t)q * w + q], 0);
	assert_int_equal(pix[(size_t)(h - q - 1) * w + q], 0);
	assert_int_equal(pix[(size_t)q * w + (w - q - 1)], 0);
	free(pix);
	ecert_buf_free(&png);
	ecert_buf_free(&text);
}

/* The SVG is drawn back into pixels from its one path and scanned. */
static void test_svg(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, svg = ECERT_BUF_INIT, back = ECERT_BUF_INIT;
	struct ecert_error e;
	const char *p, *d;
	unsigned n1, n2, n3, n4, mm, hundredths, modules, scale = 4;
	int version, x, y, run, run2, k, len;
	unsigned char *pix;
	char expect[64];

	(void)state;
	payload_of("title-electrical.json", &text);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qrimage_version((char *)text.data, text.len, 0, &version, &e),
	                 ECERT_OK);
	modules = (unsigned)(17 + 4 * version + 2 * ECERT_QR_QUIET_ZONE);
	assert_int_equal(ecert_qrimage_svg((char *)text.data, text.len, NULL, &svg, &e), ECERT_OK);
	p = strstr((char *)svg.data, "viewBox=\"");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "viewBox=\"%u %u %u %u\"", &n1, &n2, &n3, &n4), 4);
	assert_int_equal(n1, 0);
	assert_int_equal(n2, 0);
	assert_int_equal(n3, modules);
	assert_int_equal(n4, modules);
	/* width in mm: modules * 6 px / 300 dpi */
	p = strstr((char *)svg.data, "width=\"");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "width=\"%u.%umm\"", &mm, &hundredths), 2);
	assert_int_equal(mm * 100 + hundredths,
	                 (modules * ECERT_QR_MODULE_PX_DEFAULT * 2540 + 150) / 300);
	snprintf(expect, sizeof(expect), "height=\"%u.%02umm\"", mm, hundredths);
	assert_non_null(strstr((char *)svg.data, expect));
	/* one path, explicitly unstroked */
	p = strstr((char *)svg.data, "<path fill=\"#000\" stroke=\"none\"");
	assert_non_null(p);
	assert_null(strstr(p + 1, "<path"));
	d = strstr(p, " d=\"");
	assert_non_null(d);
	d += 4;
	pix = malloc((size_t)modules * scale * modules * scale);
	assert_non_null(pix);
	memset(pix, 255, (size_t)modules * scale * modules * scale);
	while (*d == 'M') {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &run2, &len), 4);
		assert_int_equal(run, run2);
		assert_true(x >= ECERT_QR_QUIET_ZONE && y >= ECERT_QR_QUIET_ZONE);
		assert_true(x + run <= (int)modules - ECERT_QR_QUIET_ZONE);
		for (k = 0; k < (int)(scale * scale) * run; k++) {
			unsigned px = (unsigned)x * scale + (unsigned)k % ((unsigned)run * scale);
			unsigned py = (unsigned)y * scale + (unsigned)k / ((unsigned)run * scale);

			pix[(size_t)py * modules * scale + px] = 0;
		}
		d += len;
	}
	assert_int_equal(*d, '"');
	assert_int_equal(ecert_qrscan_gray(pix, modules * scale, modules * scale, &back, &e),
	                 ECERT_OK);
	assert_string_equal((char *)back.data, (char *)text.data);
	free(pix);
	ecert_buf_free(&text);
	ecert_buf_free(&svg);
	ecert_buf_free(&back);
}

static void test_ecc_levels(void **state)
{
	static const int levels[] = {ECERT_QR_ECC_L, ECERT_QR_ECC_M, ECERT_QR_ECC_Q,
	                             ECERT_QR_ECC_H};
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error e;
	int v, last = 0, dflt;
	size_t i;

	(void)state;
	payload_of("title-engineering.json", &text);
	ecert_error_clear(&e);
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		struct ecert_buf png = ECERT_BUF_INIT, back = ECERT_BUF_INIT;
		struct ecert_qrimage_opts opts = {levels[i], 0};

		assert_int_equal(
		    ecert_qrimage_version((char *)text.data, text.len, levels[i], &v, &e),
		    ECERT_OK);
		assert_true(v > last);
		last = v;
		assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, &opts, &png, &e),
		                 ECERT_OK);
		assert_int_equal(scan(png.data, png.len, &back), ECERT_OK);
		assert_string_equal((char *)back.data, (char *)text.data);
		ecert_buf_free(&png);
		ecert_buf_free(&back);
	}
	assert_int_equal(
	    ecert_qrimage_version((char *)text.data, text.len, ECERT_QR_ECC_DEFAULT, &dflt, &e),
	    ECERT_OK);
	assert_int_equal(ecert_qrimage_version((char *)text.data, text.len, ECERT_QR_ECC_M, &v, &e),
	                 ECERT_OK);
	assert_int_equal(dflt, v);
	ecert_buf_free(&text);
}

/* The goal the dictionary was built for (schemas/qr/README.md). */
static void test_typical_versions(void **state)
{
	static const char *const titles[] = {"title-engineering.json", "title-agriculture.json",
	                                     "title-electrical.json"};
	struct ecert_error e;
	size_t i;
	int v;

	(void)state;
	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		struct ecert_buf text = ECERT_BUF_INIT;

		payload_of(titles[i], &text);
		ecert_error_clear(&e);
		assert_int_equal(
		    ecert_qrimage_version((char *)text.data, text.len, ECERT_QR_ECC_M, &v, &e),
		    ECERT_OK);
		assert_true(v <= 15);
		ecert_buf_free(&text);
	}
}

static void test_render_errors(void **state)
{
	struct ecert_buf out = ECERT_BUF_INIT, big = ECERT_BUF_INIT;
	struct ecert_qrimage_opts opts = {0, 0};
	struct ecert_error e;
	size_t i;
	int v;

	(void)state;
	ecert_error_clear(&e);
	/* outside the alphanumeric set */
	assert_int_equal(ecert_qrimage_png("EC1:abc", 7, NULL, &out, &e), ECERT_ERR_ARG);
	assert_int_equal(ecert_qrimage_svg("EC1:A\nB", 7, NULL, &out, &e), ECERT_ERR_ARG);
	assert_int_equal(ecert_qrimage_png("EC1:A\0B", 7, NULL, &out, &e), ECERT_ERR_ARG);
	assert_int_equal(ecert_qrimage_png("", 0, NULL, &out, &e), ECERT_ERR_ARG);
	/* module size below 0.5 mm at 300 dpi, or silly */
	opts.module_px = ECERT_QR_MODULE_PX_MIN - 1;
	assert_int_equal(ecert_qrimage_png("EC1:AB", 6, &opts, &out, &e), ECERT_ERR_ARG);
	opts.module_px = ECERT_QR_MODULE_PX_MAX + 1;
	assert_int_equal(ecert_qrimage_svg("EC1:AB", 6, &opts, &out, &e), ECERT_ERR_ARG);
	opts.module_px = 0;
	opts.ecc = 99;
	assert_int_equal(ecert_qrimage_png("EC1:AB", 6, &opts, &out, &e), ECERT_ERR_ARG);
	assert_int_equal(ecert_qrimage_version("EC1:AB", 6, -1, &v, &e), ECERT_ERR_ARG);
	/* too long for version 40 at H (1852 alphanumeric characters) */
	for (i = 0; i < 2000; i++)
		assert_int_equal(ecert_buf_putc(&big, 'A'), ECERT_OK);
	opts.ecc = ECERT_QR_ECC_H;
	assert_int_equal(ecert_qrimage_png((char *)big.data, big.len, &opts, &out, &e),
	                 ECERT_ERR_QR_SIZE);
	assert_int_equal(out.len, 0);
	ecert_buf_free(&big);
	ecert_buf_free(&out);
}

/* ---- scanning ---- */

static void test_photo_like(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, png = ECERT_BUF_INIT, jpg = ECERT_BUF_INIT,
	                 png2 = ECERT_BUF_INIT, back = ECERT_BUF_INIT;
	struct ecert_error e;
	unsigned char *src, *img;
	unsigned w, h;

	(void)state;
	payload_of("title-engineering.json", &text);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, NULL, &png, &e), ECERT_OK);
	src = png_gray(&png, &w, &h);
	img = photo(src, w, h, 0.83, 14.0);
	/* as a JPEG from a phone */
	gray_to_jpeg(img, PHOTO_W, PHOTO_H, 85, &jpg);
	assert_int_equal(scan(jpg.data, jpg.len, &back), ECERT_OK);
	assert_int_equal(back.len, text.len);
	assert_memory_equal(back.data, text.data, text.len);
	/* and as a PNG screenshot of it */
	back.len = 0;
	gray_to_png(img, PHOTO_W, PHOTO_H, &png2);
	assert_int_equal(scan(png2.data, png2.len, &back), ECERT_OK);
	assert_string_equal((char *)back.data, (char *)text.data);
	free(img);
	/* the other way round, a little larger */
	img = photo(src, w, h, 1.07, -18.5);
	back.len = 0;
	jpg.len = 0;
	gray_to_jpeg(img, PHOTO_W, PHOTO_H, 80, &jpg);
	assert_int_equal(scan(jpg.data, jpg.len, &back), ECERT_OK);
	assert_string_equal((char *)back.data, (char *)text.data);
	free(img);
	free(src);
	ecert_buf_free(&text);
	ecert_buf_free(&png);
	ecert_buf_free(&png2);
	ecert_buf_free(&jpg);
	ecert_buf_free(&back);
}

static void test_no_code(void **state)
{
	struct ecert_buf png = ECERT_BUF_INIT, jpg = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	unsigned char *img = malloc((size_t)PHOTO_W * PHOTO_H);
	struct ecert_error e;
	size_t i;

	(void)state;
	assert_non_null(img);
	/* a gradient with noise: a photo of a blank page */
	for (i = 0; i < (size_t)PHOTO_W * PHOTO_H; i++)
		img[i] = (unsigned char)(100 + (i % PHOTO_W) / 8 + rnd() % 20);
	gray_to_png(img, PHOTO_W, PHOTO_H, &png);
	gray_to_jpeg(img, PHOTO_W, PHOTO_H, 90, &jpg);
	assert_int_equal(scan(png.data, png.len, &out), ECERT_ERR_QR_IMAGE);
	assert_int_equal(scan(jpg.data, jpg.len, &out), ECERT_ERR_QR_IMAGE);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qrscan_gray(img, PHOTO_W, PHOTO_H, &out, &e), ECERT_ERR_QR_IMAGE);
	assert_int_equal(out.len, 0);
	free(img);
	ecert_buf_free(&png);
	ecert_buf_free(&jpg);
	ecert_buf_free(&out);
}

static void test_garbage(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, png = ECERT_BUF_INIT, jpg = ECERT_BUF_INIT,
	                 bad = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	struct ecert_error e;
	unsigned char *src;
	unsigned w, h;
	size_t i, cut;

	(void)state;
	/* random bytes, with and without an image signature in front */
	for (i = 0; i < 4096; i++)
		assert_int_equal(ecert_buf_putc(&bad, (int)(rnd() & 0xff)), ECERT_OK);
	assert_int_equal(scan(bad.data, bad.len, &out), ECERT_ERR_QR_IMAGE);
	memcpy(bad.data, "\x89PNG\r\n\x1a\n", 8);
	assert_int_equal(scan(bad.data, bad.len, &out), ECERT_ERR_QR_IMAGE);
	memcpy(bad.data, "\xff\xd8\xff\xe0", 4);
	assert_int_equal(scan(bad.data, bad.len, &out), ECERT_ERR_QR_IMAGE);
	assert_int_equal(scan(bad.data, 0, &out), ECERT_ERR_QR_IMAGE);
	assert_int_equal(scan((const unsigned char *)"\x89PNG", 4, &out), ECERT_ERR_QR_IMAGE);
	assert_int_equal(scan((const unsigned char *)"\xff\xd8\xff", 3, &out), ECERT_ERR_QR_IMAGE);
	assert_int_equal(scan((const unsigned char *)"GIF89a", 6, &out), ECERT_ERR_QR_IMAGE);
	/* real images cut short, or with a byte flipped in the header */
	payload_of("skill-auto-repair.json", &text);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, NULL, &png, &e), ECERT_OK);
	src = png_gray(&png, &w, &h);
	gray_to_jpeg(src, w, h, 90, &jpg);
	for (cut = 8; cut < png.len; cut += png.len / 7)
		assert_int_equal(scan(png.data, cut, &out), ECERT_ERR_QR_IMAGE);
	for (cut = 3; cut < jpg.len / 3; cut += jpg.len / 20)
		assert_int_equal(scan(jpg.data, cut, &out), ECERT_ERR_QR_IMAGE);
	png.data[20] ^= 0x40; /* IHDR height: the CRC no longer matches */
	assert_int_equal(scan(png.data, png.len, &out), ECERT_ERR_QR_IMAGE);
	assert_int_equal(out.len, 0);
	free(src);
	ecert_buf_free(&text);
	ecert_buf_free(&png);
	ecert_buf_free(&jpg);
	ecert_buf_free(&bad);
	ecert_buf_free(&out);
}

/* Dimensions are checked before pixels are allocated or read. */
static void test_bounds(void **state)
{
	struct ecert_buf png = ECERT_BUF_INIT, jpg = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	struct ecert_error e;
	unsigned char one = 255;
	unsigned char *row;
	unsigned w = ECERT_QR_IMAGE_SIDE_MAX + 1;

	(void)state;
	ecert_error_clear(&e);
	/* a 1-byte buffer claimed to be huge: rejected without reading it (ASan would see) */
	assert_int_equal(ecert_qrscan_gray(&one, 6000, 6000, &out, &e), ECERT_ERR_QR_IMAGE);
	assert_int_equal(ecert_qrscan_gray(&one, ECERT_QR_IMAGE_SIDE_MAX + 1, 1, &out, &e),
	                 ECERT_ERR_QR_IMAGE);
	assert_int_equal(ecert_qrscan_gray(&one, 0, 0, &out, &e), ECERT_ERR_QR_IMAGE);
	/* real files one pixel wider than the bound */
	row = malloc(w);
	assert_non_null(row);
	memset(row, 255, w);
	gray_to_png(row, w, 1, &png);
	assert_int_equal(scan(png.data, png.len, &out), ECERT_ERR_QR_IMAGE);
	gray_to_jpeg(row, w, 1, 50, &jpg);
	assert_int_equal(scan(jpg.data, jpg.len, &out), ECERT_ERR_QR_IMAGE);
	assert_int_equal(out.len, 0);
	free(row);
	ecert_buf_free(&png);
	ecert_buf_free(&jpg);
	ecert_buf_free(&out);
}

static void test_file(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, png = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	struct ecert_error e;
	char path[256];

	(void)state;
	payload_of("title-pathway.json", &text);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, NULL, &png, &e), ECERT_OK);
	snprintf(path, sizeof(path), "/tmp/ecert-test-qrimage-%ld.png", (long)getpid());
	assert_int_equal(ecert_file_write_atomic(path, png.data, png.len, 0644, 0, &e), ECERT_OK);
	assert_int_equal(ecert_qrscan_file(path, &out, &e), ECERT_OK);
	assert_string_equal((char *)out.data, (char *)text.data);
	/* the payload decodes to the certificate */
	{
		struct ecert_buf json = ECERT_BUF_INIT;

		assert_int_equal(ecert_qr_decode((char *)out.data, out.len, &json, &e), ECERT_OK);
		assert_non_null(strstr((char *)json.data, "\"TitleCertificate\""));
		ecert_buf_free(&json);
	}
	unlink(path);
	out.len = 0;
	ecert_error_clear(&e);
	assert_int_equal(ecert_qrscan_file(path, &out, &e), ECERT_ERR_IO);
	assert_non_null(strstr(e.where, path));
	ecert_buf_free(&text);
	ecert_buf_free(&png);
	ecert_buf_free(&out);
}

static void test_alloc_failures(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, png = ECERT_BUF_INIT;
	struct ecert_error e;
	long n;
	int rc = ECERT_ERR_NOMEM;

	(void)state;
	payload_of("skill-lathe.json", &text);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qrimage_png((char *)text.data, text.len, NULL, &png, &e), ECERT_OK);
	for (n = 0; n < 8 && rc != ECERT_OK; n++) {
		struct ecert_buf out = ECERT_BUF_INIT, img = ECERT_BUF_INIT;

		ecert_alloc_fail_after(n);
		rc = ecert_qrscan_memory(png.data, png.len, &out, &e);
		assert_true(rc == ECERT_OK || rc == ECERT_ERR_NOMEM);
		rc = ecert_qrimage_png((char *)text.data, text.len, NULL, &img, &e);
		assert_true(rc == ECERT_OK || rc == ECERT_ERR_NOMEM);
		ecert_alloc_fail_after(-1);
		ecert_buf_free(&out);
		ecert_buf_free(&img);
	}
	assert_int_equal(rc, ECERT_OK);
	ecert_buf_free(&text);
	ecert_buf_free(&png);
}

/* A code of ours in which zbarimg, with every symbology on, also finds a Codabar symbol
 * ("B5+B") among the QR modules (about 1 in 1500 codes): the scanner reads QR codes only
 * and gives exactly the payload. */
static void test_spurious_codabar(void **state)
{
	struct ecert_buf png = ECERT_BUF_INIT, want = ECERT_BUF_INIT, got = ECERT_BUF_INIT;
	struct ecert_error e;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_file_read(ECERT_TEST_DATA "/data/qr/spurious-codabar.png", 0, &png,
					 &e),
			 ECERT_OK);
	assert_int_equal(ecert_file_read(ECERT_TEST_DATA "/data/qr/spurious-codabar.txt", 0, &want,
					 &e),
			 ECERT_OK);
	while (want.len > 0 && want.data[want.len - 1] == '\n')
		want.len--;
	assert_int_equal(scan(png.data, png.len, &got), ECERT_OK);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	ecert_buf_free(&png);
	ecert_buf_free(&want);
	ecert_buf_free(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_png_round_trip), cmocka_unit_test(test_png_format),
	    cmocka_unit_test(test_png_quiet_zone), cmocka_unit_test(test_svg),
	    cmocka_unit_test(test_ecc_levels),     cmocka_unit_test(test_typical_versions),
	    cmocka_unit_test(test_render_errors),  cmocka_unit_test(test_photo_like),
	    cmocka_unit_test(test_no_code),        cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_bounds),         cmocka_unit_test(test_file),
	    cmocka_unit_test(test_alloc_failures), cmocka_unit_test(test_render_both),
	    cmocka_unit_test(test_spurious_codabar),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
