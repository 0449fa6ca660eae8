/* ecert — a fixed trust setting for the targets that need signed material (fuzz_verify,
 * fuzz_trustlist, fuzz_claim), set up once from LLVMFuzzerInitialize:
 *
 *   - keys made in-process, deterministically from fixed seeds: the root (Ed25519), an
 *     SM2 issuer key (titles of the 工程 series), an Ed25519 issuer key (skills under
 *     occupation 6-18) and an Ed25519 key that both may sign but that was retired on
 *     2024-06-01. Deterministic keys keep what a run saved valid in the next one: the
 *     working corpus keeps its signed inputs, and a crash artifact that depends on a
 *     signature still reproduces when the target is started again to replay it;
 *   - the trust list those keys make (trustedit.h), committed at FX_T_LIST and loaded
 *     exactly as a verifier loads it (version 1); a version 2 with the SM2 key retired is
 *     kept as text too. With an Ed25519 root, a signed list is the same bytes every run;
 *   - a verifier over version 1, with the SM2 key's signed status list (bit
 *     FX_REVOKED_INDEX set) added;
 *   - signed certificates from two templates (title and skill), holder FX_HOLDER_ID.
 *
 * The signed seeds cannot be committed files (an SM2 signature is new each run, and they
 * would go stale when a format changes), so each target writes them at start-up into its
 * working corpus (fx_seed_dir: the first directory on the command line, which libFuzzer
 * reads after LLVMFuzzerInitialize), as seed-<name> files overwritten on every start. */
#ifndef ECERT_FUZZ_FIXTURE_H
#define ECERT_FUZZ_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/qrpayload.h"
#include "ecert/sign.h"
#include "ecert/statuslist.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"
#include "ecert/verify.h"
#include "fuzz.h"

#define FX_USCC "11220000013544525W"
#define FX_ISSUER "urn:uscc:" FX_USCC
#define FX_ISSUER_NAME "吉林省人力资源和社会保障厅"
#define FX_HOLDER_ID "11010519491231002X"
#define FX_HOLDER_NAME "李明"
#define FX_T_VALID_FROM 1672502400 /* 2023-01-01T00:00:00+08:00: the keys' validFrom */
#define FX_T_LIST 1704038400       /* 2024-01-01T00:00:00+08:00: version 1 issued */
#define FX_T_LIST2 1706716800      /* 2024-02-01T00:00:00+08:00: version 2 issued */
#define FX_T_RETIRE 1717171200     /* 2024-06-01T00:00:00+08:00 */
#define FX_T_NOW 1735660800        /* 2025-01-01T00:00:00+08:00: the verifier's clock */
#define FX_CREATED "2024-03-01T10:00:00+08:00"
#define FX_CREATED_LATE "2024-07-01T10:00:00+08:00" /* after FX_T_RETIRE */
#define FX_STATUS_FROM "2024-06-01T00:00:00+08:00"
#define FX_GOOD_INDEX 5
#define FX_REVOKED_INDEX 7
#define FX_ROOT_NAME "fuzz"
#define FX_VM_MAX 160
#define FX_PATH_MAX 4096

enum fx_key { FX_ROOT, FX_SM2, FX_ED, FX_RETIRED, FX_NKEYS };

struct fx {
	EVP_PKEY *key[FX_NKEYS];
	char kid[FX_NKEYS][ECERT_KID_LEN + 1];
	char list_id[FX_NKEYS][ECERT_STATUSLIST_ID_MAX + 1];
	struct ecert_buf trust_v1; /* indented JSON, as ecert-keys writes it */
	struct ecert_buf trust_v2;
	struct ecert_buf status;    /* the SM2 key's signed status list (JCS) */
	struct ecert_trustlist *tl; /* version 1 */
	struct ecert_verifier *ver;
};

static struct fx fx;

static const char fx_title_tmpl[] =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
    "\"id\":\"urn:ecert:JL-T-2024-000001\","
    "\"type\":[\"VerifiableCredential\",\"TitleCertificate\"],"
    "\"issuer\":{\"id\":\"" FX_ISSUER "\",\"name\":\"" FX_ISSUER_NAME "\"},"
    "\"validFrom\":\"2024-03-01T00:00:00+08:00\","
    "\"credentialSubject\":{\"name\":\"" FX_HOLDER_NAME "\","
    "\"idNumberMasked\":\"110105********002X\",\"idDigest\":\"\",\"series\":\"工程\","
    "\"specialty\":\"机械工程\",\"level\":\"中级\",\"titleName\":\"工程师\","
    "\"qualifiedOn\":\"2020-01-15\",\"approvalDocument\":\"吉人社职字〔2020〕12号\","
    "\"evaluationMethod\":\"评审\"},"
    "\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\","
    "\"statusPurpose\":\"revocation\",\"statusListIndex\":\"\",\"statusListCredential\":\"\"}}";

static const char fx_skill_tmpl[] =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
    "\"id\":\"urn:ecert:S000022000001193000001\","
    "\"type\":[\"VerifiableCredential\",\"SkillCertificate\"],"
    "\"issuer\":{\"id\":\"" FX_ISSUER "\",\"name\":\"" FX_ISSUER_NAME "\"},"
    "\"validFrom\":\"2024-03-01T00:00:00+08:00\",\"validUntil\":\"2029-02-28T23:59:59+08:00\","
    "\"credentialSubject\":{\"name\":\"" FX_HOLDER_NAME "\","
    "\"idNumberMasked\":\"110105********002X\",\"idDigest\":\"\","
    "\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\",\"level\":\"二级\","
    "\"levelName\":\"技师\",\"certifiedOn\":\"2019-06-15\","
    "\"certificateKind\":\"职业技能等级证书\"},"
    "\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\","
    "\"statusPurpose\":\"revocation\",\"statusListIndex\":\"\",\"statusListCredential\":\"\"}}";

/* Abort with a message: the fixture is not something a fuzz input can break. */
#define FX_MUST(cond, what)                                                                        \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz fixture: %s failed (%s:%d)\n", what, __FILE__,       \
			        __LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)
#define FX_OK(call, err)                                                                           \
	do {                                                                                       \
		if ((call) != ECERT_OK) {                                                          \
			fprintf(stderr, "fuzz fixture: %s: %s: %s (%s:%d)\n", #call, (err).where,  \
			        (err).msg, __FILE__, __LINE__);                                    \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* An Ed25519 key from a 32-byte seed. */
static inline EVP_PKEY *fx_ed25519(unsigned char seed_byte)
{
	unsigned char seed[32];
	EVP_PKEY *k;

	memset(seed, seed_byte, sizeof(seed));
	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof(seed));
	FX_MUST(k, "Ed25519 key from seed");
	return k;
}

/* A key pair on curve nid (OpenSSL key type `type`, group name `group`) from the fixed
 * private scalar 0x11 || seed_byte × 31 (public point = scalar × G). */
static inline EVP_PKEY *fx_ec_key(int nid, const char *type, const char *group,
                                  unsigned char seed_byte)
{
	unsigned char d[32], pub[65];
	EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
	EC_POINT *p = g ? EC_POINT_new(g) : NULL;
	BIGNUM *bn;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *k = NULL;
	size_t publen;

	memset(d, seed_byte, sizeof(d));
	d[0] = 0x11; /* well below the group orders of SM2 and P-256 */
	bn = BN_bin2bn(d, sizeof(d), NULL);
	FX_MUST(g && p && bn && bld && ctx, "EC set-up");
	FX_MUST(EC_POINT_mul(g, p, bn, NULL, NULL, NULL) == 1, "EC public point");
	publen = EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof(pub), NULL);
	FX_MUST(publen == sizeof(pub), "EC point encoding");
	FX_MUST(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1 &&
	            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn) == 1 &&
	            OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen) ==
	                1,
	        "EC parameters");
	params = OSSL_PARAM_BLD_to_param(bld);
	FX_MUST(params && EVP_PKEY_fromdata_init(ctx) == 1 &&
	            EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_KEYPAIR, params) == 1,
	        "EC key from data");
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(bn);
	EC_POINT_free(p);
	EC_GROUP_free(g);
	return k;
}

/* An SM2 key pair from a fixed private scalar. */
static inline EVP_PKEY *fx_sm2(unsigned char seed_byte)
{
	EVP_PKEY *k = fx_ec_key(NID_sm2, "SM2", "SM2", seed_byte);

	FX_MUST(ecert_key_alg(k) == ECERT_ALG_SM2, "SM2 key type");
	return k;
}

static inline void fx_vm(enum fx_key k, char vm[FX_VM_MAX])
{
	snprintf(vm, FX_VM_MAX, "%s#%s", FX_ISSUER, fx.kid[k]);
}

/* The JCS text of doc (caller frees with ecert_free). */
static inline char *fx_jcs(const cJSON *doc, size_t *len)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error err;

	ecert_error_clear(&err);
	FX_OK(ecert_jcs_serialize(doc, &b, &err), err);
	return ecert_buf_take(&b, len);
}

/* An unsigned certificate from a template: holder FX_HOLDER_ID (fixed salt), status index
 * `index` in the list of key `k`. */
static inline cJSON *fx_cert_unsigned(const char *tmpl, enum fx_key k, unsigned index)
{
	static const uint8_t salt[ECERT_IDNUM_SALT_LEN] = {1, 2,  3,  4,  5,  6,  7,  8,
	                                                   9, 10, 11, 12, 13, 14, 15, 16};
	char digest[ECERT_ID_DIGEST_SIZE], idx[16];
	struct ecert_error err;
	cJSON *doc = NULL, *subj, *st;

	ecert_error_clear(&err);
	FX_OK(ecert_json_parse(tmpl, strlen(tmpl), NULL, &doc, &err), err);
	FX_OK(ecert_idnum_digest(FX_HOLDER_ID, salt, digest, &err), err);
	snprintf(idx, sizeof(idx), "%u", index);
	subj = cJSON_GetObjectItem(doc, "credentialSubject");
	st = cJSON_GetObjectItem(doc, "credentialStatus");
	FX_MUST(cJSON_ReplaceItemInObject(subj, "idDigest", cJSON_CreateString(digest)) &&
	            cJSON_ReplaceItemInObject(st, "statusListIndex", cJSON_CreateString(idx)) &&
	            cJSON_ReplaceItemInObject(st, "statusListCredential",
	                                      cJSON_CreateString(fx.list_id[k])),
	        "template fill-in");
	return doc;
}

/* A certificate signed by key k at `created`. */
static inline cJSON *fx_cert(const char *tmpl, enum fx_key k, unsigned index, const char *created)
{
	cJSON *doc = fx_cert_unsigned(tmpl, k, index);
	struct ecert_error err;
	char vm[FX_VM_MAX];

	ecert_error_clear(&err);
	fx_vm(k, vm);
	FX_OK(ecert_proof_sign(doc, fx.key[k], vm, created, &err), err);
	return doc;
}

/* The key a document of this type is signed with in the targets' "sign it" mode: titles
 * with the SM2 key, everything else with the Ed25519 skill key. */
static inline enum fx_key fx_signer_for(const cJSON *doc)
{
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(doc, "type"), *t;

	cJSON_ArrayForEach(t, types)
	{
		if (cJSON_IsString(t) && strcmp(t->valuestring, "TitleCertificate") == 0)
			return FX_SM2;
	}
	return FX_ED;
}

static inline void fx_trust_entry(struct ecert_trustedit *ed, enum fx_key k)
{
	static const char *const title[] = {ECERT_KIND_TITLE}, *const skill[] = {ECERT_KIND_SKILL},
	                         *const both[] = {ECERT_KIND_TITLE, ECERT_KIND_SKILL};
	static const char *const eng[] = {"工程"}, *const occ[] = {"6-18"};
	struct ecert_trust_entry_spec s;
	struct ecert_error err;

	ecert_error_clear(&err);
	memset(&s, 0, sizeof(s));
	s.key = fx.key[k];
	s.issuer_id = FX_ISSUER;
	s.issuer_name = FX_ISSUER_NAME;
	s.valid_from = FX_T_VALID_FROM;
	if (k == FX_SM2) {
		s.kinds = title, s.n_kinds = 1, s.series = eng, s.n_series = 1;
	} else if (k == FX_ED) {
		s.kinds = skill, s.n_kinds = 1, s.occupations = occ, s.n_occupations = 1;
		s.multibase = 1;
	} else {
		s.kinds = both, s.n_kinds = 2;
	}
	FX_OK(ecert_trustedit_add(ed, &s, &err), err);
}

/* Build everything; aborts if anything fails (a broken fixture is no fuzz result). */
static inline void fx_setup(void)
{
	struct ecert_trustedit *ed = NULL;
	struct ecert_statuslist *sl = NULL;
	struct ecert_error err;
	cJSON *doc = NULL;
	char vm[FX_VM_MAX];
	size_t len;
	char *text;
	int i;

	ecert_error_clear(&err);
	FX_MUST(ecert_init() == ECERT_OK, "ecert_init");
	fx.key[FX_ROOT] = fx_ed25519(0x52);
	fx.key[FX_SM2] = fx_sm2(0x53);
	fx.key[FX_ED] = fx_ed25519(0x45);
	fx.key[FX_RETIRED] = fx_ed25519(0x72);
	for (i = 0; i < FX_NKEYS; i++) {
		FX_OK(ecert_key_kid(fx.key[i], fx.kid[i], &err), err);
		if (i != FX_ROOT)
			FX_OK(ecert_statuslist_make_id(FX_ISSUER, fx.kid[i], fx.list_id[i], &err),
			      err);
	}

	FX_OK(ecert_trustedit_new(fx.key[FX_ROOT], FX_ROOT_NAME, &ed, &err), err);
	fx_trust_entry(ed, FX_SM2);
	fx_trust_entry(ed, FX_ED);
	fx_trust_entry(ed, FX_RETIRED);
	FX_OK(ecert_trustedit_retire(ed, fx.kid[FX_RETIRED], FX_T_RETIRE, &err), err);
	FX_OK(ecert_trustedit_commit(ed, FX_T_LIST, &err), err);
	FX_OK(ecert_trustedit_serialize(ed, &fx.trust_v1, &err), err);
	FX_OK(ecert_trustedit_retire(ed, fx.kid[FX_SM2], FX_T_RETIRE, &err), err);
	FX_OK(ecert_trustedit_commit(ed, FX_T_LIST2, &err), err);
	FX_OK(ecert_trustedit_serialize(ed, &fx.trust_v2, &err), err);
	ecert_trustedit_free(ed);
	FX_OK(ecert_trustlist_load_mem((const char *)fx.trust_v1.data, fx.trust_v1.len,
	                               fx.key[FX_ROOT], &fx.tl, &err),
	      err);
	FX_OK(ecert_verifier_new(fx.tl, &fx.ver, &err), err);

	FX_OK(ecert_statuslist_new(ECERT_STATUSLIST_MIN_BITS, &sl, &err), err);
	FX_OK(ecert_statuslist_set(sl, FX_REVOKED_INDEX, 1, &err), err);
	FX_OK(ecert_statuslist_build(sl, fx.list_id[FX_SM2], FX_ISSUER, FX_ISSUER_NAME,
	                             FX_STATUS_FROM, NULL, &doc, &err),
	      err);
	fx_vm(FX_SM2, vm);
	FX_OK(ecert_proof_sign(doc, fx.key[FX_SM2], vm, FX_STATUS_FROM, &err), err);
	text = fx_jcs(doc, &len);
	FX_MUST(ecert_buf_append(&fx.status, text, len) == ECERT_OK, "status list copy");
	FX_OK(ecert_verifier_add_status(fx.ver, text, len, "status", &err), err);
	ecert_free(text);
	cJSON_Delete(doc);
	ecert_statuslist_free(sl);
}

/* The directory the seeds go to: the first command-line argument that is a directory
 * (libFuzzer's corpus directories come after the flags), or NULL (e.g. replaying one
 * file). */
static inline const char *fx_seed_dir(int argc, char **argv)
{
	struct stat st;
	int i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			return argv[i];
	}
	return NULL;
}

static inline void fx_write_seed(const char *dir, const char *name, const void *data, size_t len)
{
	char path[FX_PATH_MAX];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	FX_MUST(f, path);
	FX_MUST(fwrite(data, 1, len, f) == len && fclose(f) == 0, path);
}

/* Write doc as a seed: JCS, and when qr is set also as QR text. */
static inline void fx_write_doc(const char *dir, const char *name, const cJSON *doc, int qr)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error err;
	char n[128];
	size_t len;
	char *text = fx_jcs(doc, &len);

	ecert_error_clear(&err);
	snprintf(n, sizeof(n), "%s.json", name);
	fx_write_seed(dir, n, text, len);
	ecert_free(text);
	if (qr) {
		FX_OK(ecert_qr_encode(doc, &b, &err), err);
		snprintf(n, sizeof(n), "%s.qr", name);
		fx_write_seed(dir, n, b.data, b.len);
		ecert_buf_free(&b);
	}
}

/* Simple deterministic bytes derived from an input (for the choices a target makes). */
struct fx_rng {
	uint64_t s;
};

static inline void fx_rng_init(struct fx_rng *r, const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < size; i++) {
		h ^= data[i];
		h *= 1099511628211ULL;
	}
	r->s = h ? h : 1;
}

static inline unsigned fx_rng_next(struct fx_rng *r, unsigned n)
{
	r->s ^= r->s << 13; /* xorshift64 */
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return n ? (unsigned)(r->s % n) : 0;
}

/* Whether s is valid UTF-8 (RFC 3629: shortest form, no surrogates, at most U+10FFFF). */
static inline int fx_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p;
		size_t n, i;
		unsigned v;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, v = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, v = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, v = c & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			v = (v << 6) | (p[i] & 0x3F);
		}
		if ((n == 2 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
		    (n == 3 && (v < 0x10000 || v > 0x10FFFF)))
			return 0;
		p += n + 1;
	}
	return 1;
}

#endif
