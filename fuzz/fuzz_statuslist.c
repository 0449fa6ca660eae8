/* fuzz_statuslist: decoding Bitstring Status Lists (statuslist.h, DESIGN §4).
 *
 * Each input is used three ways:
 *   1. as an encodedList text (ecert_statuslist_decode_list);
 *   2. as the GZIP data itself: 'u' + base64url(input) is decoded, so the fuzzer's bytes
 *      reach the bounded inflater directly;
 *   3. when it is strict JSON, as a status list credential (ecert_statuslist_decode), and
 *      its "credentialStatus" member, if any, is checked against the list it decoded to,
 *      or else against a fixed list (ecert_statuslist_check).
 *
 * Properties:
 *   - a rejection is ECERT_ERR_ENCODING or ECERT_ERR_STATUS with a message, and *out is
 *     left alone; never ECERT_ERR_NOMEM (no fault injection here);
 *   - bounded: a decoded list has ECERT_STATUSLIST_MIN_BITS .. ECERT_STATUSLIST_MAX_BITS
 *     bits, a whole number of bytes; the last bit can be read, the one after it is an
 *     ECERT_ERR_STATUS range error;
 *   - the bits are those of the GZIP member: an independent one-shot inflate in this
 *     target gives the same bytes, and the decoder accepts exactly when that inflate
 *     ends the stream with nothing left over, within the bound, and at least the minimum;
 *   - lists up to ROUND_TRIP_MAX_BITS survive ecert_statuslist_encode → decode_list
 *     with the same bits, and encoding again gives the same text (deterministic);
 *   - a decoded credential carries its "id", its type and purpose are the ones
 *     statuslist.h requires, and decoding its encodedList alone gives the same bits;
 *   - a credentialStatus that checks names the list's id, type BitstringStatusListEntry,
 *     purpose revocation, a canonical decimal index inside the list, and the result is
 *     that bit. */
#define ZLIB_CONST
#include <string.h>
#include <zlib.h>

#include "ecert/buf.h"
#include "ecert/encoding.h"
#include "ecert/json.h"
#include "ecert/statuslist.h"
#include "fuzz.h"

/* Round trips only for lists up to this size (encoding 16 MiB at level 9 for every input
 * would leave no time for fuzzing), every bit compared only up to FULL_COMPARE_MAX_BITS,
 * SAMPLE_BITS spread over a larger list. */
#define ROUND_TRIP_MAX_BITS (ECERT_STATUSLIST_MIN_BITS * 8)
#define FULL_COMPARE_MAX_BITS (ECERT_STATUSLIST_MIN_BITS * 2)
#define SAMPLE_BITS 4096
#define REF_CHUNK 16384
#define FIXED_LIST_ID "urn:ecert:status:11220000013544525W:hPT0MpLTF8A"
#define FIXED_REVOKED 5
#define JSON_MAX ((size_t)1 << 20)

static struct ecert_statuslist *fixed; /* for credentialStatus without a decoded list */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ecert_statuslist *sl = NULL;
	struct ecert_error err;
	cJSON *cred = NULL;

	(void)argc;
	(void)argv;
	if (ecert_init() != ECERT_OK)
		abort();
	ecert_error_clear(&err);
	if (ecert_statuslist_new(ECERT_STATUSLIST_MIN_BITS, &sl, &err) != ECERT_OK ||
	    ecert_statuslist_set(sl, FIXED_REVOKED, 1, &err) != ECERT_OK ||
	    ecert_statuslist_set(sl, ECERT_STATUSLIST_MIN_BITS - 1, 1, &err) != ECERT_OK ||
	    ecert_statuslist_build(sl, FIXED_LIST_ID, "urn:uscc:11220000013544525W", NULL,
	                           "2024-06-01T00:00:00+08:00", NULL, &cred, &err) != ECERT_OK ||
	    ecert_statuslist_decode(cred, &fixed, &err) != ECERT_OK) {
		fprintf(stderr, "fixed status list: %s: %s\n", err.where, err.msg);
		abort();
	}
	cJSON_Delete(cred);
	ecert_statuslist_free(sl);
	return 0;
}

/* Inflate one GZIP member into out, at most limit bytes (written apart from the library's
 * inflater, as the reference it is checked against). Returns 1 if the member ended
 * within the limit with no input left over, else 0. */
static int reference_gunzip(const uint8_t *in, size_t len, size_t limit, struct ecert_buf *out)
{
	uint8_t chunk[REF_CHUNK];
	z_stream zs;
	int zrc;

	memset(&zs, 0, sizeof(zs));
	FUZZ_CHECK(inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK, "inflateInit2");
	zs.next_in = in;
	zs.avail_in = (uInt)len;
	do {
		size_t produced;

		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zrc = inflate(&zs, Z_NO_FLUSH);
		produced = sizeof(chunk) - zs.avail_out;
		if (out->len + produced > limit) {
			zrc = Z_BUF_ERROR;
			break;
		}
		FUZZ_CHECK(ecert_buf_append(out, chunk, produced) == ECERT_OK, "out of memory");
	} while (zrc == Z_OK);
	inflateEnd(&zs);
	return zrc == Z_STREAM_END && zs.avail_in == 0;
}

static int bit_of(const struct ecert_buf *bytes, size_t i)
{
	return (bytes->data[i / 8] >> (7 - i % 8)) & 1;
}

/* The list's size bounds and its bits against `bytes` (all, or a sample). */
static void check_list(const struct ecert_statuslist *sl, const struct ecert_buf *bytes)
{
	size_t n = ecert_statuslist_size(sl), i, step;
	int bit = -1;

	FUZZ_CHECK(n >= ECERT_STATUSLIST_MIN_BITS && n <= ECERT_STATUSLIST_MAX_BITS && n % 8 == 0,
	           "decoded list of %zu bits", n);
	FUZZ_CHECK(ecert_statuslist_get(sl, n - 1, &bit, NULL) == ECERT_OK &&
	               (bit == 0 || bit == 1),
	           "the last bit cannot be read");
	FUZZ_CHECK(ecert_statuslist_get(sl, n, &bit, NULL) == ECERT_ERR_STATUS,
	           "bit %zu of a %zu-bit list is not a range error", n, n);
	if (!bytes)
		return;
	FUZZ_CHECK(bytes->len * 8 == n, "%zu bits decoded, the GZIP member holds %zu bytes", n,
	           bytes->len);
	step = n <= FULL_COMPARE_MAX_BITS ? 1 : n / SAMPLE_BITS;
	for (i = 0; i < n; i += step) {
		FUZZ_CHECK(ecert_statuslist_get(sl, i, &bit, NULL) == ECERT_OK, "bit %zu", i);
		FUZZ_CHECK(bit == bit_of(bytes, i), "bit %zu is %d, the GZIP data says %d", i, bit,
		           bit_of(bytes, i));
	}
}

static void check_round_trip(const struct ecert_statuslist *sl)
{
	struct ecert_buf text = ECERT_BUF_INIT, again = ECERT_BUF_INIT;
	struct ecert_statuslist *back = NULL;
	struct ecert_error err;
	int rc;

	if (ecert_statuslist_size(sl) > ROUND_TRIP_MAX_BITS)
		return;
	ecert_error_clear(&err);
	rc = ecert_statuslist_encode(sl, &text, &err);
	FUZZ_CHECK(rc == ECERT_OK, "encoding a decoded list: %s", ecert_errname(rc));
	rc = ecert_statuslist_decode_list((const char *)text.data, text.len, &back, &err);
	FUZZ_CHECK(rc == ECERT_OK, "own encoding refused: %s: %s", ecert_errname(rc), err.msg);
	FUZZ_CHECK(ecert_statuslist_size(back) == ecert_statuslist_size(sl),
	           "round trip changed the size: %zu, then %zu", ecert_statuslist_size(sl),
	           ecert_statuslist_size(back));
	for (size_t i = 0; i < ecert_statuslist_size(sl);
	     i += ecert_statuslist_size(sl) <= FULL_COMPARE_MAX_BITS
	              ? 1
	              : ecert_statuslist_size(sl) / SAMPLE_BITS) {
		int a = -1, b = -2;

		(void)ecert_statuslist_get(sl, i, &a, NULL);
		(void)ecert_statuslist_get(back, i, &b, NULL);
		FUZZ_CHECK(a == b, "round trip changed bit %zu", i);
	}
	rc = ecert_statuslist_encode(back, &again, &err);
	FUZZ_CHECK(rc == ECERT_OK && again.len == text.len &&
	               memcmp(again.data, text.data, text.len) == 0,
	           "encoding the same bits twice gives different texts");
	ecert_statuslist_free(back);
	ecert_buf_free(&text);
	ecert_buf_free(&again);
}

/* decode_list with the contract checked. gz: the GZIP bytes the text stands for, when
 * known (NULL: not base64url, then it must be refused before inflating). */
static struct ecert_statuslist *decode_list_checked(const char *text, size_t len,
                                                    const struct ecert_buf *gz)
{
	static char sentinel;
	struct ecert_statuslist *const untouched = (struct ecert_statuslist *)(void *)&sentinel;
	struct ecert_statuslist *sl = untouched;
	struct ecert_buf ref = ECERT_BUF_INIT;
	struct ecert_error err;
	int rc, inflates = 0;

	ecert_error_clear(&err);
	rc = ecert_statuslist_decode_list(text, len, &sl, &err);
	if (gz)
		inflates = reference_gunzip(gz->data, gz->len, ECERT_STATUSLIST_MAX_BYTES, &ref) &&
		           ref.len * 8 >= ECERT_STATUSLIST_MIN_BITS;
	if (rc != ECERT_OK) {
		FUZZ_CHECK((rc == ECERT_ERR_ENCODING || rc == ECERT_ERR_STATUS) && err.code == rc &&
		               err.msg[0] != '\0',
		           "decode_list rejected with %s, err.code %s, message \"%s\"",
		           ecert_errname(rc), ecert_errname(err.code), err.msg);
		FUZZ_CHECK(sl == untouched, "a rejection set *out");
		FUZZ_CHECK(!inflates || len > ECERT_STATUSLIST_ENCODED_MAX,
		           "refused (%s: %s), but the data is one GZIP member of %zu bytes",
		           ecert_errname(rc), err.msg, ref.len);
		ecert_buf_free(&ref);
		return NULL;
	}
	FUZZ_CHECK(sl && sl != untouched, "accepted, but no list");
	FUZZ_CHECK(gz, "accepted a text that is not 'u' + base64url");
	FUZZ_CHECK(inflates, "accepted what is not exactly one bounded GZIP member of at least "
	                     "the minimum size");
	check_list(sl, &ref);
	ecert_buf_free(&ref);
	return sl;
}

/* The GZIP bytes of an encodedList text, or 0 if it is not 'u' + base64url. */
static int gzip_of(const char *text, size_t len, struct ecert_buf *gz)
{
	return ecert_multibase64url_decode(text, len, gz, NULL) == ECERT_OK;
}

static void check_status_entry(const struct ecert_statuslist *sl, const cJSON *cs)
{
	const char *idx = ecert_json_str(cs, "statusListIndex");
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(cs, "statusSize");
	struct ecert_error err;
	unsigned long long index = 0;
	int revoked = -1, bit = -1, rc;
	size_t n = 0;

	ecert_error_clear(&err);
	rc = ecert_statuslist_check(sl, cs, &revoked, &err);
	if (rc != ECERT_OK) {
		FUZZ_CHECK(rc == ECERT_ERR_STATUS && err.code == rc && err.msg[0] != '\0',
		           "check rejected with %s (%s)", ecert_errname(rc), err.msg);
		FUZZ_CHECK(revoked == -1, "a rejection set *revoked");
		return;
	}
	FUZZ_CHECK(ecert_json_str(cs, "type") &&
	               strcmp(ecert_json_str(cs, "type"), ECERT_STATUSLIST_ENTRY_TYPE) == 0 &&
	               ecert_json_str(cs, "statusPurpose") &&
	               strcmp(ecert_json_str(cs, "statusPurpose"), ECERT_STATUSLIST_PURPOSE) == 0,
	           "checked an entry of another type or purpose");
	FUZZ_CHECK(!size || (cJSON_IsNumber(size) && size->valuedouble == 1.0),
	           "checked an entry with statusSize other than 1");
	FUZZ_CHECK(
	    ecert_json_str(cs, "statusListCredential") && ecert_statuslist_id(sl) &&
	        strcmp(ecert_json_str(cs, "statusListCredential"), ecert_statuslist_id(sl)) == 0,
	    "checked against a list of another id");
	FUZZ_CHECK(idx && idx[0] >= '0' && idx[0] <= '9' && (idx[0] != '0' || idx[1] == '\0'),
	           "index \"%s\" is not canonical", idx ? idx : "(none)");
	while (idx[n]) {
		FUZZ_CHECK(idx[n] >= '0' && idx[n] <= '9' && n < ECERT_STATUSLIST_INDEX_DIGITS_MAX,
		           "index \"%s\" accepted", idx);
		index = index * 10 + (unsigned long long)(idx[n] - '0');
		n++;
	}
	FUZZ_CHECK(index < ecert_statuslist_size(sl), "index %llu of a %zu-bit list accepted",
	           index, ecert_statuslist_size(sl));
	(void)ecert_statuslist_get(sl, index, &bit, NULL);
	FUZZ_CHECK(revoked == bit, "index %llu: check says %d, the bit is %d", index, revoked, bit);
}

static void credential_mode(const cJSON *doc)
{
	static char sentinel;
	struct ecert_statuslist *const untouched = (struct ecert_statuslist *)(void *)&sentinel;
	struct ecert_statuslist *sl = untouched, *alone;
	const cJSON *subject = ecert_json_obj(doc, "credentialSubject"), *cs, *t;
	const char *enc = ecert_json_str(subject, "encodedList");
	struct ecert_buf gz = ECERT_BUF_INIT;
	struct ecert_error err;
	int rc, vc = 0, slc = 0;

	ecert_error_clear(&err);
	rc = ecert_statuslist_decode(doc, &sl, &err);
	if (rc != ECERT_OK) {
		FUZZ_CHECK((rc == ECERT_ERR_ENCODING || rc == ECERT_ERR_STATUS) && err.code == rc &&
		               err.msg[0] != '\0',
		           "decode rejected with %s, err.code %s, message \"%s\"",
		           ecert_errname(rc), ecert_errname(err.code), err.msg);
		FUZZ_CHECK(sl == untouched, "a rejection set *out");
		sl = NULL;
	} else {
		FUZZ_CHECK(ecert_statuslist_id(sl) && ecert_json_str(doc, "id") &&
		               strcmp(ecert_statuslist_id(sl), ecert_json_str(doc, "id")) == 0,
		           "the decoded list does not carry the credential's id");
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(doc, "type"))
		{
			vc |= cJSON_IsString(t) &&
			      strcmp(t->valuestring, "VerifiableCredential") == 0;
			slc |= cJSON_IsString(t) &&
			       strcmp(t->valuestring, ECERT_STATUSLIST_CREDENTIAL_TYPE) == 0;
		}
		FUZZ_CHECK(vc && slc, "decoded a credential of another type");
		FUZZ_CHECK(enc, "decoded without an encodedList");
		FUZZ_CHECK(gzip_of(enc, strlen(enc), &gz),
		           "decoded an encodedList that is not base64url");
		alone = decode_list_checked(enc, strlen(enc), &gz);
		FUZZ_CHECK(alone && ecert_statuslist_size(alone) == ecert_statuslist_size(sl),
		           "the encodedList alone decodes differently");
		ecert_statuslist_free(alone);
		check_list(sl, NULL);
	}
	cs = cJSON_GetObjectItemCaseSensitive(doc, "credentialStatus");
	if (cs)
		check_status_entry(sl ? sl : fixed, cs);
	ecert_statuslist_free(sl);
	ecert_buf_free(&gz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecert_json_limits lim = {JSON_MAX, 0};
	struct ecert_buf text = ECERT_BUF_INIT, gz = ECERT_BUF_INIT;
	struct ecert_statuslist *sl;
	cJSON *doc = NULL;

	/* 1. the input as encodedList text */
	sl = decode_list_checked((const char *)data, size,
	                         gzip_of((const char *)data, size, &gz) ? &gz : NULL);
	if (sl)
		check_round_trip(sl);
	ecert_statuslist_free(sl);

	/* 2. the input as the GZIP data */
	FUZZ_CHECK(ecert_multibase64url_encode(data, size, &text) == ECERT_OK,
	           "multibase encoding");
	ecert_buf_free(&gz);
	FUZZ_CHECK(gzip_of((const char *)text.data, text.len, &gz), "own base64url refused");
	sl = decode_list_checked((const char *)text.data, text.len, &gz);
	if (sl)
		check_round_trip(sl);
	ecert_statuslist_free(sl);

	/* 3. the input as a credential (and a credentialStatus in it) */
	if (ecert_json_parse((const char *)data, size, &lim, &doc, NULL) == ECERT_OK) {
		credential_mode(doc);
		cJSON_Delete(doc);
	}
	ecert_buf_free(&text);
	ecert_buf_free(&gz);
	return 0;
}
