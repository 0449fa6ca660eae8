/* ecert-verifier — the counter service's HTTP API: routing and request bodies to JSON
 * answers (see api.h). No libmicrohttpd here. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "ecert/rules.h"
#include "ecert/trustlist.h"
#include "api.h"

#define API_ALLOW_GET "GET, HEAD"
#define API_ALLOW_POST "POST"
/* Longest media type kept when parsing Content-Type ("application/octet-stream" is 24). */
#define API_MEDIA_MAX 64
/* Room for an error message built from an ecert_error (where + ": " + msg). */
#define API_MSG_MAX (ECERT_ERR_WHERE_MAX + ECERT_ERR_MSG_MAX + 8)

enum body_kind {
	BODY_UNSUPPORTED = 0,
	BODY_TEXT,  /* text/plain: QR text or JSON, told apart by the prefix */
	BODY_JSON,  /* application/json */
	BODY_IMAGE, /* image/png, image/jpeg, or a decoded upload */
	BODY_MULTIPART,
};

static const struct {
	const char *path;
	enum api_route route;
} api_routes[] = {
    {"/healthz", API_ROUTE_HEALTH},
    {"/api/v1/trust", API_ROUTE_TRUST},
    {"/api/v1/verify", API_ROUTE_VERIFY},
    {"/api/v1/claims", API_ROUTE_CLAIMS},
};

void api_media_type(const char *content_type, char *out, size_t outlen)
{
	size_t n = 0;
	const char *p = content_type;

	if (!outlen)
		return;
	out[0] = '\0';
	if (!p)
		return;
	while (*p == ' ' || *p == '\t')
		p++;
	while (p[n] && p[n] != ';' && p[n] != ' ' && p[n] != '\t') {
		if (n + 1 >= outlen) {
			out[0] = '\0';
			return;
		}
		out[n] = (char)((p[n] >= 'A' && p[n] <= 'Z') ? p[n] - 'A' + 'a' : p[n]);
		n++;
	}
	out[n] = '\0';
}

static enum body_kind body_kind_of(const char *content_type)
{
	char mt[API_MEDIA_MAX];

	api_media_type(content_type, mt, sizeof mt);
	if (strcmp(mt, "text/plain") == 0)
		return BODY_TEXT;
	if (strcmp(mt, "application/json") == 0)
		return BODY_JSON;
	if (strcmp(mt, "image/png") == 0 || strcmp(mt, "image/jpeg") == 0 ||
	    strcmp(mt, API_CONTENT_UPLOAD) == 0)
		return BODY_IMAGE;
	if (strcmp(mt, "multipart/form-data") == 0)
		return BODY_MULTIPART;
	return BODY_UNSUPPORTED;
}

enum api_route api_route_match(const char *path, const char **allow, const struct api_asset **asset)
{
	const struct api_asset *a;
	size_t i;

	*allow = NULL;
	*asset = NULL;
	if (!path)
		return API_ROUTE_NONE;
	for (i = 0; i < sizeof api_routes / sizeof api_routes[0]; i++) {
		if (strcmp(path, api_routes[i].path) == 0) {
			switch (api_routes[i].route) {
			case API_ROUTE_VERIFY:
			case API_ROUTE_CLAIMS:
				*allow = API_ALLOW_POST;
				break;
			default:
				*allow = API_ALLOW_GET;
				break;
			}
			return api_routes[i].route;
		}
	}
	/* Static files come from the embedded table only: a path is a key, never a file
	 * name, so "../" or "%2e%2e" can lead nowhere. */
	for (a = api_assets; a->path; a++) {
		if (strcmp(path, a->path) == 0) {
			*allow = API_ALLOW_GET;
			*asset = a;
			return API_ROUTE_ASSET;
		}
	}
	return API_ROUTE_NONE;
}

int api_method_allowed(enum api_route route, const char *method)
{
	if (!method)
		return 0;
	switch (route) {
	case API_ROUTE_VERIFY:
	case API_ROUTE_CLAIMS:
		return strcmp(method, "POST") == 0;
	case API_ROUTE_ASSET:
	case API_ROUTE_HEALTH:
	case API_ROUTE_TRUST:
		return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	case API_ROUTE_NONE:
		break;
	}
	return 0;
}

size_t api_body_max(enum api_route route, const char *content_type)
{
	switch (route) {
	case API_ROUTE_VERIFY:
		switch (body_kind_of(content_type)) {
		case BODY_TEXT:
		case BODY_JSON:
			return API_VERIFY_TEXT_MAX;
		case BODY_IMAGE:
			return API_IMAGE_BODY_MAX;
		case BODY_MULTIPART:
			return API_UPLOAD_BODY_MAX;
		case BODY_UNSUPPORTED:
			break;
		}
		return 0;
	case API_ROUTE_CLAIMS:
		switch (body_kind_of(content_type)) {
		case BODY_TEXT:
		case BODY_JSON:
			return API_CLAIM_BODY_MAX;
		default:
			return 0;
		}
	default:
		return 0;
	}
}

cJSON *api_error_json(const char *code, const char *message)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *e = cJSON_CreateObject();

	if (!root || !e || !cJSON_AddStringToObject(e, "code", code) ||
	    !cJSON_AddStringToObject(e, "message", message)) {
		cJSON_Delete(root);
		cJSON_Delete(e);
		return NULL;
	}
	cJSON_AddItemToObject(root, "error", e);
	return root;
}

static int answer_error(struct api_response *resp, int status, const char *code,
                        const char *message)
{
	resp->status = status;
	resp->json = api_error_json(code, message);
	if (!resp->json) {
		resp->status = 500;
		return ECERT_ERR_NOMEM;
	}
	return ECERT_OK;
}

static void error_text(const struct ecert_error *err, char *out, size_t outlen)
{
	const char *msg = err->msg[0] ? err->msg : ecert_strerror(err->code);

	if (err->where[0])
		snprintf(out, outlen, "%s: %s", err->where, msg);
	else
		snprintf(out, outlen, "%s", msg);
}

static int format_time(int64_t t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static int handle_health(const struct api_ctx *ctx, struct api_response *resp)
{
	const struct api_snapshot *s = ctx->snap;
	char when[32];
	cJSON *root = cJSON_CreateObject();

	if (!root)
		goto oom;
	format_time(s->loaded_at, when, sizeof when);
	if (!cJSON_AddStringToObject(root, "status", "ok") ||
	    !cJSON_AddNumberToObject(root, "trustListVersion",
	                             (double)ecert_trustlist_version(s->trustlist)) ||
	    !cJSON_AddNumberToObject(root, "statusLists", (double)s->n_status) ||
	    !cJSON_AddBoolToObject(root, "rules", s->rules != NULL) ||
	    !cJSON_AddStringToObject(root, "loadedAt", when) ||
	    !cJSON_AddBoolToObject(root, "stale", ctx->stale != 0))
		goto oom;
	resp->status = 200;
	resp->json = root;
	return ECERT_OK;
oom:
	cJSON_Delete(root);
	return answer_error(resp, 500, "nomem", "out of memory");
}

static int handle_trust(const struct api_ctx *ctx, struct api_response *resp)
{
	const struct ecert_trustlist *tl = ctx->snap->trustlist;
	cJSON *root = cJSON_CreateObject();
	cJSON *list, *issuers, *item;
	const char *id, *name;
	char when[32];
	size_t i, n;

	if (!root)
		goto oom;
	list = cJSON_AddObjectToObject(root, "trustList");
	if (!list || !cJSON_AddStringToObject(list, "id", ecert_trustlist_id(tl)) ||
	    !cJSON_AddNumberToObject(list, "version", (double)ecert_trustlist_version(tl)) ||
	    !cJSON_AddStringToObject(list, "issued", ecert_trustlist_issued_text(tl)) ||
	    !cJSON_AddStringToObject(list, "rootKid", ecert_trustlist_root_kid(tl)))
		goto oom;
	issuers = cJSON_AddArrayToObject(root, "issuers");
	if (!issuers)
		goto oom;
	n = ecert_trustlist_issuer_count(tl);
	for (i = 0; i < n; i++) {
		if (ecert_trustlist_issuer(tl, i, &id, &name) != ECERT_OK)
			continue;
		item = cJSON_CreateObject();
		if (!item)
			goto oom;
		cJSON_AddItemToArray(issuers, item);
		if (!cJSON_AddStringToObject(item, "id", id) ||
		    !cJSON_AddStringToObject(item, "name", name ? name : ""))
			goto oom;
	}
	if (ctx->snap->rules) {
		const struct ecert_rules *rules = ctx->snap->rules;
		cJSON *r = cJSON_AddObjectToObject(root, "rules");

		if (!r || !cJSON_AddStringToObject(r, "policy", ecert_rules_policy_id(rules)) ||
		    !cJSON_AddStringToObject(r, "documentNumber",
		                             ecert_rules_document_number(rules)) ||
		    !cJSON_AddStringToObject(r, "version", ecert_rules_version(rules)))
			goto oom;
	}
	format_time(ctx->snap->loaded_at, when, sizeof when);
	if (!cJSON_AddNumberToObject(root, "statusLists", (double)ctx->snap->n_status) ||
	    !cJSON_AddStringToObject(root, "loadedAt", when))
		goto oom;
	resp->status = 200;
	resp->json = root;
	return ECERT_OK;
oom:
	cJSON_Delete(root);
	return answer_error(resp, 500, "nomem", "out of memory");
}

/* An ID number as printed on the card: 17 digits and a digit or X. The checksum is the
 * holder check's business; this only keeps junk out. */
static int holder_id_ok(const char *id, char out[API_HOLDER_ID_LEN + 1])
{
	size_t i;

	if (strlen(id) != API_HOLDER_ID_LEN)
		return 0;
	for (i = 0; i < API_HOLDER_ID_LEN; i++) {
		char c = id[i];

		if (c >= '0' && c <= '9')
			out[i] = c;
		else if (i == API_HOLDER_ID_LEN - 1 && (c == 'X' || c == 'x'))
			out[i] = 'X';
		else
			return 0;
	}
	out[API_HOLDER_ID_LEN] = '\0';
	return 1;
}

/* The check that found the input is no certificate at all — it could not be decoded
 * (QR text, image) or is not strict JSON — or NULL when the input was a document and
 * the answer is a verdict on it. */
static const struct ecert_check *unreadable(const struct ecert_verify_result *res)
{
	const struct ecert_check *c = &res->checks[ECERT_CHECK_DECODE];

	if (c->state == ECERT_CHECK_FAILED)
		return c;
	c = &res->checks[ECERT_CHECK_SCHEMA];
	if (c->state == ECERT_CHECK_FAILED && c->code >= ECERT_ERR_JSON_SYNTAX &&
	    c->code <= ECERT_ERR_JSON_NUMBER)
		return c;
	return NULL;
}

static int handle_verify(const struct api_ctx *ctx, const struct api_request *req,
                         enum body_kind kind, struct api_response *resp)
{
	struct ecert_verify_opts opts;
	struct ecert_verify_result res;
	const struct ecert_check *decode;
	enum ecert_input input;
	char holder[API_HOLDER_ID_LEN + 1] = "";

	switch (kind) {
	case BODY_TEXT:
		input = ECERT_INPUT_AUTO;
		break;
	case BODY_JSON:
		input = ECERT_INPUT_JSON;
		break;
	case BODY_IMAGE:
		input = ECERT_INPUT_IMAGE;
		break;
	default:
		return answer_error(resp, 415, "unsupported_media_type",
		                    "send QR text as text/plain, a certificate as "
		                    "application/json, or a PNG/JPEG image");
	}
	memset(&opts, 0, sizeof opts);
	opts.at = ctx->now;
	opts.require_status = ctx->require_status;
	if (req->holder_id && req->holder_id[0]) {
		if (!holder_id_ok(req->holder_id, holder))
			return answer_error(resp, 400, "bad_holder_id",
			                    "the holder's ID number must be 17 digits and a "
			                    "digit or X");
		opts.holder_id = holder;
	}
	memset(&res, 0, sizeof res);
	ecert_verify(ctx->snap->verifier, &opts, input, req->body, req->len, &res);
	resp->json = ecert_verify_result_json_take(&res);
	decode = unreadable(&res);
	if (resp->json && decode) {
		/* Nothing that could be a certificate was found: a bad request, still
		 * answered with the checks so the page can say which step refused it. */
		cJSON *e = cJSON_CreateObject();

		if (!e || !cJSON_AddStringToObject(e, "code", ecert_errname(decode->code)) ||
		    !cJSON_AddStringToObject(e, "message",
		                             decode->detail[0] ? decode->detail
		                                               : ecert_strerror(decode->code))) {
			cJSON_Delete(e);
			cJSON_Delete(resp->json);
			resp->json = NULL;
		} else {
			cJSON_AddItemToObject(resp->json, "error", e);
		}
		resp->status = 400;
	} else {
		resp->status = 200;
	}
	OPENSSL_cleanse(holder, sizeof holder);
	ecert_verify_result_free(&res);
	if (!resp->json)
		return answer_error(resp, 500, "nomem", "out of memory");
	return ECERT_OK;
}

static int handle_claim(const struct api_ctx *ctx, const struct api_request *req,
                        enum body_kind kind, struct api_response *resp)
{
	struct ecert_json_limits lim = {API_CLAIM_BODY_MAX, 0};
	struct ecert_verify_opts opts;
	struct ecert_claim_report rep;
	struct ecert_error err;
	char msg[API_MSG_MAX];
	cJSON *claim = NULL;
	int rc;

	if (kind != BODY_JSON && kind != BODY_TEXT)
		return answer_error(resp, 415, "unsupported_media_type",
		                    "send the claim as application/json");
	if (!ctx->snap->rules)
		return answer_error(resp, 503, "unavailable", "no pathway rules are loaded");
	ecert_error_clear(&err);
	rc = ecert_json_parse((const char *)req->body, req->len, &lim, &claim, &err);
	if (rc != ECERT_OK) {
		error_text(&err, msg, sizeof msg);
		return answer_error(resp, rc == ECERT_ERR_NOMEM ? 500 : 400, ecert_errname(rc),
		                    msg);
	}
	memset(&opts, 0, sizeof opts);
	opts.at = ctx->now;
	opts.require_status = ctx->require_status;
	/* Every verdict (eligible, not eligible, needs review) is a 200 answer; a claim that
	 * cannot be read is the request's fault (400). */
	rc = ecert_claim_check(ctx->snap->verifier, ctx->snap->rules, claim, &opts, &rep, &err);
	if (rc == ECERT_OK) {
		resp->json = ecert_claim_report_json(&rep);
		resp->status = 200;
		if (!resp->json)
			rc = answer_error(resp, 500, "nomem", "out of memory");
	} else {
		error_text(&err, msg, sizeof msg);
		rc = answer_error(resp, rc == ECERT_ERR_NOMEM ? 500 : 400, ecert_errname(rc), msg);
	}
	ecert_claim_report_free(&rep);
	cJSON_Delete(claim);
	return rc;
}

int api_handle(const struct api_ctx *ctx, const struct api_request *req, struct api_response *resp)
{
	const struct api_asset *asset;
	const char *allow;
	enum api_route route;
	enum body_kind kind = BODY_UNSUPPORTED;
	size_t max;

	memset(resp, 0, sizeof *resp);
	route = api_route_match(req->path, &allow, &asset);
	if (route == API_ROUTE_NONE)
		return answer_error(resp, 404, "not_found", "no such resource");
	if (!api_method_allowed(route, req->method)) {
		resp->allow = allow;
		return answer_error(resp, 405, "method_not_allowed",
		                    strcmp(allow, API_ALLOW_POST) == 0
		                        ? "this resource accepts POST only"
		                        : "this resource accepts GET and HEAD only");
	}
	if (route == API_ROUTE_VERIFY || route == API_ROUTE_CLAIMS) {
		kind = body_kind_of(req->content_type);
		if (kind == BODY_MULTIPART || kind == BODY_UNSUPPORTED ||
		    (route == API_ROUTE_CLAIMS && kind == BODY_IMAGE))
			return answer_error(resp, 415, "unsupported_media_type",
			                    route == API_ROUTE_CLAIMS
			                        ? "send the claim as application/json"
			                        : "send QR text as text/plain, a certificate "
			                          "as application/json, or a PNG/JPEG image");
		max = api_body_max(route, req->content_type);
		if (req->len > max)
			return answer_error(resp, 413, "payload_too_large",
			                    "the request body is larger than this resource "
			                    "accepts");
		if (req->len == 0 || !req->body)
			return answer_error(resp, 400, "empty_body", "the request has no body");
	} else if (req->len > 0) {
		return answer_error(resp, 413, "payload_too_large",
		                    "this resource takes no request body");
	}
	if (route == API_ROUTE_ASSET) {
		resp->status = 200;
		resp->asset = asset;
		return ECERT_OK;
	}
	if (!ctx->snap)
		return answer_error(resp, 503, "unavailable", "no trust list is loaded");
	switch (route) {
	case API_ROUTE_HEALTH:
		return handle_health(ctx, resp);
	case API_ROUTE_TRUST:
		return handle_trust(ctx, resp);
	case API_ROUTE_VERIFY:
		return handle_verify(ctx, req, kind, resp);
	case API_ROUTE_CLAIMS:
		return handle_claim(ctx, req, kind, resp);
	default:
		break;
	}
	return answer_error(resp, 404, "not_found", "no such resource");
}

void api_response_clear(struct api_response *resp)
{
	if (!resp)
		return;
	cJSON_Delete(resp->json);
	memset(resp, 0, sizeof *resp);
}
