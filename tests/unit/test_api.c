/* Unit tests of the counter service's API layer (verifier/api.c) without a network:
 * routing, methods, media types, body bounds, error answers, static assets. The
 * verification answers themselves go through real HTTP in tests/e2e/serve_api.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "api.h"

static const struct api_ctx no_snapshot = {NULL, 0, 0, 0};

static int call(const char *method, const char *path, const char *ct, const char *body,
                struct api_response *resp)
{
	struct api_request req;

	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = path;
	req.content_type = ct;
	req.body = (const unsigned char *)body;
	req.len = body ? strlen(body) : 0;
	assert_int_equal(api_handle(&no_snapshot, &req, resp), ECERT_OK);
	return resp->status;
}

static const char *error_code(const struct api_response *resp)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(resp->json, "error");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");

	assert_non_null(e);
	assert_true(cJSON_IsString(m) && m->valuestring[0]);
	return cJSON_IsString(c) ? c->valuestring : "";
}

static void test_routes(void **state)
{
	const struct api_asset *asset;
	const char *allow;

	(void)state;
	assert_int_equal(api_route_match("/api/v1/verify", &allow, &asset), API_ROUTE_VERIFY);
	assert_string_equal(allow, "POST");
	assert_null(asset);
	assert_int_equal(api_route_match("/api/v1/claims", &allow, &asset), API_ROUTE_CLAIMS);
	assert_int_equal(api_route_match("/healthz", &allow, &asset), API_ROUTE_HEALTH);
	assert_string_equal(allow, "GET, HEAD");
	assert_int_equal(api_route_match("/api/v1/trust", &allow, &asset), API_ROUTE_TRUST);
	assert_int_equal(api_route_match("/", &allow, &asset), API_ROUTE_ASSET);
	assert_non_null(asset);
	assert_string_equal(asset->content_type, "text/html; charset=utf-8");
	assert_int_equal(api_route_match("/app.js", &allow, &asset), API_ROUTE_ASSET);
	assert_string_equal(asset->content_type, "text/javascript; charset=utf-8");
	assert_int_equal(api_route_match("/style.css", &allow, &asset), API_ROUTE_ASSET);
	/* no prefix matching, no file names, no normalisation */
	assert_int_equal(api_route_match("/api/v1/verify/", &allow, &asset), API_ROUTE_NONE);
	assert_int_equal(api_route_match("/api/v1/verifyx", &allow, &asset), API_ROUTE_NONE);
	assert_int_equal(api_route_match("/index.html", &allow, &asset), API_ROUTE_NONE);
	assert_int_equal(api_route_match("/../app.js", &allow, &asset), API_ROUTE_NONE);
	assert_int_equal(api_route_match("/./app.js", &allow, &asset), API_ROUTE_NONE);
	assert_int_equal(api_route_match("//app.js", &allow, &asset), API_ROUTE_NONE);
	assert_int_equal(api_route_match("/web/app.js", &allow, &asset), API_ROUTE_NONE);
	assert_int_equal(api_route_match("", &allow, &asset), API_ROUTE_NONE);
	assert_int_equal(api_route_match(NULL, &allow, &asset), API_ROUTE_NONE);
	assert_null(allow);
}

static void test_methods(void **state)
{
	(void)state;
	assert_true(api_method_allowed(API_ROUTE_VERIFY, "POST"));
	assert_false(api_method_allowed(API_ROUTE_VERIFY, "GET"));
	assert_false(api_method_allowed(API_ROUTE_VERIFY, "post"));
	assert_false(api_method_allowed(API_ROUTE_VERIFY, "OPTIONS"));
	assert_true(api_method_allowed(API_ROUTE_HEALTH, "GET"));
	assert_true(api_method_allowed(API_ROUTE_HEALTH, "HEAD"));
	assert_false(api_method_allowed(API_ROUTE_HEALTH, "POST"));
	assert_true(api_method_allowed(API_ROUTE_ASSET, "GET"));
	assert_false(api_method_allowed(API_ROUTE_ASSET, "PUT"));
	assert_false(api_method_allowed(API_ROUTE_NONE, "GET"));
	assert_false(api_method_allowed(API_ROUTE_CLAIMS, NULL));
}

static void test_media_type(void **state)
{
	char mt[32];

	(void)state;
	api_media_type("Text/Plain; charset=UTF-8", mt, sizeof mt);
	assert_string_equal(mt, "text/plain");
	api_media_type("  application/json", mt, sizeof mt);
	assert_string_equal(mt, "application/json");
	api_media_type("multipart/form-data;boundary=x", mt, sizeof mt);
	assert_string_equal(mt, "multipart/form-data");
	api_media_type(NULL, mt, sizeof mt);
	assert_string_equal(mt, "");
	api_media_type("", mt, sizeof mt);
	assert_string_equal(mt, "");
	/* too long: nothing rather than a truncated type that might match */
	api_media_type("application/jsonxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", mt, 17);
	assert_string_equal(mt, "");
}

static void test_body_max(void **state)
{
	(void)state;
	assert_int_equal(api_body_max(API_ROUTE_VERIFY, "text/plain"), API_VERIFY_TEXT_MAX);
	assert_int_equal(api_body_max(API_ROUTE_VERIFY, "application/json; charset=utf-8"),
	                 API_VERIFY_TEXT_MAX);
	assert_int_equal(api_body_max(API_ROUTE_VERIFY, "image/png"), API_IMAGE_BODY_MAX);
	assert_int_equal(api_body_max(API_ROUTE_VERIFY, "image/jpeg"), API_IMAGE_BODY_MAX);
	assert_int_equal(api_body_max(API_ROUTE_VERIFY, "multipart/form-data; boundary=b"),
	                 API_UPLOAD_BODY_MAX);
	assert_int_equal(api_body_max(API_ROUTE_VERIFY, "application/x-www-form-urlencoded"), 0);
	assert_int_equal(api_body_max(API_ROUTE_VERIFY, NULL), 0);
	assert_int_equal(api_body_max(API_ROUTE_CLAIMS, "application/json"), API_CLAIM_BODY_MAX);
	assert_int_equal(api_body_max(API_ROUTE_CLAIMS, "image/png"), 0);
	assert_int_equal(api_body_max(API_ROUTE_CLAIMS, "multipart/form-data; boundary=b"), 0);
	assert_int_equal(api_body_max(API_ROUTE_HEALTH, "text/plain"), 0);
	assert_int_equal(api_body_max(API_ROUTE_ASSET, NULL), 0);
	assert_int_equal(api_body_max(API_ROUTE_NONE, "text/plain"), 0);
}

static void test_errors(void **state)
{
	struct api_response resp;

	(void)state;
	assert_int_equal(call("GET", "/nothing", NULL, NULL, &resp), 404);
	assert_string_equal(error_code(&resp), "not_found");
	assert_null(resp.allow);
	api_response_clear(&resp);

	assert_int_equal(call("GET", "/api/v1/verify", NULL, NULL, &resp), 405);
	assert_string_equal(error_code(&resp), "method_not_allowed");
	assert_string_equal(resp.allow, "POST");
	api_response_clear(&resp);

	assert_int_equal(call("DELETE", "/healthz", NULL, NULL, &resp), 405);
	assert_string_equal(resp.allow, "GET, HEAD");
	api_response_clear(&resp);

	assert_int_equal(
	    call("POST", "/api/v1/verify", "application/x-www-form-urlencoded", "a=b", &resp), 415);
	assert_string_equal(error_code(&resp), "unsupported_media_type");
	api_response_clear(&resp);

	/* a raw multipart body is serve.c's to decode, never api's */
	assert_int_equal(
	    call("POST", "/api/v1/verify", "multipart/form-data; boundary=x", "--x", &resp), 415);
	api_response_clear(&resp);

	assert_int_equal(call("POST", "/api/v1/claims", "image/png", "x", &resp), 415);
	api_response_clear(&resp);

	assert_int_equal(call("POST", "/api/v1/verify", "text/plain", "", &resp), 400);
	assert_string_equal(error_code(&resp), "empty_body");
	api_response_clear(&resp);

	assert_int_equal(call("GET", "/healthz", NULL, "unexpected", &resp), 413);
	api_response_clear(&resp);

	/* without a loaded trust list the service says so instead of guessing */
	assert_int_equal(call("GET", "/healthz", NULL, NULL, &resp), 503);
	assert_string_equal(error_code(&resp), "unavailable");
	api_response_clear(&resp);
	assert_int_equal(call("POST", "/api/v1/verify", "text/plain", "EC1:ABC", &resp), 503);
	api_response_clear(&resp);
}

static void test_oversized(void **state)
{
	struct api_request req;
	struct api_response resp;
	unsigned char *big = ecert_calloc(1, API_VERIFY_TEXT_MAX + 1);

	(void)state;
	assert_non_null(big);
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = "/api/v1/verify";
	req.content_type = "text/plain";
	req.body = big;
	req.len = API_VERIFY_TEXT_MAX + 1;
	assert_int_equal(api_handle(&no_snapshot, &req, &resp), ECERT_OK);
	assert_int_equal(resp.status, 413);
	assert_string_equal(error_code(&resp), "payload_too_large");
	api_response_clear(&resp);
	ecert_free(big);
}

static void test_assets(void **state)
{
	struct api_response resp;
	const struct api_asset *a;
	const char *html;

	(void)state;
	assert_int_equal(call("GET", "/", NULL, NULL, &resp), 200);
	assert_non_null(resp.asset);
	assert_null(resp.json);
	html = (const char *)resp.asset->data;
	assert_int_equal(strlen(html), *resp.asset->len);
	assert_non_null(strstr(html, "电子证书核验"));
	assert_non_null(strstr(html, "<script src=\"/app.js\" defer></script>"));
	api_response_clear(&resp);
	assert_int_equal(call("HEAD", "/style.css", NULL, NULL, &resp), 200);
	api_response_clear(&resp);
	/* CSP: no inline script or style, no outside origin in any embedded file */
	for (a = api_assets; a->path; a++) {
		const char *text = (const char *)a->data;

		assert_null(strstr(text, "<script>"));
		assert_null(strstr(text, " style=\""));
		assert_null(strstr(text, "onclick="));
		assert_null(strstr(text, "http://"));
		assert_null(strstr(text, "https://"));
		assert_null(strstr(text, "//cdn"));
	}
}

static void test_error_json(void **state)
{
	cJSON *e = api_error_json("x_code", "a message");
	char *text;

	(void)state;
	assert_non_null(e);
	text = cJSON_PrintUnformatted(e);
	assert_string_equal(text, "{\"error\":{\"code\":\"x_code\",\"message\":\"a message\"}}");
	cJSON_free(text);
	cJSON_Delete(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_routes),     cmocka_unit_test(test_methods),
	    cmocka_unit_test(test_media_type), cmocka_unit_test(test_body_max),
	    cmocka_unit_test(test_errors),     cmocka_unit_test(test_oversized),
	    cmocka_unit_test(test_assets),     cmocka_unit_test(test_error_json),
	};

	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
