/* cmocka: W3C Bitstring Status List (bit order, GZIP + multibase, credential, entries). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#define ZLIB_CONST
#include <zlib.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/encoding.h"
#include "ecert/error.h"
#include "ecert/statuslist.h"

#define USCC "91220101MA17XY2K3B"
#define KID "AbCdEfGh-_1"
#define LIST_ID "urn:ecert:status:" USCC ":" KID

/* GZIP (RFC 1952) of `len` bytes produced by fill(i) — streamed, so huge inputs cost no
 * memory — then 'u' + base64url. */
static void gzip_encoded(size_t len, uint8_t (*fill)(size_t), const uint8_t *trailer,
                         size_t trailer_len, int window, struct ecert_buf *out)
{
	struct ecert_buf gz = ECERT_BUF_INIT;
	uint8_t in[4096], chunk[4096];
	z_stream zs;
	size_t done = 0;
	int zrc;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY), Z_OK);
	do {
		size_t n = len - done < sizeof(in) ? len - done : sizeof(in);

		for (size_t i = 0; i < n; i++)
			in[i] = fill(done + i);
		done += n;
		zs.next_in = in;
		zs.avail_in = (uInt)n;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof(chunk);
			zrc = deflate(&zs, done == len ? Z_FINISH : Z_NO_FLUSH);
			assert_true(zrc == Z_OK || zrc == Z_STREAM_END || zrc == Z_BUF_ERROR);
			ecert_buf_append(&gz, chunk, sizeof(chunk) - zs.avail_out);
		} while (zs.avail_out == 0);
	} while (done < len);
	assert_int_equal(zrc, Z_STREAM_END);
	deflateEnd(&zs);
	if (trailer_len)
		ecert_buf_append(&gz, trailer, trailer_len);
	assert_int_equal(ecert_buf_ok(&gz), ECERT_OK);
	assert_int_equal(ecert_multibase64url_encode(gz.data, gz.len, out), ECERT_OK);
	ecert_buf_free(&gz);
}

static uint8_t zero(size_t i)
{
	(void)i;
	return 0;
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 37 + 11);
}

/* Inflate an encodedList in the test, independently of the library's decoder. */
static void inflate_encoded(const char *enc, struct ecert_buf *bits)
{
	struct ecert_buf gz = ECERT_BUF_INIT;
	uint8_t chunk[65536];
	z_stream zs;
	int zrc;

	assert_int_equal(ecert_multibase64url_decode(enc, strlen(enc), &gz, NULL), ECERT_OK);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
	zs.next_in = gz.data;
	zs.avail_in = (uInt)gz.len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zrc = inflate(&zs, Z_NO_FLUSH);
		assert_true(zrc == Z_OK || zrc == Z_STREAM_END);
		ecert_buf_append(bits, chunk, sizeof(chunk) - zs.avail_out);
	} while (zrc != Z_STREAM_END);
	inflateEnd(&zs);
	ecert_buf_free(&gz);
}

static void test_bits(void **state)
{
	struct ecert_statuslist *sl = NULL;
	struct ecert_buf enc = ECERT_BUF_INIT, enc2 = ECERT_BUF_INIT, bits = ECERT_BUF_INIT;
	struct ecert_error err;
	size_t last;
	int v = -1;

	(void)state;
	ecert_error_clear(&err);
	assert_int_equal(ecert_statuslist_new(0, &sl, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_size(sl), ECERT_STATUSLIST_MIN_BITS);
	last = ECERT_STATUSLIST_MIN_BITS - 1;
	assert_null(ecert_statuslist_id(sl));
	for (uint64_t i = 0; i < 16; i++) {
		assert_int_equal(ecert_statuslist_get(sl, i, &v, &err), ECERT_OK);
		assert_int_equal(v, 0);
	}
	assert_int_equal(ecert_statuslist_set(sl, 0, 1, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_set(sl, 7, 1, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_set(sl, 8, 1, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_set(sl, last, 1, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_set(sl, 9, 1, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_set(sl, 9, 0, &err), ECERT_OK);
	for (uint64_t i = 0; i < 16; i++) {
		assert_int_equal(ecert_statuslist_get(sl, i, &v, &err), ECERT_OK);
		assert_int_equal(v, i == 0 || i == 7 || i == 8);
	}
	assert_int_equal(ecert_statuslist_get(sl, last, &v, &err), ECERT_OK);
	assert_int_equal(v, 1);
	assert_int_equal(ecert_statuslist_get(sl, last + 1, &v, &err), ECERT_ERR_STATUS);
	assert_int_equal(ecert_statuslist_set(sl, last + 1, 1, &err), ECERT_ERR_ARG);

	/* bit 0 is the most significant bit of byte 0 (checked on the encoded form) */
	assert_int_equal(ecert_statuslist_encode(sl, &enc, &err), ECERT_OK);
	assert_int_equal(((const char *)enc.data)[0], 'u');
	inflate_encoded((const char *)enc.data, &bits);
	assert_int_equal(bits.len, ECERT_STATUSLIST_MIN_BITS / 8);
	assert_int_equal(bits.data[0], 0x81);
	assert_int_equal(bits.data[1], 0x80);
	assert_int_equal(bits.data[2], 0x00);
	assert_int_equal(bits.data[bits.len - 1], 0x01);
	/* deterministic */
	assert_int_equal(ecert_statuslist_encode(sl, &enc2, &err), ECERT_OK);
	assert_int_equal(enc.len, enc2.len);
	assert_memory_equal(enc.data, enc2.data, enc.len);
	ecert_buf_free(&enc);
	ecert_buf_free(&enc2);
	ecert_buf_free(&bits);
	ecert_statuslist_free(sl);
	ecert_statuslist_free(NULL);

	/* sizes: raised to a whole byte; bounded */
	assert_int_equal(ecert_statuslist_new(ECERT_STATUSLIST_MIN_BITS + 1, &sl, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_size(sl), ECERT_STATUSLIST_MIN_BITS + 8);
	ecert_statuslist_free(sl);
	sl = NULL;
	assert_int_equal(ecert_statuslist_new(ECERT_STATUSLIST_MAX_BITS + 1, &sl, &err),
	                 ECERT_ERR_ARG);
	assert_null(sl);
}

static cJSON *reparse(const cJSON *v)
{
	char *text = cJSON_PrintUnformatted(v);
	cJSON *back;

	assert_non_null(text);
	back = cJSON_Parse(text);
	cJSON_free(text);
	assert_non_null(back);
	return back;
}

static void test_round_trip(void **state)
{
	struct ecert_statuslist *sl = NULL, *got = NULL;
	char id[ECERT_STATUSLIST_ID_MAX + 1];
	struct ecert_error err;
	cJSON *vc = NULL, *back, *entry = NULL, *subject;
	int v;

	(void)state;
	ecert_error_clear(&err);
	assert_int_equal(ecert_statuslist_make_id("urn:uscc:" USCC, KID, id, &err), ECERT_OK);
	assert_string_equal(id, LIST_ID);
	assert_int_equal(ecert_statuslist_new(200000, &sl, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_set(sl, 5, 1, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_set(sl, 199999, 1, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_build(sl, id, "urn:uscc:" USCC,
	                                        "吉林省人力资源和社会保障厅",
	                                        "2025-01-01T00:00:00+08:00", NULL, &vc, &err),
	                 ECERT_OK);
	assert_string_equal(cJSON_GetObjectItem(vc, "id")->valuestring, LIST_ID);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(vc, "type"), 1)->valuestring,
	                    "BitstringStatusListCredential");
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(vc, "issuer"), "name")->valuestring,
	    "吉林省人力资源和社会保障厅");
	assert_null(cJSON_GetObjectItem(vc, "validUntil"));
	subject = cJSON_GetObjectItem(vc, "credentialSubject");
	assert_string_equal(cJSON_GetObjectItem(subject, "id")->valuestring, LIST_ID "#list");
	assert_string_equal(cJSON_GetObjectItem(subject, "type")->valuestring,
	                    "BitstringStatusList");
	assert_string_equal(cJSON_GetObjectItem(subject, "statusPurpose")->valuestring,
	                    "revocation");

	back = reparse(vc);
	assert_int_equal(ecert_statuslist_decode(back, &got, &err), ECERT_OK);
	assert_string_equal(ecert_statuslist_id(got), LIST_ID);
	assert_int_equal(ecert_statuslist_size(got), ecert_statuslist_size(sl));
	for (uint64_t i = 0; i < 16; i++) {
		assert_int_equal(ecert_statuslist_get(got, i, &v, &err), ECERT_OK);
		assert_int_equal(v, i == 5);
	}
	assert_int_equal(ecert_statuslist_get(got, 199999, &v, &err), ECERT_OK);
	assert_int_equal(v, 1);

	/* a certificate's entry, checked against the decoded list */
	assert_int_equal(ecert_statuslist_entry(id, 5, &entry, &err), ECERT_OK);
	assert_string_equal(cJSON_GetObjectItem(entry, "type")->valuestring,
	                    "BitstringStatusListEntry");
	assert_string_equal(cJSON_GetObjectItem(entry, "statusPurpose")->valuestring, "revocation");
	assert_string_equal(cJSON_GetObjectItem(entry, "statusListIndex")->valuestring, "5");
	assert_string_equal(cJSON_GetObjectItem(entry, "statusListCredential")->valuestring,
	                    LIST_ID);
	assert_int_equal(cJSON_GetArraySize(entry), 4);
	v = -1;
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_OK);
	assert_int_equal(v, 1);
	cJSON_Delete(entry);
	assert_int_equal(ecert_statuslist_entry(id, 6, &entry, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_OK);
	assert_int_equal(v, 0);

	/* entry checks */
	cJSON_ReplaceItemInObject(entry, "statusListIndex", cJSON_CreateString("06"));
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_ERR_STATUS);
	assert_string_equal(err.where, "credentialStatus.statusListIndex");
	cJSON_ReplaceItemInObject(entry, "statusListIndex", cJSON_CreateNumber(6));
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_ERR_STATUS);
	cJSON_ReplaceItemInObject(entry, "statusListIndex", cJSON_CreateString("200000"));
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_ERR_STATUS);
	cJSON_ReplaceItemInObject(entry, "statusListIndex", cJSON_CreateString("-1"));
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_ERR_STATUS);
	cJSON_ReplaceItemInObject(entry, "statusListIndex", cJSON_CreateString("0"));
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_OK);
	cJSON_AddNumberToObject(entry, "statusSize", 2);
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_ERR_STATUS);
	cJSON_DeleteItemFromObject(entry, "statusSize");
	cJSON_ReplaceItemInObject(entry, "statusListCredential",
	                          cJSON_CreateString("urn:ecert:status:" USCC ":XXXXXXXXXXX"));
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_ERR_STATUS);
	assert_string_equal(err.where, "credentialStatus.statusListCredential");
	cJSON_ReplaceItemInObject(entry, "statusListCredential", cJSON_CreateString(LIST_ID));
	cJSON_ReplaceItemInObject(entry, "statusPurpose", cJSON_CreateString("suspension"));
	assert_int_equal(ecert_statuslist_check(got, entry, &v, &err), ECERT_ERR_STATUS);
	cJSON_Delete(entry);
	assert_int_equal(ecert_statuslist_entry(id, ECERT_STATUSLIST_MAX_BITS, &entry, &err),
	                 ECERT_ERR_ARG);

	cJSON_Delete(back);
	cJSON_Delete(vc);
	ecert_statuslist_free(got);
	ecert_statuslist_free(sl);
}

/* A credential around a given encodedList. */
static cJSON *credential(const char *encoded, const char *purpose)
{
	cJSON *vc = cJSON_CreateObject(), *type, *subject;

	assert_non_null(vc);
	cJSON_AddStringToObject(vc, "id", LIST_ID);
	type = cJSON_AddArrayToObject(vc, "type");
	cJSON_AddItemToArray(type, cJSON_CreateString("VerifiableCredential"));
	cJSON_AddItemToArray(type, cJSON_CreateString("BitstringStatusListCredential"));
	subject = cJSON_AddObjectToObject(vc, "credentialSubject");
	cJSON_AddStringToObject(subject, "type", "BitstringStatusList");
	cJSON_AddStringToObject(subject, "statusPurpose", purpose);
	cJSON_AddStringToObject(subject, "encodedList", encoded);
	return vc;
}

static void test_minimum_size(void **state)
{
	struct ecert_buf enc = ECERT_BUF_INIT;
	struct ecert_statuslist *sl = NULL;
	struct ecert_error err;
	int v;

	(void)state;
	ecert_error_clear(&err);
	/* one byte short of 16 KB: refused */
	gzip_encoded(ECERT_STATUSLIST_MIN_BITS / 8 - 1, pattern, NULL, 0, 16 + MAX_WBITS, &enc);
	assert_int_equal(ecert_statuslist_decode_list((const char *)enc.data, enc.len, &sl, &err),
	                 ECERT_ERR_STATUS);
	assert_null(sl);
	assert_non_null(strstr(err.msg, "fewer than"));
	ecert_buf_free(&enc);
	/* exactly 16 KB of someone else's bits: accepted, and read MSB first */
	gzip_encoded(ECERT_STATUSLIST_MIN_BITS / 8, pattern, NULL, 0, 16 + MAX_WBITS, &enc);
	assert_int_equal(ecert_statuslist_decode_list((const char *)enc.data, enc.len, &sl, &err),
	                 ECERT_OK);
	assert_int_equal(ecert_statuslist_size(sl), ECERT_STATUSLIST_MIN_BITS);
	for (uint64_t i = 0; i < 64; i++) {
		assert_int_equal(ecert_statuslist_get(sl, i, &v, &err), ECERT_OK);
		assert_int_equal(v, (pattern(i / 8) >> (7 - i % 8)) & 1);
	}
	ecert_statuslist_free(sl);
	ecert_buf_free(&enc);
}

static void test_gzip_bomb(void **state)
{
	struct ecert_buf enc = ECERT_BUF_INIT;
	struct ecert_statuslist *sl = NULL;
	struct ecert_error err;
	cJSON *vc;

	(void)state;
	ecert_error_clear(&err);
	/* 16 MiB + 1 zero bytes compress to a few KB */
	gzip_encoded(ECERT_STATUSLIST_MAX_BYTES + 1, zero, NULL, 0, 16 + MAX_WBITS, &enc);
	assert_true(enc.len < 64 * 1024);
	vc = credential((const char *)enc.data, "revocation");
	assert_int_equal(ecert_statuslist_decode(vc, &sl, &err), ECERT_ERR_STATUS);
	assert_null(sl);
	assert_string_equal(err.where, "credentialSubject.encodedList");
	assert_non_null(strstr(err.msg, "inflates past"));
	cJSON_Delete(vc);
	ecert_buf_free(&enc);

	/* exactly the bound is fine */
	gzip_encoded(ECERT_STATUSLIST_MAX_BYTES, zero, NULL, 0, 16 + MAX_WBITS, &enc);
	assert_int_equal(ecert_statuslist_decode_list((const char *)enc.data, enc.len, &sl, &err),
	                 ECERT_OK);
	assert_int_equal(ecert_statuslist_size(sl), ECERT_STATUSLIST_MAX_BITS);
	ecert_statuslist_free(sl);
	ecert_buf_free(&enc);
}

static void test_bad_encodings(void **state)
{
	struct ecert_buf enc = ECERT_BUF_INIT, b58 = ECERT_BUF_INIT;
	struct ecert_statuslist *sl = NULL;
	struct ecert_error err;
	const uint8_t junk[3] = {1, 2, 3};
	char *text;

	(void)state;
	ecert_error_clear(&err);
	gzip_encoded(ECERT_STATUSLIST_MIN_BITS / 8, zero, NULL, 0, 16 + MAX_WBITS, &enc);

	/* bad multibase prefix: 'z' (base58btc), 'U', none */
	text = ecert_strdup((const char *)enc.data);
	assert_non_null(text);
	text[0] = 'z';
	assert_int_equal(ecert_statuslist_decode_list(text, strlen(text), &sl, &err),
	                 ECERT_ERR_ENCODING);
	text[0] = 'U';
	assert_int_equal(ecert_statuslist_decode_list(text, strlen(text), &sl, &err),
	                 ECERT_ERR_ENCODING);
	assert_int_equal(ecert_statuslist_decode_list(text + 1, strlen(text) - 1, &sl, &err),
	                 ECERT_ERR_ENCODING);
	assert_int_equal(ecert_statuslist_decode_list("", 0, &sl, &err), ECERT_ERR_ENCODING);
	/* a character outside base64url */
	text[0] = 'u';
	text[5] = '+';
	assert_int_equal(ecert_statuslist_decode_list(text, strlen(text), &sl, &err),
	                 ECERT_ERR_ENCODING);
	ecert_free(text);
	/* the same bits, multibase base58btc instead of base64url */
	assert_int_equal(ecert_multibase58_encode(junk, sizeof(junk), &b58), ECERT_OK);
	assert_int_equal(ecert_statuslist_decode_list((const char *)b58.data, b58.len, &sl, &err),
	                 ECERT_ERR_ENCODING);
	ecert_buf_free(&b58);
	ecert_buf_free(&enc);

	/* zlib (RFC 1950) instead of GZIP */
	gzip_encoded(ECERT_STATUSLIST_MIN_BITS / 8, zero, NULL, 0, MAX_WBITS, &enc);
	assert_int_equal(ecert_statuslist_decode_list((const char *)enc.data, enc.len, &sl, &err),
	                 ECERT_ERR_STATUS);
	ecert_buf_free(&enc);
	/* data after the GZIP member */
	gzip_encoded(ECERT_STATUSLIST_MIN_BITS / 8, zero, junk, sizeof(junk), 16 + MAX_WBITS, &enc);
	assert_int_equal(ecert_statuslist_decode_list((const char *)enc.data, enc.len, &sl, &err),
	                 ECERT_ERR_STATUS);
	assert_non_null(strstr(err.msg, "after"));
	ecert_buf_free(&enc);
	/* cut short: drop the last 8 base64url characters (the CRC and length) */
	gzip_encoded(ECERT_STATUSLIST_MIN_BITS / 8, zero, NULL, 0, 16 + MAX_WBITS, &enc);
	assert_int_equal(
	    ecert_statuslist_decode_list((const char *)enc.data, enc.len - 8, &sl, &err),
	    ECERT_ERR_STATUS);
	ecert_buf_free(&enc);
	/* not compressed at all */
	assert_int_equal(ecert_multibase64url_encode(junk, sizeof(junk), &enc), ECERT_OK);
	assert_int_equal(ecert_statuslist_decode_list((const char *)enc.data, enc.len, &sl, &err),
	                 ECERT_ERR_STATUS);
	ecert_buf_free(&enc);
	assert_null(sl);
}

static void test_credential_shape(void **state)
{
	struct ecert_buf enc = ECERT_BUF_INIT;
	struct ecert_statuslist *sl = NULL;
	struct ecert_error err;
	cJSON *vc, *subject, *purposes;

	(void)state;
	ecert_error_clear(&err);
	gzip_encoded(ECERT_STATUSLIST_MIN_BITS / 8, zero, NULL, 0, 16 + MAX_WBITS, &enc);

	/* wrong purpose */
	vc = credential((const char *)enc.data, "suspension");
	assert_int_equal(ecert_statuslist_decode(vc, &sl, &err), ECERT_ERR_STATUS);
	assert_string_equal(err.where, "credentialSubject.statusPurpose");
	/* several purposes, revocation among them: usable for revocation */
	subject = cJSON_GetObjectItem(vc, "credentialSubject");
	purposes = cJSON_CreateArray();
	cJSON_AddItemToArray(purposes, cJSON_CreateString("suspension"));
	cJSON_AddItemToArray(purposes, cJSON_CreateString("revocation"));
	cJSON_ReplaceItemInObject(subject, "statusPurpose", purposes);
	assert_int_equal(ecert_statuslist_decode(vc, &sl, &err), ECERT_OK);
	ecert_statuslist_free(sl);
	sl = NULL;
	/* subject type */
	cJSON_ReplaceItemInObject(subject, "type", cJSON_CreateString("StatusList2021"));
	assert_int_equal(ecert_statuslist_decode(vc, &sl, &err), ECERT_ERR_STATUS);
	assert_string_equal(err.where, "credentialSubject.type");
	cJSON_ReplaceItemInObject(subject, "type", cJSON_CreateString("BitstringStatusList"));
	/* encodedList missing */
	cJSON_DeleteItemFromObject(subject, "encodedList");
	assert_int_equal(ecert_statuslist_decode(vc, &sl, &err), ECERT_ERR_STATUS);
	assert_string_equal(err.where, "credentialSubject.encodedList");
	cJSON_Delete(vc);

	/* credential type */
	vc = credential((const char *)enc.data, "revocation");
	cJSON_ReplaceItemInObject(vc, "type", cJSON_CreateString("VerifiableCredential"));
	assert_int_equal(ecert_statuslist_decode(vc, &sl, &err), ECERT_ERR_STATUS);
	assert_string_equal(err.where, "type");
	cJSON_Delete(vc);
	/* no id */
	vc = credential((const char *)enc.data, "revocation");
	cJSON_DeleteItemFromObject(vc, "id");
	assert_int_equal(ecert_statuslist_decode(vc, &sl, &err), ECERT_ERR_STATUS);
	assert_string_equal(err.where, "id");
	cJSON_Delete(vc);
	assert_int_equal(ecert_statuslist_decode(NULL, &sl, &err), ECERT_ERR_STATUS);
	assert_null(sl);
	ecert_buf_free(&enc);
}

static void test_ids(void **state)
{
	char id[ECERT_STATUSLIST_ID_MAX + 1], uscc[ECERT_STATUSLIST_USCC_LEN + 1];
	char kid[ECERT_KID_LEN + 1];
	struct ecert_error err;

	(void)state;
	ecert_error_clear(&err);
	assert_int_equal(ecert_statuslist_make_id(USCC, KID, id, &err), ECERT_OK);
	assert_string_equal(id, LIST_ID);
	assert_int_equal(ecert_statuslist_parse_id(id, uscc, kid, &err), ECERT_OK);
	assert_string_equal(uscc, USCC);
	assert_string_equal(kid, KID);
	/* 'I' and 'O' are not in the USCC alphabet; lower case neither; 17 characters */
	assert_int_equal(ecert_statuslist_make_id("91220101MA17XY2K3I", KID, id, &err),
	                 ECERT_ERR_ARG);
	assert_int_equal(ecert_statuslist_make_id("91220101ma17xy2k3b", KID, id, &err),
	                 ECERT_ERR_ARG);
	assert_int_equal(ecert_statuslist_make_id("91220101MA17XY2K3", KID, id, &err),
	                 ECERT_ERR_ARG);
	assert_int_equal(ecert_statuslist_make_id("urn:uscc:", KID, id, &err), ECERT_ERR_ARG);
	assert_int_equal(ecert_statuslist_make_id(USCC, "short", id, &err), ECERT_ERR_ARG);
	assert_int_equal(ecert_statuslist_make_id(USCC, "AbCdEfGh+/1", id, &err), ECERT_ERR_ARG);
	assert_int_equal(
	    ecert_statuslist_parse_id("urn:ecert:status:" USCC ":" KID "x", uscc, kid, &err),
	    ECERT_ERR_STATUS);
	assert_int_equal(ecert_statuslist_parse_id("https://example.com/status/3", uscc, kid, &err),
	                 ECERT_ERR_STATUS);
	assert_int_equal(
	    ecert_statuslist_parse_id("urn:ecert:status:" USCC "-" KID, uscc, kid, &err),
	    ECERT_ERR_STATUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bits),          cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_minimum_size),  cmocka_unit_test(test_gzip_bomb),
	    cmocka_unit_test(test_bad_encodings), cmocka_unit_test(test_credential_shape),
	    cmocka_unit_test(test_ids),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
