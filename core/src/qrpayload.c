/* ecert — the QR payload (DESIGN §5): "EC1:" + base45(zlib(JCS bytes)) with the preset
 * dictionary schemas/qr/dict-v1. */
#include <pthread.h>
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
	struct ecert_buf z = ECERT_BUF_INIT;
	struct ecert_error e45;
	z_stream zs;
	unsigned char probe;
	unsigned char *doc;
	int zinit = 0, zrc, rc = ECERT_ERR_QR_INFLATE, probing = 0;
	uLong want, before_in, before_out;

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

	/* The document is inflated into a fixed region of ECERT_QR_DOC_MAX bytes at the end
	 * of `out`; one more output byte (into `probe`) means the bound is passed, and
	 * decoding stops there: a zip bomb costs no more memory than a certificate. */
	if (ecert_buf_reserve(out, ECERT_QR_DOC_MAX) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	doc = out->data + out->len;
	memset(&zs, 0, sizeof(zs));
	zs.zalloc = qr_zalloc;
	zs.zfree = qr_zfree;
	zs.next_in = z.data;
	zs.avail_in = (uInt)z.len;
	zrc = inflateInit2(&zs, QR_ZLIB_WINDOW_BITS);
	if (zrc != Z_OK) {
		rc = ecert_fail(err, zrc == Z_MEM_ERROR ? ECERT_ERR_NOMEM : ECERT_ERR_QR_INFLATE,
		                "inflateInit2 failed (%d)", zrc);
		goto out;
	}
	zinit = 1;
	zs.next_out = doc;
	zs.avail_out = (uInt)ECERT_QR_DOC_MAX;

	/* RFC 1950 §2.2: FDICT must be set and DICTID must be the adler32 of dict-v1; the
	 * header is all inflate reads before it asks for the dictionary. */
	zrc = inflate(&zs, Z_NO_FLUSH);
	if (zrc != Z_NEED_DICT) {
		rc = ecert_fail(err, zrc == Z_MEM_ERROR ? ECERT_ERR_NOMEM : ECERT_ERR_QR_INFLATE,
		                "payload is not a zlib stream compressed with the %s dictionary",
		                ECERT_QR_PREFIX);
		goto out;
	}
	want = dictionary_id();
	if (zs.adler != want) {
		rc =
		    ecert_fail(err, ECERT_ERR_QR_INFLATE,
		               "payload was compressed with another dictionary (id %08lx, expected "
		               "%08lx)",
		               (unsigned long)zs.adler, (unsigned long)want);
		goto out;
	}
	zrc = inflateSetDictionary(&zs, ecert_data_qr_dict_v1, (uInt)ecert_data_qr_dict_v1_len);
	if (zrc != Z_OK) {
		rc = ecert_fail(err, zrc == Z_MEM_ERROR ? ECERT_ERR_NOMEM : ECERT_ERR_QR_INFLATE,
		                "inflateSetDictionary failed (%d)", zrc);
		goto out;
	}

	for (;;) {
		before_in = zs.total_in;
		before_out = zs.total_out;
		zrc = inflate(&zs, Z_NO_FLUSH);
		if (probing && zs.avail_out == 0) {
			rc = ecert_fail(err, ECERT_ERR_QR_SIZE,
			                "payload inflates past the %zu-byte document bound",
			                ECERT_QR_DOC_MAX);
			goto out;
		}
		if (zrc == Z_STREAM_END)
			break;
		if (zrc == Z_MEM_ERROR) {
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			rc = ecert_fail(err, ECERT_ERR_QR_INFLATE, "corrupt compressed payload: %s",
			                zs.msg ? zs.msg : "inflate error");
			goto out;
		}
		if (zs.avail_out == 0 && !probing) {
			zs.next_out = &probe;
			zs.avail_out = 1;
			probing = 1;
			continue;
		}
		if (zs.avail_in == 0 || (zs.total_in == before_in && zs.total_out == before_out)) {
			rc = ecert_fail(err, ECERT_ERR_QR_INFLATE,
			                "compressed payload is truncated");
			goto out;
		}
	}
	if (zs.avail_in != 0) {
		rc = ecert_fail(err, ECERT_ERR_QR_TRAILING,
		                "%u bytes after the end of the compressed stream",
		                (unsigned)zs.avail_in);
		goto out;
	}
	out->len += (size_t)zs.total_out;
	out->data[out->len] = '\0';
	rc = ECERT_OK;
out:
	if (rc != ECERT_OK && out->data && !out->oom)
		memset(out->data + out->len, 0, out->cap - out->len);
	if (zinit)
		inflateEnd(&zs);
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
