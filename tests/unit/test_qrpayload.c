/* cmocka: the QR payload codec (DESIGN §5). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <zlib.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/encoding.h"
#include "ecert/error.h"
#include "ecert/file.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/qrpayload.h"

#define TYPICAL_DIR ECERT_TEST_DATA "/data/typical/"
/* dict-v1 is frozen (schemas/qr/README.md): these pin its bytes. */
#define DICT_V1_LEN 3844u
#define DICT_V1_ADLER32 0x8746fd49ul
/* A zip bomb that still fits in a QR text: 2 MiB of zeros deflate to about 2 KB. */
#define BOMB_BYTES ((size_t)2 << 20)
/* RFC 1950: CMF FLG DICTID before the deflate data, ADLER32 after it. */
#define ZHEAD 6u
#define ZTRAILER 4u
#define THREADS 4
#define THREAD_ROUNDS 25

static const char *const typical[] = {
    "title-engineering.json", "title-agriculture.json", "title-electrical.json",
    "title-pathway.json",     "skill-lathe.json",       "skill-auto-repair.json",
    "skill-welder.json",
};

static void read_typical(const char *name, struct ecert_buf *out)
{
	char path[512];
	struct ecert_error e;

	snprintf(path, sizeof(path), "%s%s", TYPICAL_DIR, name);
	ecert_error_clear(&e);
	assert_int_equal(ecert_file_read(path, 0, out, &e), ECERT_OK);
}

/* Canonical form of a typical certificate, as the issuer would put in the QR code. */
static void typical_jcs(const char *name, struct ecert_buf *jcs)
{
	struct ecert_buf raw = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *doc = NULL;

	read_typical(name, &raw);
	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse((char *)raw.data, raw.len, NULL, &doc, &e), ECERT_OK);
	assert_int_equal(ecert_jcs_serialize(doc, jcs, &e), ECERT_OK);
	cJSON_Delete(doc);
	ecert_buf_free(&raw);
}

/* zlib stream of `len` bytes of `data` (or `len` zeros if data is NULL) with `dict`. */
static void deflate_with(const unsigned char *data, size_t len, const unsigned char *dict,
                         size_t dict_len, struct ecert_buf *z)
{
	static const unsigned char zeros[65536];
	z_stream zs;
	unsigned char chunk[4096];
	size_t fed = 0, n;
	int flush, zrc;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	if (dict)
		assert_int_equal(deflateSetDictionary(&zs, dict, (uInt)dict_len), Z_OK);
	do {
		n = len - fed < sizeof(zeros) ? len - fed : sizeof(zeros);
		zs.next_in = (Bytef *)(uintptr_t)(data ? data + fed : zeros);
		zs.avail_in = (uInt)n;
		fed += n;
		flush = fed == len ? Z_FINISH : Z_NO_FLUSH;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof(chunk);
			zrc = deflate(&zs, flush);
			assert_true(zrc == Z_OK || zrc == Z_STREAM_END || zrc == Z_BUF_ERROR);
			assert_int_equal(ecert_buf_append(z, chunk, sizeof(chunk) - zs.avail_out),
			                 ECERT_OK);
		} while (zs.avail_out == 0);
	} while (flush != Z_FINISH);
	assert_int_equal(zrc, Z_STREAM_END);
	deflateEnd(&zs);
}

/* "EC1:" + base45(z) */
static void make_text(const struct ecert_buf *z, struct ecert_buf *text)
{
	assert_int_equal(ecert_buf_puts(text, ECERT_QR_PREFIX), ECERT_OK);
	assert_int_equal(ecert_base45_encode(z->data, z->len, text), ECERT_OK);
}

static int decode(const char *text, size_t len, struct ecert_buf *out)
{
	struct ecert_error e;
	int rc;

	ecert_error_clear(&e);
	rc = ecert_qr_decode(text, len, out, &e);
	assert_int_equal(e.code, rc == ECERT_OK ? 0 : rc);
	if (rc != ECERT_OK)
		assert_true(e.msg[0] != '\0');
	return rc;
}

static int decode_str(const char *text)
{
	struct ecert_buf out = ECERT_BUF_INIT;
	int rc = decode(text, strlen(text), &out);

	if (rc != ECERT_OK)
		assert_int_equal(out.len, 0);
	ecert_buf_free(&out);
	return rc;
}

static void test_dictionary_frozen(void **state)
{
	size_t len = 0;
	const unsigned char *d = ecert_qr_dictionary(&len);

	(void)state;
	assert_non_null(d);
	assert_int_equal(len, DICT_V1_LEN);
	assert_int_equal(adler32(adler32(0, Z_NULL, 0), d, (uInt)len), DICT_V1_ADLER32);
}

static void test_round_trip_typical(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(typical) / sizeof(typical[0]); i++) {
		struct ecert_buf jcs = ECERT_BUF_INIT, text = ECERT_BUF_INIT,
		                 text2 = ECERT_BUF_INIT, back = ECERT_BUF_INIT;
		struct ecert_error e;
		cJSON *doc = NULL;

		typical_jcs(typical[i], &jcs);
		ecert_error_clear(&e);
		assert_int_equal(ecert_json_parse((char *)jcs.data, jcs.len, NULL, &doc, &e),
		                 ECERT_OK);
		assert_int_equal(ecert_qr_encode(doc, &text, &e), ECERT_OK);
		/* the document path and the bytes path give the same text */
		assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &text2, &e), ECERT_OK);
		assert_int_equal(text.len, text2.len);
		assert_memory_equal(text.data, text2.data, text.len);
		assert_memory_equal(text.data, ECERT_QR_PREFIX, 4);
		assert_true(text.len <= ECERT_QR_TEXT_MAX);
		/* only the QR alphanumeric set */
		for (k = 0; k < text.len; k++)
			assert_non_null(
			    strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", text.data[k]));
		assert_int_equal(decode((char *)text.data, text.len, &back), ECERT_OK);
		assert_int_equal(back.len, jcs.len);
		assert_memory_equal(back.data, jcs.data, jcs.len);
		assert_int_equal(back.data[back.len], '\0');
		cJSON_Delete(doc);
		ecert_buf_free(&jcs);
		ecert_buf_free(&text);
		ecert_buf_free(&text2);
		ecert_buf_free(&back);
	}
}

/* The dictionary earns its keep: every typical certificate is smaller with it. */
static void test_dictionary_helps(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(typical) / sizeof(typical[0]); i++) {
		struct ecert_buf jcs = ECERT_BUF_INIT, with = ECERT_BUF_INIT,
		                 without = ECERT_BUF_INIT;
		struct ecert_error e;

		typical_jcs(typical[i], &jcs);
		ecert_error_clear(&e);
		assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &with, &e), ECERT_OK);
		assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 0, &without, &e),
		                 ECERT_OK);
		assert_true(with.len * 10 < without.len * 7);
		ecert_buf_free(&jcs);
		ecert_buf_free(&with);
		ecert_buf_free(&without);
	}
}

static void test_appends(void **state)
{
	struct ecert_buf out = ECERT_BUF_INIT, text = ECERT_BUF_INIT;
	struct ecert_error e;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes((const unsigned char *)"{}", 2, 1, &text, &e),
	                 ECERT_OK);
	assert_int_equal(ecert_buf_puts(&out, "head:"), ECERT_OK);
	assert_int_equal(decode((char *)text.data, text.len, &out), ECERT_OK);
	assert_int_equal(out.len, 7);
	assert_string_equal((char *)out.data, "head:{}");
	/* a failure leaves what was there */
	assert_int_equal(decode("EC1:GGW", 7, &out), ECERT_ERR_ENCODING);
	assert_string_equal((char *)out.data, "head:{}");
	assert_int_equal(out.len, 7);
	ecert_buf_free(&out);
	ecert_buf_free(&text);
}

static void test_prefix(void **state)
{
	struct ecert_buf z = ECERT_BUF_INIT, text = ECERT_BUF_INIT;
	struct ecert_error e;
	char *body;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes((const unsigned char *)"{\"a\":1}", 7, 1, &text, &e),
	                 ECERT_OK);
	assert_int_equal(decode_str((char *)text.data), ECERT_OK);
	body = (char *)text.data + 4;
	assert_int_equal(ecert_buf_printf(&z, "EC2:%s", body), ECERT_OK);
	assert_int_equal(decode_str((char *)z.data), ECERT_ERR_QR_PREFIX);
	z.len = 0;
	assert_int_equal(ecert_buf_printf(&z, "ec1:%s", body), ECERT_OK);
	assert_int_equal(decode_str((char *)z.data), ECERT_ERR_QR_PREFIX);
	z.len = 0;
	assert_int_equal(ecert_buf_printf(&z, " EC1:%s", body), ECERT_OK);
	assert_int_equal(decode_str((char *)z.data), ECERT_ERR_QR_PREFIX);
	z.len = 0;
	assert_int_equal(ecert_buf_printf(&z, "EC1%s", body), ECERT_OK);
	assert_int_equal(decode_str((char *)z.data), ECERT_ERR_QR_PREFIX);
	assert_int_equal(decode_str(body), ECERT_ERR_QR_PREFIX);
	assert_int_equal(decode_str(""), ECERT_ERR_QR_PREFIX);
	assert_int_equal(decode_str("EC1"), ECERT_ERR_QR_PREFIX);
	assert_int_equal(decode_str("\r\n"), ECERT_ERR_QR_PREFIX);
	/* prefix and nothing else: no zlib stream */
	assert_int_equal(decode_str("EC1:"), ECERT_ERR_QR_INFLATE);
	ecert_buf_free(&z);
	ecert_buf_free(&text);
}

static void test_scanner_whitespace(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	struct ecert_error e;
	static const char *const tails[] = {"\n", "\r\n", " ", " \r\n", "\n\n\r  "};
	size_t i, len;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes((const unsigned char *)"[1,2,3]", 7, 1, &text, &e),
	                 ECERT_OK);
	len = text.len;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		text.len = len;
		assert_int_equal(ecert_buf_puts(&text, tails[i]), ECERT_OK);
		assert_int_equal(decode((char *)text.data, text.len, &out), ECERT_OK);
		assert_int_equal(out.len, 7);
		assert_memory_equal(out.data, "[1,2,3]", 7);
		out.len = 0;
	}
	/* other whitespace is not scanner noise */
	text.len = len;
	assert_int_equal(ecert_buf_puts(&text, "\t"), ECERT_OK);
	assert_int_equal(decode((char *)text.data, text.len, &out), ECERT_ERR_ENCODING);
	ecert_buf_free(&text);
	ecert_buf_free(&out);
}

static void test_bad_base45(void **state)
{
	(void)state;
	assert_int_equal(decode_str("EC1:GGW"), ECERT_ERR_ENCODING);
	assert_int_equal(decode_str("EC1:BB8A"), ECERT_ERR_ENCODING);
	assert_int_equal(decode_str("EC1:BB8ZZ"), ECERT_ERR_ENCODING);
	assert_int_equal(decode_str("EC1:bb8"), ECERT_ERR_ENCODING);
	assert_int_equal(decode_str("EC1:BB#"), ECERT_ERR_ENCODING);
}

static void test_too_long_text(void **state)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(ecert_buf_puts(&text, ECERT_QR_PREFIX), ECERT_OK);
	for (i = 4; i <= ECERT_QR_TEXT_MAX; i++)
		assert_int_equal(ecert_buf_putc(&text, '0'), ECERT_OK);
	assert_int_equal(decode_str((char *)text.data), ECERT_ERR_QR_SIZE);
	ecert_buf_free(&text);
}

static void test_truncated(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, text = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t cut;
	int rc;

	(void)state;
	typical_jcs("title-engineering.json", &jcs);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &text, &e), ECERT_OK);
	/* every shorter text fails: whole base45 groups with a short zlib stream, or not */
	for (cut = 4; cut < text.len; cut++) {
		rc = decode((char *)text.data, cut, &out);
		/* a lone base45 character is ENCODING, unless it is a space, which is taken as
		 * scanner noise (leaving whole groups and a short zlib stream) */
		if ((cut - 4) % 3 == 1 && text.data[cut - 1] != ' ')
			assert_int_equal(rc, ECERT_ERR_ENCODING);
		else
			assert_true(rc == ECERT_ERR_QR_INFLATE || rc == ECERT_ERR_ENCODING);
		assert_int_equal(out.len, 0);
	}
	ecert_buf_free(&jcs);
	ecert_buf_free(&text);
	ecert_buf_free(&out);
}

/* Changing any character to another base45 character is caught (adler32, deflate, or
 * base45's own range checks). */
static void test_every_character_flipped(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, text = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t i;
	unsigned char keep;

	(void)state;
	typical_jcs("skill-lathe.json", &jcs);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &text, &e), ECERT_OK);
	for (i = 4; i < text.len; i++) {
		keep = text.data[i];
		text.data[i] = keep == 'A' ? 'B' : 'A';
		assert_int_not_equal(decode((char *)text.data, text.len, &out), ECERT_OK);
		assert_int_equal(out.len, 0);
		text.data[i] = keep;
	}
	assert_int_equal(decode((char *)text.data, text.len, &out), ECERT_OK);
	ecert_buf_free(&jcs);
	ecert_buf_free(&text);
	ecert_buf_free(&out);
}

static void test_trailing_garbage(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, z = ECERT_BUF_INIT, text = ECERT_BUF_INIT;
	size_t dlen;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);

	(void)state;
	typical_jcs("skill-welder.json", &jcs);
	deflate_with(jcs.data, jcs.len, dict, dlen, &z);
	/* as built, the stream decodes */
	make_text(&z, &text);
	assert_int_equal(decode_str((char *)text.data), ECERT_OK);
	/* one byte, then a second whole zlib stream, after Z_STREAM_END */
	assert_int_equal(ecert_buf_putc(&z, 0), ECERT_OK);
	text.len = 0;
	make_text(&z, &text);
	assert_int_equal(decode_str((char *)text.data), ECERT_ERR_QR_TRAILING);
	z.len--;
	deflate_with((const unsigned char *)"{}", 2, dict, dlen, &z);
	text.len = 0;
	make_text(&z, &text);
	assert_int_equal(decode_str((char *)text.data), ECERT_ERR_QR_TRAILING);
	ecert_buf_free(&jcs);
	ecert_buf_free(&z);
	ecert_buf_free(&text);
}

static void test_wrong_dictionary(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, z = ECERT_BUF_INIT, text = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t dlen;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);
	unsigned char *other;

	(void)state;
	typical_jcs("title-agriculture.json", &jcs);
	/* no dictionary at all */
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 0, &text, &e), ECERT_OK);
	assert_int_equal(decode_str((char *)text.data), ECERT_ERR_QR_INFLATE);
	/* a dictionary one byte different (a would-be dict-v2 under the old prefix) */
	other = ecert_malloc(dlen);
	assert_non_null(other);
	memcpy(other, dict, dlen);
	other[dlen - 3] ^= 0x01;
	deflate_with(jcs.data, jcs.len, other, dlen, &z);
	text.len = 0;
	make_text(&z, &text);
	assert_int_equal(decode_str((char *)text.data), ECERT_ERR_QR_INFLATE);
	/* the right dictionary, for contrast */
	z.len = 0;
	deflate_with(jcs.data, jcs.len, dict, dlen, &z);
	text.len = 0;
	make_text(&z, &text);
	assert_int_equal(decode_str((char *)text.data), ECERT_OK);
	/* a raw deflate stream or gzip is not a zlib stream */
	text.len = 0;
	assert_int_equal(ecert_buf_puts(&text, ECERT_QR_PREFIX), ECERT_OK);
	assert_int_equal(ecert_base45_encode(z.data + 6, z.len - 6, &text), ECERT_OK);
	assert_int_equal(decode_str((char *)text.data), ECERT_ERR_QR_INFLATE);
	ecert_free(other);
	ecert_buf_free(&jcs);
	ecert_buf_free(&z);
	ecert_buf_free(&text);
}

static void test_document_bound(void **state)
{
	struct ecert_buf doc = ECERT_BUF_INIT, text = ECERT_BUF_INIT, out = ECERT_BUF_INIT,
	                 z = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t i, dlen;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);

	(void)state;
	for (i = 0; i < ECERT_QR_DOC_MAX + 1; i++)
		assert_int_equal(ecert_buf_putc(&doc, "[1,2]"[i % 5]), ECERT_OK);
	/* exactly the bound: fine both ways */
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes(doc.data, ECERT_QR_DOC_MAX, 1, &text, &e), ECERT_OK);
	assert_int_equal(decode((char *)text.data, text.len, &out), ECERT_OK);
	assert_int_equal(out.len, ECERT_QR_DOC_MAX);
	assert_memory_equal(out.data, doc.data, ECERT_QR_DOC_MAX);
	/* one byte more: the encoder refuses, and so does the decoder for a hand-made stream */
	text.len = 0;
	assert_int_equal(ecert_qr_encode_bytes(doc.data, ECERT_QR_DOC_MAX + 1, 1, &text, &e),
	                 ECERT_ERR_QR_SIZE);
	assert_int_equal(text.len, 0);
	deflate_with(doc.data, ECERT_QR_DOC_MAX + 1, dict, dlen, &z);
	make_text(&z, &text);
	out.len = 0;
	assert_int_equal(decode((char *)text.data, text.len, &out), ECERT_ERR_QR_SIZE);
	assert_int_equal(out.len, 0);
	ecert_buf_free(&doc);
	ecert_buf_free(&text);
	ecert_buf_free(&out);
	ecert_buf_free(&z);
}

static void test_zip_bomb(void **state)
{
	struct ecert_buf z = ECERT_BUF_INIT, text = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	size_t dlen;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);
	long allocs;

	(void)state;
	deflate_with(NULL, BOMB_BYTES, dict, dlen, &z);
	make_text(&z, &text);
	assert_true(text.len <= ECERT_QR_TEXT_MAX); /* it does reach the inflater */
	/* The output buffer may not grow past the bound: a decoder that inflated the whole
	 * bomb would fail with ECERT_ERR_NOMEM here instead of ECERT_ERR_QR_SIZE. */
	out.max = ECERT_QR_DOC_MAX;
	ecert_alloc_fail_after(-1);
	assert_int_equal(decode((char *)text.data, text.len, &out), ECERT_ERR_QR_SIZE);
	allocs = ecert_alloc_fail_after(-1);
	assert_int_equal(out.len, 0);
	assert_int_equal(out.oom, 0);
	assert_true(out.cap <= 2 * (ECERT_QR_DOC_MAX + 1));
	/* a fixed handful: the base45 bytes, the output, zlib's state and window */
	assert_true(allocs <= 4);
	ecert_buf_free(&z);
	ecert_buf_free(&text);
	ecert_buf_free(&out);
}

static void test_alloc_failures(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, text = ECERT_BUF_INIT;
	struct ecert_error e;
	long n;
	int rc, ok = 0;

	(void)state;
	typical_jcs("title-pathway.json", &jcs);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &text, &e), ECERT_OK);
	for (n = 0; n < 16 && !ok; n++) {
		struct ecert_buf out = ECERT_BUF_INIT, again = ECERT_BUF_INIT;

		ecert_alloc_fail_after(n);
		rc = ecert_qr_decode((char *)text.data, text.len, &out, &e);
		assert_true(rc == ECERT_OK || rc == ECERT_ERR_NOMEM);
		rc = ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &again, &e);
		assert_true(rc == ECERT_OK || rc == ECERT_ERR_NOMEM);
		ok = rc == ECERT_OK;
		ecert_alloc_fail_after(-1);
		ecert_buf_free(&out);
		ecert_buf_free(&again);
	}
	assert_true(ok);
	ecert_buf_free(&jcs);
	ecert_buf_free(&text);
}

/* What the decoder did before it parsed the zlib header itself: zlib's own inflate, asked
 * for the dictionary, given dict-v1 when the DICTID names it, then to the end with nothing
 * after. Returns the decoded length, or -1. */
static long ref_inflate(const unsigned char *z, size_t len, unsigned char *out, size_t cap)
{
	size_t dlen;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);
	z_stream zs;
	long n = -1;
	int zrc;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)z;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (inflate(&zs, Z_NO_FLUSH) != Z_NEED_DICT || zs.adler != DICT_V1_ADLER32 ||
	    inflateSetDictionary(&zs, dict, (uInt)dlen) != Z_OK)
		goto out;
	zrc = inflate(&zs, Z_FINISH);
	if (zrc == Z_STREAM_END && zs.avail_in == 0)
		n = (long)zs.total_out;
out:
	inflateEnd(&zs);
	return n;
}

/* Decode the zlib stream z (through its QR text): rc, and the message in msg. */
static int decode_z(const struct ecert_buf *z, struct ecert_buf *out, char *msg, size_t cap)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error e;
	int rc;

	make_text(z, &text);
	ecert_error_clear(&e);
	rc = ecert_qr_decode((char *)text.data, text.len, out, &e);
	assert_int_equal(e.code, rc);
	if (msg)
		snprintf(msg, cap, "%s", e.msg);
	ecert_buf_free(&text);
	return rc;
}

/* Every CMF/FLG pair in front of a dict-v1 stream: accepted exactly when zlib's inflate
 * accepted it (FCHECK, CM 8, CINFO <= 7, FDICT; FLEVEL does not matter), and refused as
 * "not a zlib stream ... dictionary" otherwise. */
static void test_header_as_zlib(void **state)
{
	static const char doc[] = "{\"a\":[1,2,3],\"type\":[\"VerifiableCredential\"]}";
	struct ecert_buf z = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	unsigned char ref[256];
	char msg[ECERT_ERR_MSG_MAX];
	size_t dlen;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);
	unsigned h, accepted = 0;
	long n;
	int rc;

	(void)state;
	deflate_with((const unsigned char *)doc, sizeof(doc) - 1, dict, dlen, &z);
	for (h = 0; h < 0x10000; h++) {
		z.data[0] = (unsigned char)(h >> 8);
		z.data[1] = (unsigned char)h;
		rc = decode_z(&z, &out, msg, sizeof(msg));
		if (h % 31 != 0) {
			/* FCHECK: zlib refuses first, without reading further */
			assert_int_equal(rc, ECERT_ERR_QR_INFLATE);
			assert_non_null(strstr(msg, "not a zlib stream"));
			continue;
		}
		n = ref_inflate(z.data, z.len, ref, sizeof(ref));
		if (n < 0) {
			assert_int_equal(rc, ECERT_ERR_QR_INFLATE);
			assert_non_null(strstr(msg, "not a zlib stream"));
		} else {
			assert_int_equal(rc, ECERT_OK);
			assert_int_equal(out.len, (size_t)n);
			assert_memory_equal(out.data, ref, out.len);
			accepted++;
		}
		out.len = 0;
	}
	/* CINFO 0..7 times FLEVEL 0..3 with FDICT set: one valid FCHECK each, and for two of
	 * them a second one (FCHECK 0 and 31) */
	assert_int_equal(accepted, 8 * 4 + 2);
	ecert_buf_free(&z);
	ecert_buf_free(&out);
}

/* FDICT with another DICTID, or without FDICT: refused before inflating, naming both ids. */
static void test_dictionary_id(void **state)
{
	static const unsigned long ids[] = {DICT_V1_ADLER32 ^ 1, 0, 1, 0xfffffffful};
	struct ecert_buf jcs = ECERT_BUF_INIT, z = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	char msg[ECERT_ERR_MSG_MAX], want[ECERT_ERR_MSG_MAX];
	size_t i, dlen;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);

	(void)state;
	typical_jcs("title-electrical.json", &jcs);
	deflate_with(jcs.data, jcs.len, dict, dlen, &z);
	assert_int_equal(z.data[1] & 0x20, 0x20);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		z.data[2] = (unsigned char)(ids[i] >> 24);
		z.data[3] = (unsigned char)(ids[i] >> 16);
		z.data[4] = (unsigned char)(ids[i] >> 8);
		z.data[5] = (unsigned char)ids[i];
		assert_int_equal(decode_z(&z, &out, msg, sizeof(msg)), ECERT_ERR_QR_INFLATE);
		snprintf(
		    want, sizeof(want),
		    "payload was compressed with another dictionary (id %08lx, expected %08lx)",
		    ids[i], DICT_V1_ADLER32);
		assert_string_equal(msg, want);
		assert_int_equal(out.len, 0);
	}
	/* the right id again, and it decodes */
	z.data[2] = (unsigned char)(DICT_V1_ADLER32 >> 24);
	z.data[3] = (unsigned char)(DICT_V1_ADLER32 >> 16);
	z.data[4] = (unsigned char)(DICT_V1_ADLER32 >> 8);
	z.data[5] = (unsigned char)DICT_V1_ADLER32;
	assert_int_equal(decode_z(&z, &out, NULL, 0), ECERT_OK);
	assert_int_equal(out.len, jcs.len);
	ecert_buf_free(&jcs);
	ecert_buf_free(&z);
	ecert_buf_free(&out);
}

/* Each bit of the ADLER32 trailer flipped; the trailer cut short; bytes after it. */
static void test_trailer(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, z = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	char msg[ECERT_ERR_MSG_MAX];
	size_t dlen, len, bit, cut;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);

	(void)state;
	typical_jcs("skill-auto-repair.json", &jcs);
	deflate_with(jcs.data, jcs.len, dict, dlen, &z);
	len = z.len;
	for (bit = 0; bit < ZTRAILER * 8; bit++) {
		z.data[len - ZTRAILER + bit / 8] ^= (unsigned char)(1u << (bit % 8));
		assert_int_equal(decode_z(&z, &out, msg, sizeof(msg)), ECERT_ERR_QR_INFLATE);
		assert_string_equal(msg, "corrupt compressed payload: incorrect data check");
		assert_int_equal(out.len, 0);
		z.data[len - ZTRAILER + bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	for (cut = 1; cut <= ZTRAILER; cut++) {
		z.len = len - cut;
		assert_int_equal(decode_z(&z, &out, msg, sizeof(msg)), ECERT_ERR_QR_INFLATE);
		assert_string_equal(msg, "compressed payload is truncated");
		assert_int_equal(out.len, 0);
	}
	/* a wrong check and bytes after it: the check is what is reported */
	z.len = len;
	assert_int_equal(ecert_buf_puts(&z, "xyz"), ECERT_OK);
	assert_int_equal(decode_z(&z, &out, msg, sizeof(msg)), ECERT_ERR_QR_TRAILING);
	assert_string_equal(msg, "3 bytes after the end of the compressed stream");
	z.data[len - 1] ^= 1;
	assert_int_equal(decode_z(&z, &out, msg, sizeof(msg)), ECERT_ERR_QR_INFLATE);
	assert_string_equal(msg, "corrupt compressed payload: incorrect data check");
	z.data[len - 1] ^= 1;
	z.len = len;
	assert_int_equal(decode_z(&z, &out, NULL, 0), ECERT_OK);
	assert_int_equal(out.len, jcs.len);
	assert_memory_equal(out.data, jcs.data, jcs.len);
	ecert_buf_free(&jcs);
	ecert_buf_free(&z);
	ecert_buf_free(&out);
}

/* Every cut of a stream: the header alone is "not a zlib stream" until DICTID is whole,
 * then every shorter stream is truncated or corrupt (never accepted), as zlib said. */
static void test_truncated_stream(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, z = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	unsigned char *ref;
	char msg[ECERT_ERR_MSG_MAX];
	size_t dlen, len, cut;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);
	int rc;

	(void)state;
	ref = ecert_malloc(ECERT_QR_DOC_MAX);
	assert_non_null(ref);
	typical_jcs("title-pathway.json", &jcs);
	deflate_with(jcs.data, jcs.len, dict, dlen, &z);
	len = z.len;
	for (cut = 0; cut < len; cut++) {
		z.len = cut;
		rc = decode_z(&z, &out, msg, sizeof(msg));
		assert_int_equal(rc, ECERT_ERR_QR_INFLATE);
		assert_int_equal(out.len, 0);
		assert_true(ref_inflate(z.data, z.len, ref, ECERT_QR_DOC_MAX) < 0);
		if (cut < ZHEAD)
			assert_non_null(strstr(msg, "not a zlib stream"));
		else
			assert_true(strcmp(msg, "compressed payload is truncated") == 0 ||
			            strncmp(msg, "corrupt compressed payload: ", 28) == 0);
	}
	z.len = ZHEAD;
	assert_int_equal(decode_z(&z, &out, msg, sizeof(msg)), ECERT_ERR_QR_INFLATE);
	assert_string_equal(msg, "compressed payload is truncated");
	ecert_free(ref);
	ecert_buf_free(&jcs);
	ecert_buf_free(&z);
	ecert_buf_free(&out);
}

/* A failed decode leaves nothing behind for the next one in the same thread. */
static void test_decode_after_failures(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, good = ECERT_BUF_INIT, bomb = ECERT_BUF_INIT,
	                 cut = ECERT_BUF_INIT, z = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t dlen, i;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);
	unsigned char keep;

	(void)state;
	typical_jcs("skill-lathe.json", &jcs);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &good, &e), ECERT_OK);
	/* the stream without the last bytes of its deflate data and trailer */
	deflate_with(jcs.data, jcs.len, dict, dlen, &z);
	z.len -= ZTRAILER + 2;
	make_text(&z, &cut);
	z.len = 0;
	deflate_with(NULL, BOMB_BYTES, dict, dlen, &z);
	make_text(&z, &bomb);
	for (i = 0; i < 3; i++) {
		/* a corrupt block in the middle of the data */
		keep = good.data[good.len / 2];
		good.data[good.len / 2] = keep == 'A' ? 'B' : 'A';
		assert_int_not_equal(decode((char *)good.data, good.len, &out), ECERT_OK);
		good.data[good.len / 2] = keep;
		assert_int_equal(decode((char *)good.data, good.len, &out), ECERT_OK);
		assert_int_equal(out.len, jcs.len);
		assert_memory_equal(out.data, jcs.data, jcs.len);
		out.len = 0;
		assert_int_equal(decode((char *)bomb.data, bomb.len, &out), ECERT_ERR_QR_SIZE);
		assert_int_equal(decode((char *)cut.data, cut.len, &out), ECERT_ERR_QR_INFLATE);
		assert_int_equal(decode((char *)good.data, good.len, &out), ECERT_OK);
		assert_memory_equal(out.data, jcs.data, jcs.len);
		out.len = 0;
	}
	ecert_buf_free(&jcs);
	ecert_buf_free(&good);
	ecert_buf_free(&bomb);
	ecert_buf_free(&cut);
	ecert_buf_free(&z);
	ecert_buf_free(&out);
}

struct thread_work {
	struct ecert_buf text[sizeof(typical) / sizeof(typical[0])];
	struct ecert_buf jcs[sizeof(typical) / sizeof(typical[0])];
	struct ecert_buf bomb;
};

/* Decodes every typical text and a zip bomb, in turn, THREAD_ROUNDS times: NULL if all
 * came out right. (No cmocka asserts off the main thread.) */
static void *thread_decode(void *arg)
{
	const struct thread_work *w = arg;
	struct ecert_buf out = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t r, i;
	void *bad = NULL;

	for (r = 0; r < THREAD_ROUNDS && !bad; r++) {
		for (i = 0; i < sizeof(typical) / sizeof(typical[0]) && !bad; i++) {
			out.len = 0;
			if (ecert_qr_decode((char *)w->text[i].data, w->text[i].len, &out, &e) !=
			        ECERT_OK ||
			    out.len != w->jcs[i].len ||
			    memcmp(out.data, w->jcs[i].data, out.len) != 0)
				bad = (void *)w->text[i].data;
			if (ecert_qr_decode((char *)w->bomb.data, w->bomb.len, &out, &e) !=
			    ECERT_ERR_QR_SIZE)
				bad = (void *)w->bomb.data;
		}
	}
	ecert_buf_free(&out);
	return bad;
}

/* Several threads decode at once, each with its own inflater (freed when it ends: the
 * leak checkers of the ASan and valgrind builds see to that). */
static void test_threads(void **state)
{
	struct thread_work w;
	struct ecert_buf z = ECERT_BUF_INIT;
	struct ecert_error e;
	pthread_t th[THREADS];
	size_t i, dlen;
	const unsigned char *dict = ecert_qr_dictionary(&dlen);
	void *res;

	(void)state;
	memset(&w, 0, sizeof(w));
	for (i = 0; i < sizeof(typical) / sizeof(typical[0]); i++) {
		typical_jcs(typical[i], &w.jcs[i]);
		ecert_error_clear(&e);
		assert_int_equal(
		    ecert_qr_encode_bytes(w.jcs[i].data, w.jcs[i].len, 1, &w.text[i], &e),
		    ECERT_OK);
	}
	deflate_with(NULL, BOMB_BYTES, dict, dlen, &z);
	make_text(&z, &w.bomb);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_decode, &w), 0);
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], &res), 0);
		assert_null(res);
	}
	for (i = 0; i < sizeof(typical) / sizeof(typical[0]); i++) {
		ecert_buf_free(&w.text[i]);
		ecert_buf_free(&w.jcs[i]);
	}
	ecert_buf_free(&w.bomb);
	ecert_buf_free(&z);
}

struct fault_run {
	const struct ecert_buf *text;
	long n;
	long allocs;
	int rc;
	size_t len;
};

/* One decode in a thread of its own (so its inflater is made from nothing), with the n-th
 * allocation on failing. */
static void *thread_fault(void *arg)
{
	struct fault_run *f = arg;
	struct ecert_buf out = ECERT_BUF_INIT;
	struct ecert_error e;

	ecert_error_clear(&e);
	ecert_alloc_fail_after(f->n);
	f->rc = ecert_qr_decode((char *)f->text->data, f->text->len, &out, &e);
	f->allocs = ecert_alloc_fail_after(-1);
	f->len = out.len;
	ecert_buf_free(&out);
	return NULL;
}

/* Allocation failures while a thread makes its inflater: out of memory, cleanly, until
 * there are enough allocations, then the document. One thread at a time (the fault
 * injection counter is shared). */
static void test_alloc_failures_new_thread(void **state)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, text = ECERT_BUF_INIT;
	struct ecert_error e;
	struct fault_run f;
	pthread_t th;

	(void)state;
	typical_jcs("title-engineering.json", &jcs);
	ecert_error_clear(&e);
	assert_int_equal(ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &text, &e), ECERT_OK);
	for (f.n = 0; f.n < 64; f.n++) {
		f.text = &text;
		assert_int_equal(pthread_create(&th, NULL, thread_fault, &f), 0);
		assert_int_equal(pthread_join(th, NULL), 0);
		if (f.allocs <= f.n)
			break;
		assert_int_equal(f.rc, ECERT_ERR_NOMEM);
		assert_int_equal(f.len, 0);
	}
	assert_true(f.n < 64);
	assert_int_equal(f.rc, ECERT_OK);
	assert_int_equal(f.len, jcs.len);
	ecert_buf_free(&jcs);
	ecert_buf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dictionary_frozen),
	    cmocka_unit_test(test_round_trip_typical),
	    cmocka_unit_test(test_dictionary_helps),
	    cmocka_unit_test(test_appends),
	    cmocka_unit_test(test_prefix),
	    cmocka_unit_test(test_scanner_whitespace),
	    cmocka_unit_test(test_bad_base45),
	    cmocka_unit_test(test_too_long_text),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_every_character_flipped),
	    cmocka_unit_test(test_trailing_garbage),
	    cmocka_unit_test(test_wrong_dictionary),
	    cmocka_unit_test(test_document_bound),
	    cmocka_unit_test(test_zip_bomb),
	    cmocka_unit_test(test_alloc_failures),
	    cmocka_unit_test(test_header_as_zlib),
	    cmocka_unit_test(test_dictionary_id),
	    cmocka_unit_test(test_trailer),
	    cmocka_unit_test(test_truncated_stream),
	    cmocka_unit_test(test_decode_after_failures),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_alloc_failures_new_thread),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
