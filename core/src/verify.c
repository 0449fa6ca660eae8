/* ecert — the verification pipeline (DESIGN §3–5, §7). See ecert/verify.h.
 *
 * Every check starts as not run; a check is marked passed only at its end. The result is
 * valid only when decode … validity passed, status passed (or was not checked and the
 * caller did not require it), and holder passed or was not asked for. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/datetime.h"
#include "ecert/encoding.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/proof.h"
#include "ecert/qrpayload.h"
#include "ecert/qrscan.h"
#include "ecert/schema.h"
#include "ecert/statuslist.h"
#include "ecert/strfmt.h"
#include "ecert/verify.h"

#define CERT_SCHEMA "certificate.schema.json"
/* A certificate JSON given as a file is small; its bound is that of a decoded QR payload
 * times four, to leave room for pretty-printed files. */
#define CERT_JSON_MAX (ECERT_QR_DOC_MAX * 4)
#define STATUS_LISTS_MAX 256

struct status_slot {
	char *id;
	char *issuer_id;
	struct ecert_statuslist *list;
};

struct ecert_verifier {
	const struct ecert_trustlist *tl;
	struct status_slot lists[STATUS_LISTS_MAX];
	size_t nlists;
};

static const char *const check_names[ECERT_CHECK__COUNT] = {
	"decode", "schema", "signature", "trust", "scope", "validity", "status", "holder",
};

const char *ecert_check_name(enum ecert_check_id id)
{
	if ((int)id < 0 || id >= ECERT_CHECK__COUNT)
		return "unknown";
	return check_names[id];
}

int ecert_verifier_new(const struct ecert_trustlist *tl, struct ecert_verifier **out,
		       struct ecert_error *err)
{
	struct ecert_verifier *v;

	if (!tl)
		return ecert_fail(err, ECERT_ERR_ARG, "no trust list");
	v = ecert_calloc(1, sizeof(*v));
	if (!v)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	v->tl = tl;
	*out = v;
	return ECERT_OK;
}

void ecert_verifier_free(struct ecert_verifier *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->nlists; i++) {
		ecert_free(v->lists[i].id);
		ecert_free(v->lists[i].issuer_id);
		ecert_statuslist_free(v->lists[i].list);
	}
	ecert_free(v);
}

/* Split "<issuer>#<kid>" into its kid (borrowed pointer into vm) or NULL. */
static const char *vm_kid(const char *vm)
{
	const char *hash = vm ? strrchr(vm, '#') : NULL;

	return hash && hash[1] ? hash + 1 : NULL;
}

int ecert_verifier_add_status(struct ecert_verifier *v, const char *json, size_t len,
			      const char *source, struct ecert_error *err)
{
	cJSON *doc = NULL;
	struct ecert_statuslist *sl = NULL;
	const struct ecert_trust_entry *e;
	const cJSON *proof, *issuer;
	const char *vm, *kid, *issuer_id, *suite, *created_s, *id;
	int64_t created, since;
	int rc;

	if (v->nlists >= STATUS_LISTS_MAX) {
		rc = ecert_fail(err, ECERT_ERR_ARG, "more than %d status lists", STATUS_LISTS_MAX);
		goto out;
	}
	rc = ecert_json_parse(json, len, NULL, &doc, err);
	if (rc != ECERT_OK)
		goto out;
	rc = ECERT_ERR_TRUST;
	proof = ecert_json_obj(doc, "proof");
	issuer = ecert_json_obj(doc, "issuer");
	issuer_id = issuer ? ecert_json_str(issuer, "id") : ecert_json_str(doc, "issuer");
	vm = proof ? ecert_json_str(proof, "verificationMethod") : NULL;
	kid = vm_kid(vm);
	suite = proof ? ecert_json_str(proof, "cryptosuite") : NULL;
	created_s = proof ? ecert_json_str(proof, "created") : NULL;
	id = ecert_json_str(doc, "id");
	if (!issuer_id || !kid || !suite || !created_s || !id) {
		ecert_fail(err, rc, "status list lacks id, issuer or a complete proof");
		goto out;
	}
	e = ecert_trustlist_find(v->tl, kid);
	if (!e) {
		ecert_fail(err, rc, "status list signed by key %s, which the trust list does not list", kid);
		goto out;
	}
	if (strcmp(ecert_trust_entry_issuer_id(e), issuer_id) != 0) {
		ecert_fail(err, rc, "status list of %s signed by a key of %s", issuer_id,
			   ecert_trust_entry_issuer_id(e));
		goto out;
	}
	if (strcmp(ecert_trust_entry_cryptosuite(e), suite) != 0) {
		ecert_fail(err, rc, "status list proof uses %s, the listed key is %s", suite,
			   ecert_trust_entry_cryptosuite(e));
		goto out;
	}
	if (ecert_time_parse(created_s, &created, err) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_TRUST, "status list proof.created is not a date-time");
		goto out;
	}
	if (ecert_trust_entry_status(e, &since) == ECERT_KEY_COMPROMISED && created >= since) {
		ecert_fail(err, rc, "status list signed with key %s after it was compromised", kid);
		goto out;
	}
	rc = ecert_proof_verify(doc, ecert_trust_entry_key(e), err);
	if (rc == ECERT_ERR_NOMEM)
		goto out;
	if (rc != ECERT_OK) {
		/* copy the reason first: err->msg is also where the new message goes */
		char why[ECERT_ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", err ? err->msg : "");
		rc = ecert_fail(err, ECERT_ERR_TRUST, "status list signature does not verify (%s)",
				why);
		goto out;
	}
	rc = ecert_statuslist_decode(doc, &sl, err);
	if (rc != ECERT_OK)
		goto out;
	v->lists[v->nlists].id = ecert_strdup(id);
	v->lists[v->nlists].issuer_id = ecert_strdup(issuer_id);
	if (!v->lists[v->nlists].id || !v->lists[v->nlists].issuer_id) {
		ecert_free(v->lists[v->nlists].id);
		ecert_free(v->lists[v->nlists].issuer_id);
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	v->lists[v->nlists].list = sl;
	sl = NULL;
	v->nlists++;
	rc = ECERT_OK;
out:
	if (rc != ECERT_OK && source)
		ecert_error_prefix(err, "%s", source);
	ecert_statuslist_free(sl);
	cJSON_Delete(doc);
	return rc;
}

static void pass(struct ecert_verify_result *res, enum ecert_check_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pass(struct ecert_verify_result *res, enum ecert_check_id id, const char *fmt, ...)
{
	va_list ap;

	res->checks[id].state = ECERT_CHECK_PASSED;
	res->checks[id].code = ECERT_OK;
	va_start(ap, fmt);
	ecert_vstrfmt(res->checks[id].detail, sizeof(res->checks[id].detail), fmt, ap);
	va_end(ap);
}

/* Record a failed check from an error context; returns its code. */
static int failed(struct ecert_verify_result *res, enum ecert_check_id id,
		  const struct ecert_error *e)
{
	struct ecert_check *c = &res->checks[id];

	c->state = ECERT_CHECK_FAILED;
	c->code = e->code ? e->code : ECERT_ERR_INVALID;
	c->detail_zh[0] = '\0';
	if (e->where[0])
		snprintf(c->detail, sizeof(c->detail), "%s: %s", e->where,
			 e->msg[0] ? e->msg : ecert_strerror(c->code));
	else
		snprintf(c->detail, sizeof(c->detail), "%s",
			 e->msg[0] ? e->msg : ecert_strerror(c->code));
	return c->code;
}

static void note(struct ecert_verify_result *res, enum ecert_check_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct ecert_verify_result *res, enum ecert_check_id id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecert_vstrfmt(res->checks[id].detail, sizeof(res->checks[id].detail), fmt, ap);
	va_end(ap);
}

/* The Chinese twin of the last pass() or note() of a check, for counter staff (a failure
 * has none: its code says in words what went wrong). */
static void zh(struct ecert_verify_result *res, enum ecert_check_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void zh(struct ecert_verify_result *res, enum ecert_check_id id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecert_vstrfmt(res->checks[id].detail_zh, sizeof(res->checks[id].detail_zh), fmt, ap);
	va_end(ap);
}

static const char *kind_zh(const char *kind)
{
	return kind && strcmp(kind, "skill") == 0 ? "职业技能等级" : "职称";
}

static void result_init(struct ecert_verify_result *res)
{
	int i;

	/* field by field: the details are 8 KB of text a check fills or leaves empty */
	res->valid = 0;
	res->certificate = NULL;
	res->kind = NULL;
	res->status = ECERT_STATUS_UNCHECKED;
	for (i = 0; i < ECERT_CHECK__COUNT; i++) {
		res->checks[i].state = ECERT_CHECK_NOT_RUN;
		res->checks[i].code = ECERT_OK;
		res->checks[i].detail[0] = '\0';
		res->checks[i].detail_zh[0] = '\0';
	}
}

static const char *cert_kind(const cJSON *doc)
{
	const cJSON *types = ecert_json_arr(doc, "type"), *t;

	cJSON_ArrayForEach(t, types)
	{
		if (cJSON_IsString(t) && strcmp(t->valuestring, "TitleCertificate") == 0)
			return "title";
		if (cJSON_IsString(t) && strcmp(t->valuestring, "SkillCertificate") == 0)
			return "skill";
	}
	return NULL;
}

/* The checks after decoding, over a strictly parsed document. doc_canon: JCS(doc without
 * proof) if the caller has it (the text doc was parsed from, when canonical, without its
 * proof member), else NULL. */
static int run_checks(const struct ecert_verifier *v, const struct ecert_verify_opts *opts,
		      const cJSON *doc, const struct ecert_buf *doc_canon,
		      struct ecert_verify_result *res)
{
	struct ecert_error e;
	const struct ecert_trust_entry *entry;
	const cJSON *proof, *subject, *issuer, *status;
	const char *vm, *kid, *suite, *issuer_id, *created_s, *s, *kind;
	int64_t created, t;
	size_t i;
	int rc;

	ecert_error_clear(&e);
	/* schema */
	if (ecert_schema_validate_named(CERT_SCHEMA, doc, &e) != ECERT_OK)
		return failed(res, ECERT_CHECK_SCHEMA, &e);
	kind = cert_kind(doc);
	if (!kind) {
		ecert_fail(&e, ECERT_ERR_SCHEMA, "type names neither TitleCertificate nor SkillCertificate");
		ecert_error_where(&e, "type");
		return failed(res, ECERT_CHECK_SCHEMA, &e);
	}
	res->kind = kind;
	pass(res, ECERT_CHECK_SCHEMA, "%s certificate, all required fields present",
	     res->kind);
	zh(res, ECERT_CHECK_SCHEMA, "%s证书，必填项齐全", kind_zh(res->kind));

	proof = ecert_json_obj(doc, "proof");
	subject = ecert_json_obj(doc, "credentialSubject");
	issuer = ecert_json_obj(doc, "issuer");
	vm = ecert_json_str(proof, "verificationMethod");
	suite = ecert_json_str(proof, "cryptosuite");
	created_s = ecert_json_str(proof, "created");
	issuer_id = ecert_json_str(issuer, "id");
	kid = vm_kid(vm);

	/* signature: with the key the trust list names for the kid */
	entry = kid ? ecert_trustlist_find(v->tl, kid) : NULL;
	if (!entry) {
		note(res, ECERT_CHECK_SIGNATURE, "not checked: no key for kid %s", kid ? kid : "(none)");
		zh(res, ECERT_CHECK_SIGNATURE, "信任列表中没有密钥 %s", kid ? kid : "（无）");
		ecert_fail(&e, ECERT_ERR_TRUST, "key %s is not in the trust list (version %ld)",
			   kid ? kid : "(none)", ecert_trustlist_version(v->tl));
		ecert_error_where(&e, "proof.verificationMethod");
		return failed(res, ECERT_CHECK_TRUST, &e);
	}
	if (!suite || strcmp(suite, ecert_trust_entry_cryptosuite(entry)) != 0) {
		note(res, ECERT_CHECK_SIGNATURE, "not checked: cryptosuite mismatch");
		zh(res, ECERT_CHECK_SIGNATURE, "签名算法与信任列表登记的不符");
		ecert_fail(&e, ECERT_ERR_TRUST,
			   "proof uses %s but key %s is listed for %s (algorithm substitution)",
			   suite ? suite : "(none)", kid, ecert_trust_entry_cryptosuite(entry));
		ecert_error_where(&e, "proof.cryptosuite");
		return failed(res, ECERT_CHECK_TRUST, &e);
	}
	if (ecert_proof_verify_canon(doc, ecert_trust_entry_key(entry),
				     doc_canon ? doc_canon->data : NULL, doc_canon ? doc_canon->len : 0,
				     &e) != ECERT_OK)
		return failed(res, ECERT_CHECK_SIGNATURE, &e);
	pass(res, ECERT_CHECK_SIGNATURE, "%s signature by key %s verifies", suite, kid);
	zh(res, ECERT_CHECK_SIGNATURE, "密钥 %s 的 %s 签名验证通过", kid, suite);

	/* trust and scope */
	if (ecert_time_parse(created_s, &created, &e) != ECERT_OK) {
		ecert_error_where(&e, "proof.created");
		return failed(res, ECERT_CHECK_SCHEMA, &e);
	}
	rc = ecert_trustlist_check(v->tl, issuer_id, kid, suite, res->kind,
				   ecert_json_str(subject, "series"),
				   ecert_json_str(subject, "occupationCode"), created, opts->at, &e);
	if (rc == ECERT_ERR_SCOPE) {
		pass(res, ECERT_CHECK_TRUST, "key %s of %s is in the trust list (version %ld)", kid,
		     ecert_trust_entry_issuer_name(entry), ecert_trustlist_version(v->tl));
		zh(res, ECERT_CHECK_TRUST, "%s 的密钥 %s 在信任列表中（第 %ld 版）",
		   ecert_trust_entry_issuer_name(entry), kid, ecert_trustlist_version(v->tl));
		return failed(res, ECERT_CHECK_SCOPE, &e);
	}
	if (rc != ECERT_OK)
		return failed(res, ECERT_CHECK_TRUST, &e);
	pass(res, ECERT_CHECK_TRUST, "key %s of %s is in the trust list (version %ld)", kid,
	     ecert_trust_entry_issuer_name(entry), ecert_trustlist_version(v->tl));
	zh(res, ECERT_CHECK_TRUST, "%s 的密钥 %s 在信任列表中（第 %ld 版）",
	   ecert_trust_entry_issuer_name(entry), kid, ecert_trustlist_version(v->tl));
	pass(res, ECERT_CHECK_SCOPE, "key may sign %s certificates and was valid at %s",
	     res->kind, created_s);
	zh(res, ECERT_CHECK_SCOPE, "该密钥有权签发%s证书，签发时（%s）有效", kind_zh(res->kind),
	   created_s);

	/* validity */
	s = ecert_json_str(doc, "validFrom");
	if (!s || ecert_time_parse(s, &t, &e) != ECERT_OK) {
		ecert_error_where(&e, "validFrom");
		return failed(res, ECERT_CHECK_VALIDITY, &e);
	}
	if (opts->at < t) {
		ecert_fail(&e, ECERT_ERR_VALIDITY, "not valid before %s", s);
		ecert_error_where(&e, "validFrom");
		return failed(res, ECERT_CHECK_VALIDITY, &e);
	}
	s = ecert_json_str(doc, "validUntil");
	if (s) {
		if (ecert_time_parse(s, &t, &e) != ECERT_OK) {
			ecert_error_where(&e, "validUntil");
			return failed(res, ECERT_CHECK_VALIDITY, &e);
		}
		if (opts->at >= t) {
			ecert_fail(&e, ECERT_ERR_VALIDITY, "expired at %s", s);
			ecert_error_where(&e, "validUntil");
			return failed(res, ECERT_CHECK_VALIDITY, &e);
		}
	}
	pass(res, ECERT_CHECK_VALIDITY, "valid from %s%s%s", ecert_json_str(doc, "validFrom"),
	     s ? " until " : "", s ? s : "");
	zh(res, ECERT_CHECK_VALIDITY, "自 %s 起有效%s%s", ecert_json_str(doc, "validFrom"),
	   s ? "，至 " : "", s ? s : "");

	/* status */
	status = ecert_json_obj(doc, "credentialStatus");
	s = ecert_json_str(status, "statusListCredential");
	res->status = ECERT_STATUS_UNCHECKED;
	for (i = 0; s && i < v->nlists; i++) {
		int revoked = 1;

		if (strcmp(v->lists[i].id, s) != 0)
			continue;
		if (strcmp(v->lists[i].issuer_id, issuer_id) != 0) {
			ecert_fail(&e, ECERT_ERR_STATUS, "status list %s belongs to %s, not the issuer",
				   s, v->lists[i].issuer_id);
			ecert_error_where(&e, "credentialStatus.statusListCredential");
			return failed(res, ECERT_CHECK_STATUS, &e);
		}
		if (ecert_statuslist_check(v->lists[i].list, status, &revoked, &e) != ECERT_OK)
			return failed(res, ECERT_CHECK_STATUS, &e);
		if (revoked) {
			res->status = ECERT_STATUS_REVOKED;
			ecert_fail(&e, ECERT_ERR_REVOKED, "revoked (status list %s, index %s)", s,
				   ecert_json_str(status, "statusListIndex"));
			ecert_error_where(&e, "credentialStatus");
			return failed(res, ECERT_CHECK_STATUS, &e);
		}
		res->status = ECERT_STATUS_GOOD;
		pass(res, ECERT_CHECK_STATUS, "not revoked (status list %s)", s);
		zh(res, ECERT_CHECK_STATUS, "未被吊销（状态列表 %s）", s);
		break;
	}
	if (res->status == ECERT_STATUS_UNCHECKED) {
		if (opts->require_status) {
			ecert_fail(&e, ECERT_ERR_STATUS,
				   "revocation not checked: no status list %s was given",
				   s ? s : "(none named)");
			ecert_error_where(&e, "credentialStatus.statusListCredential");
			return failed(res, ECERT_CHECK_STATUS, &e);
		}
		note(res, ECERT_CHECK_STATUS, "revocation not checked: no status list %s was given",
		     s ? s : "(none named)");
		zh(res, ECERT_CHECK_STATUS, "未核验是否吊销：没有提供状态列表 %s", s ? s : "");
	}

	/* holder */
	if (opts->holder_id) {
		if (ecert_idnum_digest_match(ecert_json_str(subject, "idDigest"), opts->holder_id,
					     &e) != ECERT_OK) {
			ecert_error_where(&e, "credentialSubject.idDigest");
			return failed(res, ECERT_CHECK_HOLDER, &e);
		}
		pass(res, ECERT_CHECK_HOLDER, "the ID number given matches the holder");
		zh(res, ECERT_CHECK_HOLDER, "所给身份证号与持证人相符");
	} else {
		note(res, ECERT_CHECK_HOLDER, "not checked: no ID number given");
		zh(res, ECERT_CHECK_HOLDER, "未提供身份证号");
	}
	res->valid = 1;
	return ECERT_OK;
}

int ecert_verify_doc(const struct ecert_verifier *v, const struct ecert_verify_opts *opts,
		     const cJSON *doc, struct ecert_verify_result *res)
{
	int rc;

	result_init(res);
	res->certificate = cJSON_Duplicate(doc, 1);
	if (!res->certificate) {
		struct ecert_error e = {ECERT_ERR_NOMEM, "", "out of memory"};

		return failed(res, ECERT_CHECK_DECODE, &e);
	}
	pass(res, ECERT_CHECK_DECODE, "certificate JSON given");
	zh(res, ECERT_CHECK_DECODE, "已给出证书 JSON");
	rc = run_checks(v, opts, res->certificate, NULL, res);
	return res->valid ? ECERT_OK : rc;
}

static int looks_like_qr(const unsigned char *p, size_t len)
{
	while (len > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		len--;
	}
	return len == 0 || *p != '{';
}

int ecert_verify(const struct ecert_verifier *v, const struct ecert_verify_opts *opts,
		 enum ecert_input input, const void *data, size_t len,
		 struct ecert_verify_result *res)
{
	struct ecert_buf text = ECERT_BUF_INIT, json = ECERT_BUF_INIT, canon_doc = ECERT_BUF_INIT;
	struct ecert_json_limits lim = {CERT_JSON_MAX, 0};
	struct ecert_json_canon canon;
	struct ecert_error e;
	const unsigned char *p = data;
	const char *how = "certificate JSON";
	cJSON *doc = NULL;
	int rc;

	result_init(res);
	ecert_error_clear(&e);
	if (input == ECERT_INPUT_AUTO)
		input = looks_like_qr(p, len) ? ECERT_INPUT_QR_TEXT : ECERT_INPUT_JSON;
	if (input == ECERT_INPUT_IMAGE) {
		rc = ecert_qrscan_memory(p, len, &text, &e);
		if (rc != ECERT_OK) {
			rc = failed(res, ECERT_CHECK_DECODE, &e);
			goto out;
		}
		p = text.data;
		len = text.len;
		input = ECERT_INPUT_QR_TEXT;
		how = "QR code read from the image";
	}
	if (input == ECERT_INPUT_QR_TEXT) {
		rc = ecert_qr_decode((const char *)p, len, &json, &e);
		if (rc != ECERT_OK) {
			rc = failed(res, ECERT_CHECK_DECODE, &e);
			goto out;
		}
		p = json.data;
		len = json.len;
		if (strcmp(how, "certificate JSON") == 0)
			how = "QR text";
	}
	pass(res, ECERT_CHECK_DECODE, "%s decoded (%zu bytes of JSON)", how, len);
	zh(res, ECERT_CHECK_DECODE, "%s已解码（JSON %zu 字节）",
	   strcmp(how, "QR text") == 0		 ? "二维码文本"
	   : strcmp(how, "certificate JSON") == 0 ? "证书 JSON "
						  : "图片中的二维码",
	   len);
	rc = ecert_json_parse_canon((const char *)p, len, &lim, "proof", &doc, &canon, &e);
	if (rc != ECERT_OK) {
		rc = failed(res, ECERT_CHECK_SCHEMA, &e);
		goto out;
	}
	res->certificate = doc;
	/* An issuer writes the JCS form (the QR payload always): then the signed bytes are
	 * the text without its proof member, and need not be serialized from the tree again.
	 * (Were they not the JCS form, the signature over that form would not verify.) If
	 * the copy cannot be made, the proof check serializes as for any other text. */
	if (canon.canonical && canon.cut_to > canon.cut_from &&
	    (ecert_buf_append(&canon_doc, p, canon.cut_from) != ECERT_OK ||
	     ecert_buf_append(&canon_doc, p + canon.cut_to, len - canon.cut_to) != ECERT_OK))
		ecert_buf_free(&canon_doc);
	rc = run_checks(v, opts, doc, canon_doc.data ? &canon_doc : NULL, res);
out:
	ecert_buf_free(&text);
	ecert_buf_free(&json);
	ecert_buf_free(&canon_doc);
	return res->valid ? ECERT_OK : rc;
}

int ecert_verify_digest(const struct ecert_verify_result *res,
			char out[ECERT_VERIFY_DIGEST_SIZE], struct ecert_error *err)
{
	struct ecert_buf canon = ECERT_BUF_INIT, hex = ECERT_BUF_INIT;
	unsigned char h[ECERT_HASH_MAX];
	int rc;

	out[0] = '\0';
	if (!res || !res->kind || !res->certificate)
		return ecert_fail(err, ECERT_ERR_ARG, "no certificate that passed the schema check");
	rc = ecert_jcs_serialize(res->certificate, &canon, err);
	if (rc == ECERT_OK)
		rc = ecert_hash(ECERT_ALG_SM2, canon.data, canon.len, h, err);
	if (rc == ECERT_OK && ecert_hex_encode(h, 32, &hex) != ECERT_OK)
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	if (rc == ECERT_OK)
		snprintf(out, ECERT_VERIFY_DIGEST_SIZE, "sm3:%s", (const char *)hex.data);
	ecert_buf_free(&canon);
	ecert_buf_free(&hex);
	return rc;
}

void ecert_verify_result_free(struct ecert_verify_result *res)
{
	if (!res)
		return;
	cJSON_Delete(res->certificate);
	res->certificate = NULL;
}

/* take: put res->certificate itself into the answer instead of a copy (the caller then
 * clears it) */
static cJSON *result_json(const struct ecert_verify_result *res, int take)
{
	cJSON *root, *checks, *c, *cert, *dig = NULL;
	char digest[ECERT_VERIFY_DIGEST_SIZE] = "";
	struct ecert_error e;
	int i;

	/* before the certificate may move: the digest is over it */
	if (res->kind && ecert_verify_digest(res, digest, &e) != ECERT_OK)
		return NULL;
	root = cJSON_CreateObject();
	if (!root)
		return NULL;
	if (!cJSON_AddBoolToObject(root, "valid", res->valid ? 1 : 0))
		goto fail;
	checks = cJSON_AddArrayToObject(root, "checks");
	if (!checks)
		goto fail;
	for (i = 0; i < ECERT_CHECK__COUNT; i++) {
		const struct ecert_check *k = &res->checks[i];

		c = cJSON_CreateObject();
		if (!c || !cJSON_AddItemToArray(checks, c))
			goto fail_item;
		if (!cJSON_AddStringToObject(c, "name", check_names[i]))
			goto fail;
		if (k->state == ECERT_CHECK_NOT_RUN) {
			if (!cJSON_AddNullToObject(c, "ok"))
				goto fail;
		} else if (!cJSON_AddBoolToObject(c, "ok", k->state == ECERT_CHECK_PASSED)) {
			goto fail;
		}
		if (!cJSON_AddStringToObject(c, "detail", k->detail) ||
		    (k->detail_zh[0] && !cJSON_AddStringToObject(c, "detailZh", k->detail_zh)))
			goto fail;
		if (k->state == ECERT_CHECK_FAILED &&
		    !cJSON_AddStringToObject(c, "error", ecert_errname(k->code)))
			goto fail;
	}
	/* the digest item first: once the certificate has moved nothing may fail (the keys
	 * are constants, added without an allocation) */
	if (digest[0] && !(dig = cJSON_CreateString(digest)))
		goto fail;
	if (res->certificate) {
		cert = take ? res->certificate : cJSON_Duplicate(res->certificate, 1);
		if (!cert) {
			cJSON_Delete(dig);
			goto fail;
		}
		cJSON_AddItemToObjectCS(root, "certificate", cert);
	} else if (!cJSON_AddNullToObject(root, "certificate")) {
		cJSON_Delete(dig);
		goto fail;
	}
	if (dig)
		cJSON_AddItemToObjectCS(root, "digest", dig);
	return root;
fail_item:
	cJSON_Delete(c);
fail:
	cJSON_Delete(root);
	return NULL;
}

cJSON *ecert_verify_result_json(const struct ecert_verify_result *res)
{
	return result_json(res, 0);
}

cJSON *ecert_verify_result_json_take(struct ecert_verify_result *res)
{
	cJSON *root = result_json(res, 1);

	if (root)
		res->certificate = NULL;
	return root;
}
