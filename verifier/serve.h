/* ecert-verifier serve — the verification counter's web service (libmicrohttpd).
 *
 *   ecert-verifier serve --root ROOT.pub --trust trust.json [--listen ADDR:PORT]
 *                        [--status-dir DIR] [--rules FILE] [--table FILE] [--require-status]
 *                        [--threads N] [--max-connections N] [--timeout SECONDS]
 *
 * Serves the counter page and the JSON API of api.h, reloading the trust list, status
 * lists and rules when their files change (reload.h). Runs until SIGINT or SIGTERM;
 * SIGHUP looks at the files at once. One access-log line per request on stderr (time,
 * method, path, status, bytes, duration) — never a body, a query or a header value. */
#ifndef ECERT_VERIFIER_SERVE_H
#define ECERT_VERIFIER_SERVE_H

/* Default listening address: loopback only; a counter on a LAN says so with --listen. */
#define SERVE_LISTEN_DEFAULT "127.0.0.1:8080"
/* Connections open at once (the rest wait in the kernel's backlog). */
#define SERVE_CONNECTIONS_DEFAULT 256
#define SERVE_CONNECTIONS_MAX 65536
/* Seconds a connection may stay idle (also bounds a stalled upload). */
#define SERVE_TIMEOUT_DEFAULT 15
#define SERVE_TIMEOUT_MAX 3600
/* Worker threads: default the number of online cores. */
#define SERVE_THREADS_MAX 256
/* Per-connection memory for the request line, headers and read buffer: a request whose
 * headers do not fit is refused by libmicrohttpd (431). */
#define SERVE_CONNECTION_MEMORY ((size_t)64 * 1024)
/* Bytes of request bodies held at once by all connections together; past it a request
 * is answered 503 instead of buffering more. */
#define SERVE_INFLIGHT_MAX ((size_t)256 * 1024 * 1024)
/* Bytes of an oversized body read and thrown away before answering 413 (so the client
 * reads the answer); past it the connection is closed. */
#define SERVE_DISCARD_MAX ((size_t)1024 * 1024)
/* Buffer of the multipart/form-data parser. */
#define SERVE_POST_BUFFER 16384
/* Longest multipart holderId field kept (an ID number is 18 characters). */
#define SERVE_FIELD_MAX 32

/* `ecert-verifier serve ARGS…` with argv[0] = "serve". Returns the exit status: 0 after
 * a clean shutdown, 1 if the service could not start (trust list, address in use …),
 * 2 for a usage error. */
int cmd_serve(int argc, char **argv);

#endif
