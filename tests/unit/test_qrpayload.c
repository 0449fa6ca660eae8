/* cmocka: the QR payload codec (DESIGN §5). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
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
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
