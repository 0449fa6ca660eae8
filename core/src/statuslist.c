/* ecert — W3C Bitstring Status List v1.0: the bitstring, its GZIP/multibase encoding, the
 * status list credential and the certificate's entry. See ecert/statuslist.h. */
#define ZLIB_CONST
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "ecert/alloc.h"
#include "ecert/encoding.h"
#include "ecert/statuslist.h"

#define INFLATE_CHUNK ((size_t)64 << 10)
#define GZIP_WINDOW (16 + MAX_WBITS) /* zlib: a GZIP (RFC 1952) wrapper, 32 KiB window */
#define LIST_ID_FIELD_MAX 1024       /* a decoded list's id (any URL, not only ours) */
#define VC_CONTEXT_V2 "https://www.w3.org/ns/credentials/v2"
#define USCC_PREFIX ECERT_USCC_URN_PREFIX
#define USCC_ALPHABET "0123456789ABCDEFGHJKLMNPQRTUWXY" /* GB 32100: no I, O, S, V, Z */

struct ecert_statuslist {
	uint8_t *bits;
	size_t nbytes;
	char *id;
};

static int fail_at(struct ecert_error *err, const char *where, int code, const char *msg)
{
	ecert_error_where(err, "%s", where);
	return ecert_fail(err, code, "%s", msg);
}

static struct ecert_statuslist *list_alloc(size_t nbytes)
{
	struct ecert_statuslist *sl = ecert_calloc(1, sizeof(*sl));

	if (!sl)
		return NULL;
	sl->bits = ecert_calloc(nbytes, 1);
	if (!sl->bits) {
		ecert_free(sl);
		return NULL;
	}
	sl->nbytes = nbytes;
	return sl;
}

int ecert_statuslist_new(size_t nbits, struct ecert_statuslist **out, struct ecert_error *err)
{
	struct ecert_statuslist *sl;

	if (!out)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (nbits > ECERT_STATUSLIST_MAX_BITS)
		return ecert_fail(err, ECERT_ERR_ARG, "a status list holds at most %zu entries",
		                  ECERT_STATUSLIST_MAX_BITS);
	if (nbits < ECERT_STATUSLIST_MIN_BITS)
		nbits = ECERT_STATUSLIST_MIN_BITS;
	sl = list_alloc((nbits + 7) / 8);
	if (!sl)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	*out = sl;
	return ECERT_OK;
}

void ecert_statuslist_free(struct ecert_statuslist *sl)
{
	if (!sl)
		return;
	ecert_free(sl->bits);
	ecert_free(sl->id);
	ecert_free(sl);
}

size_t ecert_statuslist_size(const struct ecert_statuslist *sl)
{
	return sl ? sl->nbytes * 8 : 0;
}

const char *ecert_statuslist_id(const struct ecert_statuslist *sl)
{
	return sl ? sl->id : NULL;
}

/* Bit i is bit (7 - i % 8) of byte i / 8: index 0 is the most significant bit (§4.2). */
static uint8_t mask_of(uint64_t index)
{
	return (uint8_t)(0x80u >> (index % 8));
}

int ecert_statuslist_set(struct ecert_statuslist *sl, uint64_t index, int revoked,
                         struct ecert_error *err)
{
	if (!sl)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (index >= (uint64_t)sl->nbytes * 8)
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "status index %" PRIu64 " is beyond the list's %zu entries",
		                  index, sl->nbytes * 8);
	if (revoked)
		sl->bits[index / 8] |= mask_of(index);
	else
		sl->bits[index / 8] &= (uint8_t)~mask_of(index);
	return ECERT_OK;
}

int ecert_statuslist_get(const struct ecert_statuslist *sl, uint64_t index, int *revoked,
                         struct ecert_error *err)
{
	if (!sl || !revoked)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (index >= (uint64_t)sl->nbytes * 8)
		return ecert_fail(err, ECERT_ERR_STATUS,
		                  "status index %" PRIu64 " is beyond the list's %zu entries",
		                  index, sl->nbytes * 8);
	*revoked = (sl->bits[index / 8] & mask_of(index)) != 0;
	return ECERT_OK;
}

int ecert_statuslist_encode(const struct ecert_statuslist *sl, struct ecert_buf *out,
                            struct ecert_error *err)
{
	z_stream zs;
	uint8_t *gz = NULL;
	uLong bound;
	int rc = ECERT_ERR_NOMEM, zrc;

	if (!sl || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	memset(&zs, 0, sizeof(zs));
	/* gzip header from zlib: no name, mtime 0 — the same bits give the same text */
	if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, GZIP_WINDOW, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "cannot start GZIP compression");
	bound = deflateBound(&zs, (uLong)sl->nbytes);
	gz = ecert_malloc((size_t)bound);
	if (!gz) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	zs.next_in = sl->bits;
	zs.avail_in = (uInt)sl->nbytes; /* <= 16 MiB */
	zs.next_out = gz;
	zs.avail_out = (uInt)bound;
	zrc = deflate(&zs, Z_FINISH);
	if (zrc != Z_STREAM_END) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "GZIP compression failed (%d)", zrc);
		goto out;
	}
	if (ecert_multibase64url_encode(gz, (size_t)zs.total_out, out) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ECERT_OK;
out:
	deflateEnd(&zs);
	ecert_free(gz);
	return rc;
}

/* Inflate one GZIP member into out, refusing more than ECERT_STATUSLIST_MAX_BYTES while
 * going (a small input can claim gigabytes) and anything after the member. */
static int gunzip_bounded(const uint8_t *in, size_t len, struct ecert_buf *out,
                          struct ecert_error *err)
{
	z_stream zs;
	uint8_t *chunk;
	int rc, zrc;

	chunk = ecert_malloc(INFLATE_CHUNK);
	if (!chunk)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, GZIP_WINDOW) != Z_OK) {
		ecert_free(chunk);
		return ecert_fail(err, ECERT_ERR_NOMEM, "cannot start GZIP decompression");
	}
	zs.next_in = in;
	zs.avail_in = (uInt)len; /* len <= ECERT_STATUSLIST_GZIP_MAX */
	for (;;) {
		size_t produced;

		zs.next_out = chunk;
		zs.avail_out = (uInt)INFLATE_CHUNK;
		zrc = inflate(&zs, Z_NO_FLUSH);
		produced = INFLATE_CHUNK - zs.avail_out;
		if (out->len + produced > ECERT_STATUSLIST_MAX_BYTES) {
			rc = fail_at(err, "credentialSubject.encodedList", ECERT_ERR_STATUS,
			             "the bitstring inflates past the 16 MiB bound");
			goto out;
		}
		if (ecert_buf_append(out, chunk, produced) != ECERT_OK) {
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (zrc == Z_STREAM_END)
			break;
		if (zrc == Z_BUF_ERROR || (zrc == Z_OK && zs.avail_in == 0 && produced == 0)) {
			rc = fail_at(err, "credentialSubject.encodedList", ECERT_ERR_STATUS,
			             "the GZIP data is cut short");
			goto out;
		}
		if (zrc != Z_OK) {
			ecert_error_where(err, "credentialSubject.encodedList");
			rc =
			    ecert_fail(err, zrc == Z_MEM_ERROR ? ECERT_ERR_NOMEM : ECERT_ERR_STATUS,
			               "not valid GZIP data (%s)", zs.msg ? zs.msg : "corrupt");
			goto out;
		}
	}
	if (zs.avail_in != 0) {
		rc = fail_at(err, "credentialSubject.encodedList", ECERT_ERR_STATUS,
		             "data after the GZIP stream");
		goto out;
	}
	rc = ECERT_OK;
out:
	inflateEnd(&zs);
	ecert_free(chunk);
	return rc;
}

int ecert_statuslist_decode_list(const char *encoded, size_t len, struct ecert_statuslist **out,
                                 struct ecert_error *err)
{
	struct ecert_buf gz = ECERT_BUF_INIT, bits = ECERT_BUF_INIT;
	struct ecert_statuslist *sl;
	int rc;

	if (!encoded || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (len > ECERT_STATUSLIST_ENCODED_MAX)
		return fail_at(err, "credentialSubject.encodedList", ECERT_ERR_STATUS,
		               "encodedList is longer than any 16 MiB list could be");
	if (len == 0 || encoded[0] != 'u')
		return fail_at(err, "credentialSubject.encodedList", ECERT_ERR_ENCODING,
		               "encodedList must be multibase base64url (starting with 'u')");
	rc = ecert_multibase64url_decode(encoded, len, &gz, err);
	if (rc != ECERT_OK) {
		ecert_error_where(err, "credentialSubject.encodedList");
		goto out;
	}
	rc = gunzip_bounded(gz.data, gz.len, &bits, err);
	if (rc != ECERT_OK)
		goto out;
	if (bits.len * 8 < ECERT_STATUSLIST_MIN_BITS) {
		ecert_error_where(err, "credentialSubject.encodedList");
		rc = ecert_fail(err, ECERT_ERR_STATUS,
		                "the bitstring has %zu bits, fewer than the %zu the specification "
		                "requires",
		                bits.len * 8, ECERT_STATUSLIST_MIN_BITS);
		goto out;
	}
	sl = ecert_calloc(1, sizeof(*sl));
	if (!sl) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	sl->nbytes = bits.len;
	sl->bits = (uint8_t *)ecert_buf_take(&bits, NULL);
	*out = sl;
	rc = ECERT_OK;
out:
	ecert_buf_free(&gz);
	ecert_buf_free(&bits);
	return rc;
}

/* A string member equal to `want`, or an array of strings holding it. */
static int has_value(const cJSON *v, const char *want)
{
	const cJSON *e;

	if (cJSON_IsString(v))
		return strcmp(v->valuestring, want) == 0;
	if (!cJSON_IsArray(v))
		return 0;
	cJSON_ArrayForEach(e, v)
	{
		if (cJSON_IsString(e) && strcmp(e->valuestring, want) == 0)
			return 1;
	}
	return 0;
}

int ecert_statuslist_decode(const cJSON *credential, struct ecert_statuslist **out,
                            struct ecert_error *err)
{
	const cJSON *type, *id, *subject, *v;
	struct ecert_statuslist *sl = NULL;
	int rc;

	if (!out)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (!cJSON_IsObject(credential))
		return fail_at(err, "", ECERT_ERR_STATUS,
		               "a status list credential is a JSON object");
	type = cJSON_GetObjectItemCaseSensitive(credential, "type");
	if (!cJSON_IsArray(type) || !has_value(type, "VerifiableCredential") ||
	    !has_value(type, ECERT_STATUSLIST_CREDENTIAL_TYPE))
		return fail_at(err, "type", ECERT_ERR_STATUS,
		               "expected [\"VerifiableCredential\", "
		               "\"BitstringStatusListCredential\"]");
	id = cJSON_GetObjectItemCaseSensitive(credential, "id");
	if (!cJSON_IsString(id) || !id->valuestring[0] ||
	    strlen(id->valuestring) > LIST_ID_FIELD_MAX)
		return fail_at(
		    err, "id", ECERT_ERR_STATUS,
		    "a status list credential needs its id (what certificates point to)");
	subject = cJSON_GetObjectItemCaseSensitive(credential, "credentialSubject");
	if (!cJSON_IsObject(subject))
		return fail_at(err, "credentialSubject", ECERT_ERR_STATUS,
		               "expected one credentialSubject object");
	v = cJSON_GetObjectItemCaseSensitive(subject, "type");
	if (!has_value(v, ECERT_STATUSLIST_SUBJECT_TYPE))
		return fail_at(err, "credentialSubject.type", ECERT_ERR_STATUS,
		               "expected \"BitstringStatusList\"");
	v = cJSON_GetObjectItemCaseSensitive(subject, "statusPurpose");
	if (!has_value(v, ECERT_STATUSLIST_PURPOSE))
		return fail_at(err, "credentialSubject.statusPurpose", ECERT_ERR_STATUS,
		               "not a revocation list (statusPurpose must be \"revocation\")");
	v = cJSON_GetObjectItemCaseSensitive(subject, "encodedList");
	if (!cJSON_IsString(v))
		return fail_at(err, "credentialSubject.encodedList", ECERT_ERR_STATUS,
		               "encodedList missing or not a string");
	rc = ecert_statuslist_decode_list(v->valuestring, strlen(v->valuestring), &sl, err);
	if (rc != ECERT_OK)
		return rc;
	sl->id = ecert_strdup(id->valuestring);
	if (!sl->id) {
		ecert_statuslist_free(sl);
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
	*out = sl;
	return ECERT_OK;
}

int ecert_statuslist_build(const struct ecert_statuslist *sl, const char *list_id,
                           const char *issuer_id, const char *issuer_name, const char *valid_from,
                           const char *valid_until, cJSON **out, struct ecert_error *err)
{
	struct ecert_buf enc = ECERT_BUF_INIT, subject_id = ECERT_BUF_INIT;
	cJSON *vc = NULL, *ctx, *type, *issuer, *subject;
	int rc, ok;

	if (!sl || !out || !list_id || !*list_id || !issuer_id || !*issuer_id || !valid_from ||
	    !*valid_from)
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "a status list needs its id, the issuer id and validFrom");
	if ((rc = ecert_statuslist_encode(sl, &enc, err)) != ECERT_OK)
		goto out;
	ecert_buf_printf(&subject_id, "%s#list", list_id);
	rc = ECERT_ERR_NOMEM;
	if (ecert_buf_ok(&subject_id) != ECERT_OK)
		goto nomem;

	ok = (vc = cJSON_CreateObject()) != NULL;
	ok = ok && (ctx = cJSON_AddArrayToObject(vc, "@context")) &&
	     cJSON_AddItemToArray(ctx, cJSON_CreateString(VC_CONTEXT_V2));
	ok = ok && cJSON_AddStringToObject(vc, "id", list_id);
	ok = ok && (type = cJSON_AddArrayToObject(vc, "type")) &&
	     cJSON_AddItemToArray(type, cJSON_CreateString("VerifiableCredential")) &&
	     cJSON_AddItemToArray(type, cJSON_CreateString(ECERT_STATUSLIST_CREDENTIAL_TYPE));
	ok = ok && (issuer = cJSON_AddObjectToObject(vc, "issuer")) &&
	     cJSON_AddStringToObject(issuer, "id", issuer_id) &&
	     (!issuer_name || cJSON_AddStringToObject(issuer, "name", issuer_name));
	ok = ok && cJSON_AddStringToObject(vc, "validFrom", valid_from);
	ok = ok && (!valid_until || cJSON_AddStringToObject(vc, "validUntil", valid_until));
	ok = ok && (subject = cJSON_AddObjectToObject(vc, "credentialSubject")) &&
	     cJSON_AddStringToObject(subject, "id", (const char *)subject_id.data) &&
	     cJSON_AddStringToObject(subject, "type", ECERT_STATUSLIST_SUBJECT_TYPE) &&
	     cJSON_AddStringToObject(subject, "statusPurpose", ECERT_STATUSLIST_PURPOSE) &&
	     cJSON_AddStringToObject(subject, "encodedList", (const char *)enc.data);
	if (!ok)
		goto nomem;
	*out = vc;
	vc = NULL;
	rc = ECERT_OK;
	goto out;
nomem:
	rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
out:
	cJSON_Delete(vc);
	ecert_buf_free(&enc);
	ecert_buf_free(&subject_id);
	return rc;
}

int ecert_statuslist_entry(const char *list_id, uint64_t index, cJSON **out,
                           struct ecert_error *err)
{
	char num[24];
	cJSON *e;

	if (!list_id || !*list_id || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "a status entry needs the list id");
	if (index >= ECERT_STATUSLIST_MAX_BITS)
		return ecert_fail(err, ECERT_ERR_ARG, "status index %" PRIu64 " is too large",
		                  index);
	snprintf(num, sizeof(num), "%" PRIu64, index);
	e = cJSON_CreateObject();
	if (!e || !cJSON_AddStringToObject(e, "type", ECERT_STATUSLIST_ENTRY_TYPE) ||
	    !cJSON_AddStringToObject(e, "statusPurpose", ECERT_STATUSLIST_PURPOSE) ||
	    !cJSON_AddStringToObject(e, "statusListIndex", num) ||
	    !cJSON_AddStringToObject(e, "statusListCredential", list_id)) {
		cJSON_Delete(e);
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
	*out = e;
	return ECERT_OK;
}

/* A canonical decimal: 1..ECERT_STATUSLIST_INDEX_DIGITS_MAX digits, no leading zero. */
static int parse_index(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n;

	for (n = 0; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= ECERT_STATUSLIST_INDEX_DIGITS_MAX)
			return -1;
		v = v * 10 + (uint64_t)(s[n] - '0');
	}
	if (n == 0 || (n > 1 && s[0] == '0'))
		return -1;
	*out = v;
	return 0;
}

int ecert_statuslist_check(const struct ecert_statuslist *sl, const cJSON *credential_status,
                           int *revoked, struct ecert_error *err)
{
	const cJSON *v;
	uint64_t index;
	int bit, rc;

	if (!sl || !revoked)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (!cJSON_IsObject(credential_status))
		return fail_at(err, "credentialStatus", ECERT_ERR_STATUS,
		               "expected a BitstringStatusListEntry object");
	v = cJSON_GetObjectItemCaseSensitive(credential_status, "type");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, ECERT_STATUSLIST_ENTRY_TYPE) != 0)
		return fail_at(err, "credentialStatus.type", ECERT_ERR_STATUS,
		               "expected \"BitstringStatusListEntry\"");
	v = cJSON_GetObjectItemCaseSensitive(credential_status, "statusPurpose");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, ECERT_STATUSLIST_PURPOSE) != 0)
		return fail_at(err, "credentialStatus.statusPurpose", ECERT_ERR_STATUS,
		               "expected \"revocation\"");
	v = cJSON_GetObjectItemCaseSensitive(credential_status, "statusSize");
	if (v && !(cJSON_IsNumber(v) && v->valuedouble == 1.0))
		return fail_at(err, "credentialStatus.statusSize", ECERT_ERR_STATUS,
		               "only 1-bit statuses are supported");
	v = cJSON_GetObjectItemCaseSensitive(credential_status, "statusListCredential");
	if (!cJSON_IsString(v) || !sl->id || strcmp(v->valuestring, sl->id) != 0)
		return fail_at(err, "credentialStatus.statusListCredential", ECERT_ERR_STATUS,
		               "the certificate points to another status list than the one given");
	v = cJSON_GetObjectItemCaseSensitive(credential_status, "statusListIndex");
	if (!cJSON_IsString(v) || parse_index(v->valuestring, &index) != 0)
		return fail_at(err, "credentialStatus.statusListIndex", ECERT_ERR_STATUS,
		               "expected a decimal string without leading zeros");
	rc = ecert_statuslist_get(sl, index, &bit, err);
	if (rc != ECERT_OK) {
		ecert_error_where(err, "credentialStatus.statusListIndex");
		return rc;
	}
	*revoked = bit;
	return ECERT_OK;
}

static int kid_ok(const char *kid)
{
	size_t n;

	for (n = 0; kid[n]; n++) {
		char c = kid[n];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return n == ECERT_KID_LEN;
}

static int uscc_ok(const char *s, size_t n)
{
	if (n != ECERT_STATUSLIST_USCC_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(USCC_ALPHABET, s[i]))
			return 0;
	return 1;
}

int ecert_statuslist_make_id(const char *issuer, const char *kid,
                             char out[ECERT_STATUSLIST_ID_MAX + 1], struct ecert_error *err)
{
	const char *uscc = issuer;

	if (!issuer || !kid || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (strncmp(uscc, USCC_PREFIX, strlen(USCC_PREFIX)) == 0)
		uscc += strlen(USCC_PREFIX);
	if (!uscc_ok(uscc, strlen(uscc)))
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "issuer '%.64s' is not a USCC (18 characters of 0-9, A-Z "
		                  "without I O S V Z) or urn:uscc:<USCC>",
		                  issuer);
	if (!kid_ok(kid))
		return ecert_fail(err, ECERT_ERR_ARG, "kid '%.32s' is not %d base64url characters",
		                  kid, ECERT_KID_LEN);
	snprintf(out, ECERT_STATUSLIST_ID_MAX + 1, ECERT_STATUSLIST_ID_PREFIX "%s:%s", uscc, kid);
	return ECERT_OK;
}

int ecert_statuslist_parse_id(const char *list_id, char uscc[ECERT_STATUSLIST_USCC_LEN + 1],
                              char kid[ECERT_KID_LEN + 1], struct ecert_error *err)
{
	const char *p = list_id;
	size_t pre = strlen(ECERT_STATUSLIST_ID_PREFIX);

	if (!list_id || !uscc || !kid)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (strncmp(p, ECERT_STATUSLIST_ID_PREFIX, pre) != 0 ||
	    strlen(p) != pre + ECERT_STATUSLIST_USCC_LEN + 1 + ECERT_KID_LEN ||
	    !uscc_ok(p + pre, ECERT_STATUSLIST_USCC_LEN) ||
	    p[pre + ECERT_STATUSLIST_USCC_LEN] != ':' ||
	    !kid_ok(p + pre + ECERT_STATUSLIST_USCC_LEN + 1))
		return fail_at(err, "statusListCredential", ECERT_ERR_STATUS,
		               "not an ecert status list id (urn:ecert:status:<USCC>:<kid>)");
	memcpy(uscc, p + pre, ECERT_STATUSLIST_USCC_LEN);
	uscc[ECERT_STATUSLIST_USCC_LEN] = '\0';
	memcpy(kid, p + pre + ECERT_STATUSLIST_USCC_LEN + 1, ECERT_KID_LEN + 1);
	return ECERT_OK;
}
