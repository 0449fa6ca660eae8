/* fuzz_api: the counter service's request handling (verifier/api.c) — everything `serve`
 * does with a request after libmicrohttpd has bounded and collected it.
 *
 * Set-up (once): a throw-away root and issuer key, a trust list signed with trustedit, the
 * verifier over it, the embedded rules, and one certificate signed by the issuer, whose
 * QR text and JSON must verify (checked once, so a broken set-up is not fuzzed blind).
 *
 * Input: byte 0 picks the method, byte 1 the path, byte 2 the Content-Type, byte 3 a
 * holder ID (none, the holder's, another, junk); the rest is the body. When the low bit
 * of byte 4 is set, the body is instead the signed certificate (JSON or QR text, by bit
 * 1) with the remaining bytes written over it at an offset, so the checks past decoding
 * are reached too.
 *
 * Properties: api_handle never fails for an input (only for memory); the status is one of
 * the documented ones; an answer is a JSON object or a static asset, never both; every 4xx
 * and 5xx carries {"error": {"code", "message"}} with strings; a 405 names the allowed
 * methods; a verify answer has "valid" and the eight checks, and valid:true only with
 * status 200 and every check passed or not run. */
#include <string.h>

#include "ecert/datetime.h"
#include "ecert/qrpayload.h"
#include "ecert/rules.h"
#include "ecert/sign.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"
#include "ecert/verify.h"
#include "api.h"
#include "fuzz.h"

#define ISSUER_ID "urn:uscc:52220000MJ09277315"
#define HOLDER_ID "220102198503121230"

static const char cert_template[] =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
    "\"id\":\"urn:ecert:S000022000001202000001\","
    "\"type\":[\"VerifiableCredential\",\"SkillCertificate\"],"
    "\"issuer\":{\"id\":\"" ISSUER_ID "\",\"name\":\"吉林省汽车工业职业技能等级认定中心\"},"
    "\"validFrom\":\"2020-06-15T00:00:00+08:00\","
    "\"credentialSubject\":{\"name\":\"王建国\",\"idNumberMasked\":\"220102********1230\","
    "\"idDigest\":\"sm3:AAAAAAAAAAAAAAAAAAAAAA:"
    "0000000000000000000000000000000000000000000000000000000000000000\","
    "\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\",\"level\":\"二级\","
    "\"levelName\":\"技师\",\"certifiedOn\":\"2020-06-15\","
    "\"certificateKind\":\"职业技能等级证书\"},"
    "\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\","
    "\"statusPurpose\":\"revocation\",\"statusListIndex\":\"1\","
    "\"statusListCredential\":\"urn:ecert:status:52220000MJ09277315:AAAAAAAAAAA\"}}";

static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "get"};
static const char *const paths[] = {
    "/api/v1/verify", "/api/v1/claims", "/healthz", "/api/v1/trust",  "/",
    "/app.js",        "/style.css",     "/nothing", "/../etc/passwd", "/api/v1/verify/"};
static const char *const types[] = {"text/plain",
                                    "application/json",
                                    "image/png",
                                    API_CONTENT_UPLOAD,
                                    "multipart/form-data; boundary=x",
                                    "Text/Plain; charset=utf-8",
                                    "application/x-www-form-urlencoded",
                                    NULL};
static const char *const holders[] = {NULL, HOLDER_ID, "11010519491231002X", "12345x"};

static struct api_snapshot snap;
static char *signed_json;
static struct ecert_buf signed_qr = ECERT_BUF_INIT;

static void set_up(void)
{
	struct ecert_error err;
	struct ecert_trustedit *ed = NULL;
	struct ecert_trustlist *tl = NULL;
	struct ecert_verifier *v = NULL;
	struct ecert_rules *rules = NULL;
	const char *kinds[] = {ECERT_KIND_SKILL};
	struct ecert_trust_entry_spec spec;
	EVP_PKEY *root = NULL, *issuer = NULL;
	char kid[ECERT_KID_LEN + 1], vm[128];
	cJSON *doc = NULL;

	ecert_error_clear(&err);
	FUZZ_CHECK(ecert_key_generate(ECERT_ALG_SM2, &root, &err) == ECERT_OK, "%s", err.msg);
	FUZZ_CHECK(ecert_key_generate(ECERT_ALG_SM2, &issuer, &err) == ECERT_OK, "%s", err.msg);
	FUZZ_CHECK(ecert_trustedit_new(root, "fuzz", &ed, &err) == ECERT_OK, "%s", err.msg);
	memset(&spec, 0, sizeof spec);
	spec.key = issuer;
	spec.issuer_id = ISSUER_ID;
	spec.issuer_name = "吉林省汽车工业职业技能等级认定中心";
	spec.kinds = kinds;
	spec.n_kinds = 1;
	spec.valid_from = ecert_time_now() - 86400;
	FUZZ_CHECK(ecert_trustedit_add(ed, &spec, &err) == ECERT_OK, "%s", err.msg);
	FUZZ_CHECK(ecert_trustedit_commit(ed, ecert_time_now(), &err) == ECERT_OK, "%s", err.msg);
	FUZZ_CHECK(ecert_trustlist_from_json(ecert_trustedit_json(ed), root, &tl, &err) == ECERT_OK,
	           "%s", err.msg);
	FUZZ_CHECK(ecert_verifier_new(tl, &v, &err) == ECERT_OK, "%s", err.msg);
	FUZZ_CHECK(ecert_rules_load(NULL, &rules, &err) == ECERT_OK, "%s", err.msg);

	FUZZ_CHECK(ecert_json_parse(cert_template, strlen(cert_template), NULL, &doc, &err) ==
	               ECERT_OK,
	           "%s", err.msg);
	FUZZ_CHECK(ecert_key_kid(issuer, kid, &err) == ECERT_OK, "%s", err.msg);
	snprintf(vm, sizeof vm, "%s#%s", ISSUER_ID, kid);
	FUZZ_CHECK(ecert_proof_sign(doc, issuer, vm, NULL, &err) == ECERT_OK, "%s", err.msg);
	signed_json = cJSON_PrintUnformatted(doc);
	FUZZ_CHECK(signed_json != NULL, "out of memory");
	FUZZ_CHECK(ecert_qr_encode(doc, &signed_qr, &err) == ECERT_OK, "%s", err.msg);

	snap.trustlist = tl;
	snap.verifier = v;
	snap.rules = rules;
	snap.loaded_at = ecert_time_now();
	cJSON_Delete(doc);
	ecert_trustedit_free(ed);
	EVP_PKEY_free(root);
	EVP_PKEY_free(issuer);
	/* tl, v, rules, signed_json and signed_qr live as long as the process */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct api_ctx ctx = {&snap, 0, 0, 0};
	struct api_request req;
	struct api_response resp;
	const cJSON *valid;

	(void)argc;
	(void)argv;
	if (ecert_init() != 0)
		abort();
	set_up();
	ctx.now = ecert_time_now();
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = "/api/v1/verify";
	req.content_type = "text/plain";
	req.body = signed_qr.data;
	req.len = signed_qr.len;
	FUZZ_CHECK(api_handle(&ctx, &req, &resp) == ECERT_OK, "set-up verify");
	valid = cJSON_GetObjectItemCaseSensitive(resp.json, "valid");
	FUZZ_CHECK(resp.status == 200 && cJSON_IsTrue(valid), "the signed QR text does not verify");
	api_response_clear(&resp);
	return 0;
}

static int status_known(int s)
{
	static const int known[] = {200, 400, 404, 405, 413, 415, 500, 503};
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (s == known[i])
			return 1;
	return 0;
}

static void check_answer(const struct api_request *req, const struct api_response *resp)
{
	const cJSON *e, *code, *msg, *valid, *checks, *c;
	int n = 0, all_ok = 1;

	FUZZ_CHECK(status_known(resp->status), "status %d", resp->status);
	FUZZ_CHECK((resp->json != NULL) != (resp->asset != NULL), "json %p asset %p",
	           (void *)resp->json, (const void *)resp->asset);
	if (resp->asset) {
		FUZZ_CHECK(resp->status == 200, "asset with status %d", resp->status);
		return;
	}
	FUZZ_CHECK(cJSON_IsObject(resp->json), "answer is not an object");
	if (resp->status >= 400) {
		e = cJSON_GetObjectItemCaseSensitive(resp->json, "error");
		code = cJSON_GetObjectItemCaseSensitive(e, "code");
		msg = cJSON_GetObjectItemCaseSensitive(e, "message");
		FUZZ_CHECK(cJSON_IsString(code) && cJSON_IsString(msg), "status %d without error",
		           resp->status);
	}
	if (resp->status == 405)
		FUZZ_CHECK(resp->allow != NULL, "405 without Allow");
	if (strcmp(req->path, "/api/v1/verify") == 0 && resp->status <= 400 &&
	    cJSON_GetObjectItemCaseSensitive(resp->json, "checks")) {
		valid = cJSON_GetObjectItemCaseSensitive(resp->json, "valid");
		checks = cJSON_GetObjectItemCaseSensitive(resp->json, "checks");
		FUZZ_CHECK(cJSON_IsBool(valid) && cJSON_IsArray(checks), "verify answer shape");
		cJSON_ArrayForEach(c, checks)
		{
			const cJSON *ok = cJSON_GetObjectItemCaseSensitive(c, "ok");

			n++;
			if (cJSON_IsFalse(ok))
				all_ok = 0;
		}
		FUZZ_CHECK(n == ECERT_CHECK__COUNT, "%d checks", n);
		if (cJSON_IsTrue(valid))
			FUZZ_CHECK(resp->status == 200 && all_ok,
			           "valid with status %d or a failed check", resp->status);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_ctx ctx = {&snap, 0, 0, 0};
	struct api_request req;
	struct api_response resp;
	unsigned char *body = NULL;
	size_t len = 0;

	if (size < 5)
		return 0;
	memset(&req, 0, sizeof req);
	req.method = methods[data[0] % (sizeof methods / sizeof methods[0])];
	req.path = paths[data[1] % (sizeof paths / sizeof paths[0])];
	req.content_type = types[data[2] % (sizeof types / sizeof types[0])];
	req.holder_id = holders[data[3] % (sizeof holders / sizeof holders[0])];
	ctx.now = ecert_time_now();
	ctx.require_status = (data[4] >> 2) & 1;
	if (data[4] & 1) {
		/* splice the rest over the signed certificate at an offset */
		const char *base = (data[4] & 2) ? (const char *)signed_qr.data : signed_json;
		size_t blen = strlen(base), off, n = size - 5;

		off = n ? data[5] % (blen + 1) : 0;
		len = blen > off + n ? blen : off + n;
		body = ecert_malloc(len ? len : 1);
		FUZZ_CHECK(body != NULL, "out of memory");
		memcpy(body, base, blen);
		if (n)
			memcpy(body + off, data + 5, n);
	} else {
		len = size - 5;
		body = ecert_malloc(len ? len : 1);
		FUZZ_CHECK(body != NULL, "out of memory");
		memcpy(body, data + 5, len);
	}
	req.body = body;
	req.len = len;
	FUZZ_CHECK(api_handle(&ctx, &req, &resp) == ECERT_OK, "api_handle failed");
	check_answer(&req, &resp);
	api_response_clear(&resp);
	ecert_free(body);
	return 0;
}
