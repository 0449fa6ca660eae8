/* ecert-verifier — the counter service's HTTP API, apart from the HTTP server.
 *
 * `serve` (serve.c, on libmicrohttpd) receives a request, bounds and collects its body
 * and hands it here as plain bytes; api_handle() routes it and interprets the body into
 * a JSON answer and an HTTP status, or names an embedded static asset. Nothing here
 * knows about sockets or libmicrohttpd, so the whole request path can be unit-tested
 * and fuzzed without a network.
 *
 * Routes (DESIGN §7 for the verify answer):
 *   GET  /                  the counter page (embedded index.html)
 *   GET  /app.js, /style.css  its assets (embedded; no file system path is ever opened)
 *   GET  /healthz           {"status": "ok", …}
 *   GET  /api/v1/trust      the trust list's id, version and issuers (the page's footer)
 *   POST /api/v1/verify     body: QR text (text/plain), a certificate (application/json)
 *                           or a PNG/JPEG (image/png, image/jpeg; serve.c maps a
 *                           multipart upload's "image" field to API_CONTENT_UPLOAD);
 *                           answer: the JSON of `verify --json`
 *   POST /api/v1/claims     body: a claim (application/json); answer: `claim --json`
 * HEAD is allowed wherever GET is. Errors are {"error": {"code", "message"}}. */
#ifndef ECERT_VERIFIER_API_H
#define ECERT_VERIFIER_API_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "ecert/claim.h"
#include "ecert/error.h"
#include "ecert/json.h"
#include "ecert/qrscan.h"
#include "ecert/verify.h"

/* Largest body of a verify text request: a QR text (at most ECERT_QR_TEXT_MAX) or a
 * certificate's JSON (a few KB; the pipeline refuses more than 64 KiB). */
#define API_VERIFY_TEXT_MAX ((size_t)64 * 1024)
/* Largest claim (with its evidence certificates). */
#define API_CLAIM_BODY_MAX ECERT_CLAIM_MAX_BYTES
/* Largest image accepted for a verify (a phone photo of a paper certificate). */
#define API_IMAGE_BODY_MAX ((size_t)16 * 1024 * 1024)
/* Largest raw multipart/form-data body (the image plus the form's overhead). */
#define API_UPLOAD_BODY_MAX (API_IMAGE_BODY_MAX + (size_t)64 * 1024)
/* The content type serve.c passes for the "image" field of a multipart upload. */
#define API_CONTENT_UPLOAD "image/*"
/* The optional holder ID number given to confirm idDigest (the X-Holder-Id header or the
 * "holderId" form field): the 18 characters of a 居民身份证号. */
#define API_HOLDER_ID_LEN 18
#define API_HOLDER_HEADER "X-Holder-Id"
#define API_HOLDER_FIELD "holderId"
#define API_IMAGE_FIELD "image"

enum api_route {
	API_ROUTE_NONE = 0, /* 404 */
	API_ROUTE_ASSET,    /* an embedded static file */
	API_ROUTE_HEALTH,
	API_ROUTE_TRUST,
	API_ROUTE_VERIFY,
	API_ROUTE_CLAIMS,
};

/* One embedded static file (table generated at build time from verifier/web/). */
struct api_asset {
	const char *path;         /* URL path, "/" for index.html */
	const char *content_type; /* with charset for text */
	const unsigned char *data;
	const size_t *len;
};
/* Terminated by a row with path NULL. */
extern const struct api_asset api_assets[];

struct ecert_trustlist;
struct ecert_rules;

/* What a request is answered from: one loaded generation of the reloadable files
 * (reload.h keeps it alive while a request uses it). All members are read-only here. */
struct api_snapshot {
	const struct ecert_trustlist *trustlist;
	const struct ecert_verifier *verifier; /* over trustlist, with the status lists */
	const struct ecert_rules *rules;       /* pathway rules for claims, or NULL */
	size_t n_status;                       /* status lists added to verifier */
	int64_t loaded_at;                     /* Unix seconds */
};

struct api_ctx {
	const struct api_snapshot *snap; /* NULL answers 503 */
	int64_t now;                     /* the request's clock (Unix seconds) */
	int require_status;              /* `--require-status`: unchecked revocation fails */
	int stale;                       /* the last reload failed: answers come from an older
	                                    good snapshot (reported by /healthz) */
};

struct api_request {
	const char *method;       /* "GET", "POST", … */
	const char *path;         /* URL path, no query */
	const char *content_type; /* Content-Type header as sent, or NULL */
	const unsigned char *body;
	size_t len;
	const char *holder_id; /* optional, NULL if not given */
};

struct api_response {
	int status;                    /* HTTP status */
	cJSON *json;                   /* the JSON answer (owned: api_response_clear), or */
	const struct api_asset *asset; /* a static file (json is then NULL) */
	const char *allow;             /* with 405: the Allow header value */
};

/* The route of `path`, and in *allow the methods it accepts ("GET, HEAD" or "POST").
 * *asset is set for API_ROUTE_ASSET. Never fails; unknown paths are API_ROUTE_NONE. */
enum api_route api_route_match(const char *path, const char **allow,
                               const struct api_asset **asset);

/* Whether `method` is one the route accepts. */
int api_method_allowed(enum api_route route, const char *method);

/* The largest body the route accepts with this Content-Type (0: none expected). serve.c
 * enforces it while receiving, before anything is buffered past it. */
size_t api_body_max(enum api_route route, const char *content_type);

/* Answer one request. Always fills *resp (status and JSON or asset) — a malformed
 * request is a 4xx answer, never an error of this function; the caller frees with
 * api_response_clear. Returns ECERT_OK, or ECERT_ERR_NOMEM when even the error answer
 * could not be built (resp->status is then 500 and resp->json NULL). Thread-safe: any
 * number of requests may run at once over the same snapshot. */
int api_handle(const struct api_ctx *ctx, const struct api_request *req, struct api_response *resp);

void api_response_clear(struct api_response *resp);

/* The error answer {"error": {"code": code, "message": message}}; NULL on allocation
 * failure. Used by serve.c for the errors it finds itself (413 while receiving …). */
cJSON *api_error_json(const char *code, const char *message);

/* The media type of a Content-Type value, lowercased, without parameters, into out
 * ("" when absent or too long). */
void api_media_type(const char *content_type, char *out, size_t outlen);

#endif
