/* ecert — the QR payload (DESIGN §5): "EC1:" + base45(zlib(JCS bytes)) with the preset
 * dictionary schemas/qr/dict-v1. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "ecert/alloc.h"
#include "ecert/encoding.h"
#include "ecert/jcs.h"
#include "ecert/qrpayload.h"

/* Generated from schemas/qr/dict-v1 by core/CMakeLists.txt (ecert_embed). */
extern const unsigned char ecert_data_qr_dict_v1[];
extern const size_t ecert_data_qr_dict_v1_len;

/* RFC 1950 with the largest window (the dictionary plus a whole document fit in it) and
 * the best compression; memLevel only changes the encoder's hash table, not the format. */
#define QR_ZLIB_LEVEL 9
#define QR_ZLIB_WINDOW_BITS 15
#define QR_ZLIB_MEM_LEVEL 9
/* Base45 turns 2 bytes into 3 characters: the longest text carries this many bytes. */
#define QR_ZDATA_MAX (ECERT_QR_TEXT_MAX / 3 * 2 + 1)
/* RFC 1950 §2.2: CMF and FLG, then (FDICT) the 4-byte DICTID; after the deflate data the
 * 4-byte ADLER32 of the uncompressed data. Both numbers are big-endian. */
#define QR_ZLIB_HEADER_LEN 2u
#define QR_ZLIB_DICTID_LEN 4u
#define QR_ZLIB_ADLER_LEN 4u
#define QR_ZLIB_FCHECK_MOD 31u
#define QR_ZLIB_FDICT 0x20u
#define QR_ZLIB_CM_MASK 0x0fu
#define QR_ZLIB_CINFO_SHIFT 4u

const unsigned char *ecert_qr_dictionary(size_t *len)
{
	if (len)
		*len = ecert_data_qr_dict_v1_len;
	return ecert_data_qr_dict_v1;
}

static pthread_once_t dict_id_once = PTHREAD_ONCE_INIT;
static uLong dict_id;

static void dictionary_id_init(void)
{
	dict_id = adler32(adler32(0L, Z_NULL, 0), ecert_data_qr_dict_v1,
	                  (uInt)ecert_data_qr_dict_v1_len);
}

/* The adler32 of dict-v1 (RFC 1950 DICTID), computed once: every decode compares it. */
static uLong dictionary_id(void)
{
	pthread_once(&dict_id_once, dictionary_id_init);
	return dict_id;
}

/* zlib allocates through ecert_malloc, so fault injection and accounting see it. */
static voidpf qr_zalloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	if (size && items > SIZE_MAX / size)
		return Z_NULL;
	return ecert_malloc((size_t)items * size);
}

static void qr_zfree(voidpf opaque, voidpf p)
{
	(void)opaque;
	ecert_free(p);
}

/* Decoding keeps one raw inflater per thread: inflateInit2 would allocate zlib's state and
 * a 32 KiB window on every decode, inflateReset keeps both. With the dictionary already
 * checked by its DICTID, raw deflate (negative windowBits) also spares inflateSetDictionary
 * the adler32 of all of dict-v1 that it computes on a zlib stream; the stream's own header
 * and ADLER32 are checked here instead. `doc` takes the document: one byte more than the
 * bound, so that a payload inflating past it is caught without allocating more. */
struct qr_inflater {
	z_stream zs;
	unsigned char doc[ECERT_QR_DOC_MAX + 1];
};

static pthread_key_t inflater_key;
static pthread_once_t inflater_once = PTHREAD_ONCE_INIT;
static int inflater_keyed;

static void inflater_free(void *p)
{
	struct qr_inflater *q = p;

	if (!q)
		return;
	inflateEnd(&q->zs);
	ecert_free(q);
}

/* The main thread's inflater at exit (other threads' end with them, through the key). */
static void inflater_free_main(void)
{
	void *q = pthread_getspecific(inflater_key);

	(void)pthread_setspecific(inflater_key, NULL);
	inflater_free(q);
}

static void inflater_key_init(void)
{
	if (pthread_key_create(&inflater_key, inflater_free) != 0)
		return;
	(void)atexit(inflater_free_main);
	inflater_keyed = 1;
}

/* This thread's inflater, reset, with dict-v1 set. Made on first use and kept under the
 * key; *owned says the caller has to free it (only when there is no key to keep it). */
static int inflater_get(struct qr_inflater **out, int *owned, struct ecert_error *err)
{
	struct qr_inflater *q = NULL;
	int zrc;

	pthread_once(&inflater_once, inflater_key_init);
	*owned = 0;
	if (inflater_keyed)
		q = pthread_getspecific(inflater_key);
	if (q) {
		zrc = inflateReset(&q->zs);
		if (zrc != Z_OK)
			return ecert_fail(err, ECERT_ERR_QR_INFLATE, "inflateReset failed (%d)",
			                  zrc);
	} else {
		q = ecert_malloc(sizeof(*q));
		if (!q)
			return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		memset(&q->zs, 0, sizeof(q->zs));
		q->zs.zalloc = qr_zalloc;
		q->zs.zfree = qr_zfree;
		zrc = inflateInit2(&q->zs, -QR_ZLIB_WINDOW_BITS);
		if (zrc != Z_OK) {
			ecert_free(q);
			return ecert_fail(
			    err, zrc == Z_MEM_ERROR ? ECERT_ERR_NOMEM : ECERT_ERR_QR_INFLATE,
			    "inflateInit2 failed (%d)", zrc);
		}
		*owned = !inflater_keyed || pthread_setspecific(inflater_key, q) != 0;
	}
	/* Raw inflate copies the dictionary into the window and checks nothing. */
	zrc = inflateSetDictionary(&q->zs, ecert_data_qr_dict_v1, (uInt)ecert_data_qr_dict_v1_len);
	if (zrc != Z_OK) {
		if (*owned)
			inflater_free(q);
		return ecert_fail(err, zrc == Z_MEM_ERROR ? ECERT_ERR_NOMEM : ECERT_ERR_QR_INFLATE,
		                  "inflateSetDictionary failed (%d)", zrc);
	}
	*out = q;
	return ECERT_OK;
}

static uLong be32(const unsigned char *p)
{
	return (uLong)p[0] << 24 | (uLong)p[1] << 16 | (uLong)p[2] << 8 | (uLong)p[3];
}

/* RFC 1950 §2.2 CMF and FLG as zlib's inflate checks them for a 32 KiB window: the
 * FCHECK multiple of 31, CM 8 (deflate), CINFO at most 7; and here FDICT must be set.
 * (FLEVEL is informative.) */
static int zlib_header_with_dict(const unsigned char *h)
{
	unsigned cmf = h[0], flg = h[1];

	return (cmf * 256u + flg) % QR_ZLIB_FCHECK_MOD == 0 &&
	       (cmf & QR_ZLIB_CM_MASK) == Z_DEFLATED &&
	       (cmf >> QR_ZLIB_CINFO_SHIFT) + 8u <= QR_ZLIB_WINDOW_BITS && (flg & QR_ZLIB_FDICT);
}

int ecert_qr_encode_bytes(const unsigned char *json, size_t len, int use_dict,
                          struct ecert_buf *out, struct ecert_error *err)
{
	struct ecert_buf z = ECERT_BUF_INIT;
	z_stream zs;
	int zinit = 0, zrc, rc = ECERT_ERR_NOMEM;
	size_t len0 = out->len;
	uLong bound;

	if (len > ECERT_QR_DOC_MAX)
		return ecert_fail(err, ECERT_ERR_QR_SIZE,
		                  "document is %zu bytes, more than the %zu a QR payload carries",
		                  len, ECERT_QR_DOC_MAX);
	memset(&zs, 0, sizeof(zs));
	zs.zalloc = qr_zalloc;
	zs.zfree = qr_zfree;
	zrc = deflateInit2(&zs, QR_ZLIB_LEVEL, Z_DEFLATED, QR_ZLIB_WINDOW_BITS, QR_ZLIB_MEM_LEVEL,
	                   Z_DEFAULT_STRATEGY);
	if (zrc != Z_OK) {
		rc = ecert_fail(err, zrc == Z_MEM_ERROR ? ECERT_ERR_NOMEM : ECERT_ERR_ARG,
		                "deflateInit2 failed (%d)", zrc);
		goto out;
	}
	zinit = 1;
	if (use_dict) {
		zrc = deflateSetDictionary(&zs, ecert_data_qr_dict_v1,
		                           (uInt)ecert_data_qr_dict_v1_len);
		if (zrc != Z_OK) {
			rc =
			    ecert_fail(err, ECERT_ERR_ARG, "deflateSetDictionary failed (%d)", zrc);
			goto out;
		}
	}
	/* After the dictionary is set, so that the bound counts its 4-byte id. */
	bound = deflateBound(&zs, (uLong)len);
	if (ecert_buf_reserve(&z, (size_t)bound) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	zs.next_in = json;
	zs.avail_in = (uInt)len;
	zs.next_out = z.data;
	zs.avail_out = (uInt)bound;
	zrc = deflate(&zs, Z_FINISH);
	if (zrc != Z_STREAM_END) {
		rc = ecert_fail(err, zrc == Z_MEM_ERROR ? ECERT_ERR_NOMEM : ECERT_ERR_ARG,
		                "deflate did not finish (%d)", zrc);
		goto out;
	}
	z.len = (size_t)zs.total_out;
	if (ecert_buf_puts(out, ECERT_QR_PREFIX) != ECERT_OK ||
	    ecert_base45_encode(z.data, z.len, out) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (out->len - len0 > ECERT_QR_TEXT_MAX) {
		rc =
		    ecert_fail(err, ECERT_ERR_QR_SIZE,
		               "QR text would be %zu characters, more than the %zu a QR code holds",
		               out->len - len0, ECERT_QR_TEXT_MAX);
		goto out;
	}
	rc = ECERT_OK;
out:
	if (rc != ECERT_OK && !out->oom && out->data && out->len > len0) {
		out->len = len0;
		out->data[len0] = '\0';
	}
	if (zinit)
		deflateEnd(&zs);
	ecert_buf_free(&z);
	return rc;
}

/* Trailing CR, LF and space are what scanners and copy/paste add. None can end a real
 * payload: base45's last character is at most 'W' (a triple's high digit is <= 32) or
 * '5' (an odd byte's high digit is <= 5), and space is digit 36. */
static int scanner_noise(char c)
{
	return c == '\r' || c == '\n' || c == ' ';
}

int ecert_qr_decode(const char *text, size_t len, struct ecert_buf *out, struct ecert_error *err)
{
	static const size_t plen = sizeof(ECERT_QR_PREFIX) - 1;
	static const size_t zhead = QR_ZLIB_HEADER_LEN + QR_ZLIB_DICTID_LEN;
	struct ecert_buf z = ECERT_BUF_INIT;
	struct ecert_error e45;
	struct qr_inflater *q = NULL;
	int owned = 0, zrc, rc = ECERT_ERR_QR_INFLATE;
	uLong want, got;
	size_t n;

	while (len > 0 && scanner_noise(text[len - 1]))
		len--;
	if (len > ECERT_QR_TEXT_MAX)
		return ecert_fail(err, ECERT_ERR_QR_SIZE,
		                  "QR text is %zu characters, more than the %zu allowed", len,
		                  ECERT_QR_TEXT_MAX);
	if (len < plen || memcmp(text, ECERT_QR_PREFIX, plen) != 0)
		return ecert_fail(err, ECERT_ERR_QR_PREFIX, "QR text does not start with \"%s\"",
		                  ECERT_QR_PREFIX);

	z.max = QR_ZDATA_MAX;
	ecert_error_clear(&e45);
	rc = ecert_base45_decode(text + plen, len - plen, &z, &e45);
	if (rc != ECERT_OK) {
		rc = ecert_fail(err, rc, "QR text after \"%s\": %s", ECERT_QR_PREFIX, e45.msg);
		goto out;
	}

	/* RFC 1950 §2.2: FDICT must be set and DICTID must be the adler32 of dict-v1. */
	if (z.len < zhead || !zlib_header_with_dict(z.data)) {
		rc = ecert_fail(err, ECERT_ERR_QR_INFLATE,
		                "payload is not a zlib stream compressed with the %s dictionary",
		                ECERT_QR_PREFIX);
		goto out;
	}
	got = be32(z.data + QR_ZLIB_HEADER_LEN);
	want = dictionary_id();
	if (got != want) {
		rc =
		    ecert_fail(err, ECERT_ERR_QR_INFLATE,
		               "payload was compressed with another dictionary (id %08lx, expected "
		               "%08lx)",
		               (unsigned long)got, (unsigned long)want);
		goto out;
	}
	rc = inflater_get(&q, &owned, err);
	if (rc != ECERT_OK)
		goto out;

	/* All the input and room for one byte past the bound: one call inflates the whole
	 * stream, stops at that byte (a zip bomb costs no more memory than a certificate),
	 * or stops where the input runs out (truncated) or at the first error. */
	q->zs.next_in = z.data + zhead;
	q->zs.avail_in = (uInt)(z.len - zhead);
	q->zs.next_out = q->doc;
	q->zs.avail_out = (uInt)sizeof(q->doc);
	zrc = inflate(&q->zs, Z_FINISH);
	n = sizeof(q->doc) - q->zs.avail_out;
	if (n > ECERT_QR_DOC_MAX) {
		rc = ecert_fail(err, ECERT_ERR_QR_SIZE,
		                "payload inflates past the %zu-byte document bound",
		                ECERT_QR_DOC_MAX);
		goto out;
	}
	if (zrc == Z_MEM_ERROR) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (zrc != Z_STREAM_END && zrc != Z_OK && zrc != Z_BUF_ERROR) {
		rc = ecert_fail(err, ECERT_ERR_QR_INFLATE, "corrupt compressed payload: %s",
		                q->zs.msg ? q->zs.msg : "inflate error");
		goto out;
	}
	/* Raw inflate ends at the last deflate block; the ADLER32 follows, byte-aligned. */
	if (zrc != Z_STREAM_END || q->zs.avail_in < QR_ZLIB_ADLER_LEN) {
		rc = ecert_fail(err, ECERT_ERR_QR_INFLATE, "compressed payload is truncated");
		goto out;
	}
	if (be32(q->zs.next_in) != adler32(adler32(0L, Z_NULL, 0), q->doc, (uInt)n)) {
		/* zlib's own words for it, as when it checked the stream itself */
		rc = ecert_fail(err, ECERT_ERR_QR_INFLATE,
		                "corrupt compressed payload: incorrect data check");
		goto out;
	}
	if (q->zs.avail_in > QR_ZLIB_ADLER_LEN) {
		rc = ecert_fail(err, ECERT_ERR_QR_TRAILING,
		                "%u bytes after the end of the compressed stream",
		                (unsigned)(q->zs.avail_in - QR_ZLIB_ADLER_LEN));
		goto out;
	}
	if (ecert_buf_append(out, q->doc, n) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ECERT_OK;
out:
	if (owned)
		inflater_free(q);
	ecert_buf_free(&z);
	return rc;
}

int ecert_qr_encode(const cJSON *doc, struct ecert_buf *out, struct ecert_error *err)
{
	struct ecert_buf jcs = ECERT_BUF_INIT;
	int rc;

	/* Bounded by the parser's document bound; ecert_qr_encode_bytes applies the QR one. */
	rc = ecert_jcs_serialize(doc, &jcs, err);
	if (rc == ECERT_OK)
		rc = ecert_qr_encode_bytes(jcs.data, jcs.len, 1, out, err);
	ecert_buf_free(&jcs);
	return rc;
}
