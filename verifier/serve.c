/* ecert-verifier serve — the counter's web service on libmicrohttpd (see serve.h).
 *
 * This file is the HTTP side only: options, the daemon, receiving and bounding request
 * bodies (raw, or the "image" field of a multipart upload), security headers, the access
 * log. What a request means is api.c's business; which files it is answered from is
 * reload.c's. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/datetime.h"
#include "ecert/error.h"
#include "ecert/trustlist.h"
#include "api.h"
#include "reload.h"
#include "serve.h"

#define SERVE_PROG "ecert-verifier"
#define SERVE_EXIT_OK 0
#define SERVE_EXIT_FAIL 1
#define SERVE_EXIT_USAGE 2

/* Longest path written to the access log (the rest is cut, marked with "…"). */
#define SERVE_LOG_PATH_MAX 64
#define SERVE_METHOD_MAX 16

/* Every answer, page or API (no inline script or style anywhere: see web/). */
#define SERVE_CSP                                                                                  \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "    \
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
#define SERVE_JSON_TYPE "application/json; charset=utf-8"

struct server {
	struct reloader *reloader;
	int require_status;
	atomic_size_t inflight; /* body bytes held by all requests */
};

/* One request, from its headers to its completion. */
struct request {
	struct timespec start;
	char method[SERVE_METHOD_MAX];
	char log_path[SERVE_LOG_PATH_MAX + 8];
	enum api_route route;
	char *content_type;    /* copy of the header, or NULL */
	size_t max;            /* body bound for this route and type */
	size_t received;       /* raw body bytes seen */
	size_t accounted;      /* bytes counted in server.inflight */
	struct ecert_buf body; /* raw body, or the image field of an upload */
	struct MHD_PostProcessor *pp;
	char holder[SERVE_FIELD_MAX + 1];
	size_t holder_len;
	int holder_given;
	int too_big;
	int overloaded;
	int malformed; /* multipart that did not parse */
	int has_image;
	unsigned status; /* answered status, 0 if none */
	size_t bytes;    /* answered body bytes */
};

static void serve_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void serve_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: serve: ", SERVE_PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: serve: ", SERVE_PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s serve --help'.\n", SERVE_PROG);
	return SERVE_EXIT_USAGE;
}

static void help(void)
{
	printf("Usage: %s serve --root ROOT.pub --trust TRUST.json [OPTIONS]\n\n"
	       "Serve the verification counter: the page (GET /) and the JSON API\n"
	       "(POST /api/v1/verify, POST /api/v1/claims, GET /api/v1/trust, GET /healthz).\n"
	       "The trust list, status lists and rules are reloaded when their files change;\n"
	       "a file that fails to load keeps the last good one (with a warning).\n\n"
	       "Options:\n"
	       "  --listen ADDR:PORT     address to listen on (default %s;\n"
	       "                         [::1]:8080 for IPv6, port 0 picks a free port)\n"
	       "  --root FILE            province root public key (SPKI PEM)\n"
	       "  --trust FILE           trust list signed by the root key\n"
	       "  --status-dir DIR       directory of signed status lists (*.json)\n"
	       "  --rules FILE           pathway rules for claims (default: the built-in rules)\n"
	       "  --table FILE           specialty/occupation table (default: the built-in\n"
	       "                         trial table)\n"
	       "  --require-status       revocation not checked is a failure\n"
	       "  --threads N            worker threads (default: the number of cores)\n"
	       "  --max-connections N    connections at once (default %d)\n"
	       "  --timeout SECONDS      idle connection timeout (default %d)\n"
	       "  -h, --help             this help\n\n"
	       "Signals: SIGINT/SIGTERM stop, SIGHUP reloads at once.\n"
	       "Exit status: 0 stopped cleanly, 1 could not start, 2 usage error.\n",
	       SERVE_PROG, SERVE_LISTEN_DEFAULT, SERVE_CONNECTIONS_DEFAULT, SERVE_TIMEOUT_DEFAULT);
}

static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "HOST:PORT" or "[V6]:PORT" → a socket address (numeric host, or a name from
 * /etc/hosts such as localhost). */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen, int *ipv6)
{
	char host[256];
	const char *colon, *port;
	size_t hlen;
	struct addrinfo hints, *ai = NULL;
	unsigned long p;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || close[1] != ':')
			return -1;
		hlen = (size_t)(close - spec - 1);
		if (hlen == 0 || hlen >= sizeof host)
			return -1;
		memcpy(host, spec + 1, hlen);
		port = close + 2;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return -1;
		hlen = (size_t)(colon - spec);
		if (hlen == 0 || hlen >= sizeof host)
			return -1;
		memcpy(host, spec, hlen);
		port = colon + 1;
	}
	host[hlen] = '\0';
	if (parse_uint(port, 0, 65535, &p) != 0)
		return -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
		return -1;
	if (ai->ai_addrlen > sizeof *ss) {
		freeaddrinfo(ai);
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	*ipv6 = ai->ai_family == AF_INET6;
	freeaddrinfo(ai);
	return 0;
}

/* The access log must never carry an ID number or other personal data: known routes are
 * logged as they are; any other path keeps only letters and a few punctuation marks, with
 * digits masked, and is cut short. */
static void log_path_of(const char *url, enum api_route route, char *out, size_t outlen)
{
	size_t i, n = 0;

	if (route != API_ROUTE_NONE) {
		snprintf(out, outlen, "%s", url);
		return;
	}
	for (i = 0; url[i] && n + 1 < outlen; i++) {
		unsigned char c = (unsigned char)url[i];

		if (n >= SERVE_LOG_PATH_MAX) {
			snprintf(out + n, outlen - n, "...");
			return;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '.' ||
		    c == '-' || c == '_')
			out[n++] = (char)c;
		else if (c >= '0' && c <= '9')
			out[n++] = '#';
		else
			out[n++] = '?';
	}
	out[n] = '\0';
}

static void access_log(const struct request *rq)
{
	struct timespec now;
	struct tm tm;
	time_t t = time(NULL);
	char when[32];
	long long us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (long long)(now.tv_sec - rq->start.tv_sec) * 1000000LL +
	     (now.tv_nsec - rq->start.tv_nsec) / 1000;
	if (!gmtime_r(&t, &tm) || strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof when, "-");
	if (rq->status)
		fprintf(stderr, "%s %s %s %u %zu %lldus\n", when, rq->method, rq->log_path,
		        rq->status, rq->bytes, us);
	else
		fprintf(stderr, "%s %s %s - 0 %lldus\n", when, rq->method, rq->log_path, us);
}

static void account_release(struct server *srv, struct request *rq)
{
	if (rq->accounted) {
		atomic_fetch_sub(&srv->inflight, rq->accounted);
		rq->accounted = 0;
	}
}

/* Count n more body bytes against the shared budget; 0 if it is spent. */
static int account(struct server *srv, struct request *rq, size_t n)
{
	size_t before = atomic_fetch_add(&srv->inflight, n);

	if (before + n > SERVE_INFLIGHT_MAX) {
		atomic_fetch_sub(&srv->inflight, n);
		return 0;
	}
	rq->accounted += n;
	return 1;
}

static void request_free(struct request *rq)
{
	if (!rq)
		return;
	if (rq->pp)
		MHD_destroy_post_processor(rq->pp);
	ecert_buf_free(&rq->body);
	ecert_free(rq->content_type);
	OPENSSL_cleanse(rq->holder, sizeof rq->holder);
	ecert_free(rq);
}

static void add_headers(struct MHD_Response *r, int api, const char *allow)
{
	MHD_add_response_header(r, "Content-Security-Policy", SERVE_CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy",
	                        "camera=(self), microphone=(), geolocation=()");
	MHD_add_response_header(r, "Cache-Control", api ? "no-store" : "no-cache");
	if (allow)
		MHD_add_response_header(r, "Allow", allow);
}

static void free_json_text(void *p)
{
	cJSON_free(p);
}

/* Queue the answer. The JSON text is handed to libmicrohttpd, which frees it. */
static enum MHD_Result respond(struct MHD_Connection *conn, struct request *rq,
                               const struct api_response *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *text = NULL;
	size_t len;
	unsigned status = (unsigned)resp->status;

	if (resp->asset) {
		len = *resp->asset->len;
		r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)resp->asset->data,
		                                    MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, "Content-Type", resp->asset->content_type);
		add_headers(r, 0, NULL);
	} else {
		if (resp->json)
			text = cJSON_PrintUnformatted(resp->json);
		if (!text) {
			static const char oom[] =
			    "{\"error\":{\"code\":\"nomem\",\"message\":\"out of memory\"}}";

			status = 500;
			len = sizeof oom - 1;
			r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)oom,
			                                    MHD_RESPMEM_PERSISTENT);
		} else {
			len = strlen(text);
			r = MHD_create_response_from_buffer_with_free_callback(len, text,
			                                                       free_json_text);
			if (!r)
				cJSON_free(text);
		}
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, "Content-Type", SERVE_JSON_TYPE);
		add_headers(r, 1, resp->allow);
	}
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	if (ret == MHD_YES) {
		rq->status = status;
		rq->bytes = len;
	}
	return ret;
}

static enum MHD_Result respond_error(struct MHD_Connection *conn, struct request *rq, int status,
                                     const char *code, const char *message)
{
	struct api_response resp;
	enum MHD_Result ret;

	memset(&resp, 0, sizeof resp);
	resp.status = status;
	resp.json = api_error_json(code, message);
	ret = respond(conn, rq, &resp);
	api_response_clear(&resp);
	return ret;
}

/* Fields of a multipart upload: the image, and the optional holder ID number. Other
 * fields are ignored. Returning MHD_NO stops the parser (the upload is then refused). */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
	struct request *rq = cls;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	if (!key)
		return MHD_YES;
	if (strcmp(key, API_IMAGE_FIELD) == 0) {
		rq->has_image = 1;
		if (size && ecert_buf_append(&rq->body, data, size) != ECERT_OK) {
			rq->too_big = 1;
			return MHD_NO;
		}
	} else if (strcmp(key, API_HOLDER_FIELD) == 0) {
		rq->holder_given = 1;
		if (size > SERVE_FIELD_MAX - rq->holder_len) {
			rq->malformed = 1;
			return MHD_NO;
		}
		memcpy(rq->holder + rq->holder_len, data, size);
		rq->holder_len += size;
		rq->holder[rq->holder_len] = '\0';
	}
	return MHD_YES;
}

/* Strict Content-Length: digits only. -1 if absent or malformed (MHD refuses the
 * malformed ones itself). */
static int content_length(struct MHD_Connection *conn, unsigned long long *out)
{
	const char *v =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;

	if (!v || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno || *end)
		return -1;
	return 0;
}

/* First call, headers known: refuse what can be refused before any body is read. */
static enum MHD_Result on_headers(struct server *srv, struct MHD_Connection *conn,
                                  struct request *rq, const char *url, const char *method)
{
	const struct api_asset *asset;
	const char *allow, *ct;
	unsigned long long clen;
	struct api_response resp;
	struct api_request req;
	struct api_ctx ctx;
	enum MHD_Result ret;
	char mt[64];

	(void)srv;
	rq->route = api_route_match(url, &allow, &asset);
	log_path_of(url, rq->route, rq->log_path, sizeof rq->log_path);
	if (rq->route == API_ROUTE_NONE || !api_method_allowed(rq->route, method)) {
		/* 404 / 405 exactly as api_handle words them */
		memset(&req, 0, sizeof req);
		memset(&ctx, 0, sizeof ctx);
		req.method = method;
		req.path = url;
		api_handle(&ctx, &req, &resp);
		ret = respond(conn, rq, &resp);
		api_response_clear(&resp);
		return ret;
	}
	ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct) {
		rq->content_type = ecert_strdup(ct);
		if (!rq->content_type)
			return MHD_NO;
	}
	rq->max = api_body_max(rq->route, ct);
	if ((rq->route == API_ROUTE_VERIFY || rq->route == API_ROUTE_CLAIMS) && rq->max == 0)
		return respond_error(conn, rq, 415, "unsupported_media_type",
		                     rq->route == API_ROUTE_CLAIMS
		                         ? "send the claim as application/json"
		                         : "send QR text as text/plain, a certificate as "
		                           "application/json, a PNG/JPEG image, or a "
		                           "multipart/form-data upload with an \"image\" field");
	if (content_length(conn, &clen) == 0 && clen > rq->max)
		return respond_error(conn, rq, 413, "payload_too_large",
		                     rq->max ? "the request body is larger than this resource "
		                               "accepts"
		                             : "this resource takes no request body");
	api_media_type(ct, mt, sizeof mt);
	if (strcmp(mt, "multipart/form-data") == 0) {
		rq->pp = MHD_create_post_processor(conn, SERVE_POST_BUFFER, on_field, rq);
		if (!rq->pp)
			return respond_error(conn, rq, 400, "bad_multipart",
			                     "the multipart/form-data body has no usable boundary");
		rq->body.max = API_IMAGE_BODY_MAX;
	} else {
		rq->body.max = rq->max;
	}
	return MHD_YES;
}

static enum MHD_Result on_body(struct server *srv, struct request *rq, const char *data,
                               size_t size)
{
	rq->received += size;
	if (rq->received > rq->max || rq->too_big) {
		rq->too_big = 1;
		/* read a little more so the client can see the 413, then give up */
		return rq->received - rq->max > SERVE_DISCARD_MAX ? MHD_NO : MHD_YES;
	}
	if (rq->overloaded || rq->malformed)
		return MHD_YES; /* discard: the answer is already decided */
	if (!account(srv, rq, size)) {
		rq->overloaded = 1;
		return MHD_YES;
	}
	if (rq->pp) {
		if (MHD_post_process(rq->pp, data, size) != MHD_YES && !rq->too_big)
			rq->malformed = 1;
	} else if (ecert_buf_append(&rq->body, data, size) != ECERT_OK) {
		rq->too_big = 1;
	}
	return MHD_YES;
}

static enum MHD_Result on_complete(struct server *srv, struct MHD_Connection *conn,
                                   struct request *rq, const char *url, const char *method)
{
	const struct api_snapshot *snap;
	struct api_response resp;
	struct api_request req;
	struct api_ctx ctx;
	enum MHD_Result ret;
	const char *holder;

	if (rq->too_big)
		return respond_error(conn, rq, 413, "payload_too_large",
		                     "the request body is larger than this resource accepts");
	if (rq->overloaded)
		return respond_error(conn, rq, 503, "overloaded",
		                     "the server is receiving too much at once; try again");
	if (rq->pp) {
		enum MHD_Result done = MHD_destroy_post_processor(rq->pp);

		rq->pp = NULL;
		if (rq->too_big)
			return respond_error(conn, rq, 413, "payload_too_large",
			                     "the image is larger than this resource accepts");
		if (done != MHD_YES || rq->malformed)
			return respond_error(conn, rq, 400, "bad_multipart",
			                     "the multipart/form-data body is malformed");
		if (!rq->has_image)
			return respond_error(conn, rq, 400, "no_image",
			                     "the upload has no \"image\" field");
	} else if (rq->malformed) {
		return respond_error(conn, rq, 400, "bad_request", "malformed request");
	}
	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = url;
	req.content_type = rq->has_image ? API_CONTENT_UPLOAD : rq->content_type;
	req.body = rq->body.data;
	req.len = rq->body.len;
	if (rq->holder_given) {
		req.holder_id = rq->holder;
	} else {
		holder = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, API_HOLDER_HEADER);
		req.holder_id = holder;
	}
	snap = reload_acquire(srv->reloader);
	memset(&ctx, 0, sizeof ctx);
	ctx.snap = snap;
	ctx.now = ecert_time_now();
	ctx.require_status = srv->require_status;
	ctx.stale = reload_stale(srv->reloader);
	api_handle(&ctx, &req, &resp);
	reload_release(srv->reloader, snap);
	ret = respond(conn, rq, &resp);
	api_response_clear(&resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct request *rq = *con_cls;
	enum MHD_Result ret;

	(void)version;
	if (!rq) {
		rq = ecert_calloc(1, sizeof *rq);
		if (!rq)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &rq->start);
		snprintf(rq->method, sizeof rq->method, "%s", method);
		*con_cls = rq;
		return on_headers(srv, conn, rq, url, method);
	}
	if (rq->status)
		return MHD_YES; /* answered early; the rest of the body is discarded */
	if (*upload_data_size) {
		ret = on_body(srv, rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return ret;
	}
	return on_complete(srv, conn, rq, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct request *rq = *con_cls;

	(void)conn;
	(void)toe;
	if (!rq)
		return;
	access_log(rq);
	account_release(srv, rq);
	request_free(rq);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fprintf(stderr, "%s: libmicrohttpd: ", SERVE_PROG);
	vfprintf(stderr, fmt, ap);
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	if (n > SERVE_THREADS_MAX)
		return SERVE_THREADS_MAX;
	return (unsigned)n;
}

enum {
	OPT_LISTEN = 256,
	OPT_ROOT,
	OPT_TRUST,
	OPT_STATUS_DIR,
	OPT_RULES,
	OPT_TABLE,
	OPT_REQUIRE_STATUS,
	OPT_THREADS,
	OPT_MAX_CONN,
	OPT_TIMEOUT,
};

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, OPT_LISTEN},
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"trust", required_argument, NULL, OPT_TRUST},
	    {"status-dir", required_argument, NULL, OPT_STATUS_DIR},
	    {"rules", required_argument, NULL, OPT_RULES},
	    {"table", required_argument, NULL, OPT_TABLE},
	    {"require-status", no_argument, NULL, OPT_REQUIRE_STATUS},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"max-connections", required_argument, NULL, OPT_MAX_CONN},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *listen = SERVE_LISTEN_DEFAULT;
	struct reload_config cfg;
	struct server srv;
	struct ecert_error err;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	const struct api_snapshot *snap;
	unsigned long threads = default_threads(), conns = SERVE_CONNECTIONS_DEFAULT;
	unsigned long timeout = SERVE_TIMEOUT_DEFAULT;
	unsigned flags;
	sigset_t sigs, old;
	int c, ipv6 = 0, sig, rc = SERVE_EXIT_FAIL;
	char host[INET6_ADDRSTRLEN + 2];

	memset(&cfg, 0, sizeof cfg);
	memset(&srv, 0, sizeof srv);
	atomic_init(&srv.inflight, 0);
	ecert_error_clear(&err);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			listen = optarg;
			break;
		case OPT_ROOT:
			cfg.root_path = optarg;
			break;
		case OPT_TRUST:
			cfg.trust_path = optarg;
			break;
		case OPT_STATUS_DIR:
			cfg.status_dir = optarg;
			break;
		case OPT_RULES:
			cfg.rules_path = optarg;
			break;
		case OPT_TABLE:
			cfg.table_path = optarg;
			break;
		case OPT_REQUIRE_STATUS:
			srv.require_status = 1;
			break;
		case OPT_THREADS:
			if (parse_uint(optarg, 1, SERVE_THREADS_MAX, &threads) != 0)
				return usage_error("--threads takes 1..%d", SERVE_THREADS_MAX);
			break;
		case OPT_MAX_CONN:
			if (parse_uint(optarg, 1, SERVE_CONNECTIONS_MAX, &conns) != 0)
				return usage_error("--max-connections takes 1..%d",
				                   SERVE_CONNECTIONS_MAX);
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 1, SERVE_TIMEOUT_MAX, &timeout) != 0)
				return usage_error("--timeout takes 1..%d seconds",
				                   SERVE_TIMEOUT_MAX);
			break;
		case 'h':
			help();
			return SERVE_EXIT_OK;
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!cfg.root_path || !cfg.trust_path)
		return usage_error("--root and --trust are required");
	if (conns < threads)
		return usage_error("--max-connections must be at least --threads (%lu)", threads);
	if (parse_listen(listen, &ss, &sslen, &ipv6) != 0)
		return usage_error("--listen takes HOST:PORT or [IPV6]:PORT, not '%s'", listen);

	if (reload_new(&cfg, &srv.reloader, &err) != ECERT_OK) {
		serve_error("%s%s%s", err.where, err.where[0] ? ": " : "",
		            err.msg[0] ? err.msg : ecert_strerror(err.code));
		return SERVE_EXIT_FAIL;
	}

	/* Signals are taken by sigwait below; every thread started from here on has them
	 * blocked. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	signal(SIGPIPE, SIG_IGN);

	if (reload_start(srv.reloader, RELOAD_INTERVAL_MS, &err) != ECERT_OK) {
		serve_error("%s", err.msg);
		goto out;
	}
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	if (ipv6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv, MHD_OPTION_EXTERNAL_LOGGER,
	                     mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
	                     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)conns,
	                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)timeout,
	                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, SERVE_CONNECTION_MEMORY,
	                     MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_NOTIFY_COMPLETED,
	                     on_completed, &srv, MHD_OPTION_END);
	if (!d) {
		serve_error("cannot listen on %s (address in use, or not an address of this "
		            "machine?)",
		            listen);
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snap = reload_acquire(srv.reloader);
	{
		char addr[INET6_ADDRSTRLEN];

		if (getnameinfo((struct sockaddr *)&ss, sslen, addr, sizeof addr, NULL, 0,
		                NI_NUMERICHOST) != 0)
			snprintf(addr, sizeof addr, "?");
		if (ipv6)
			snprintf(host, sizeof host, "[%s]", addr);
		else
			snprintf(host, sizeof host, "%s", addr);
	}
	fprintf(stderr,
	        "%s: serving http://%s:%u/ (%lu threads, trust list version %ld, %zu status "
	        "list%s)\n",
	        SERVE_PROG, host, info ? (unsigned)info->port : 0u, threads,
	        ecert_trustlist_version(snap->trustlist), snap->n_status,
	        snap->n_status == 1 ? "" : "s");
	reload_release(srv.reloader, snap);

	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			ecert_error_clear(&err);
			if (reload_check(srv.reloader, &err) < 0)
				fprintf(stderr,
				        "%s: warning: reload failed, keeping the last good trust "
				        "and status lists: %s%s%s\n",
				        SERVE_PROG, err.where, err.where[0] ? ": " : "",
				        err.msg[0] ? err.msg : ecert_strerror(err.code));
			continue;
		}
		break;
	}
	fprintf(stderr, "%s: stopping\n", SERVE_PROG);
	rc = SERVE_EXIT_OK;
out:
	if (d)
		MHD_stop_daemon(d);
	reload_free(srv.reloader);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
