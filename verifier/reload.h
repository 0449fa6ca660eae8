/* ecert-verifier — the counter service's reloadable state.
 *
 * The trust list, the status lists (every *.json of a directory) and the pathway rules are
 * loaded into one snapshot (struct api_snapshot: trust list + the verifier over it). A
 * request takes a reference to the current snapshot and gives it back when done; a reload
 * builds a complete new snapshot and swaps it in under a mutex, so a request sees either
 * the old files or the new ones, never a mix. The old snapshot is freed when its last
 * request lets go.
 *
 * A watcher thread looks at the files' identity (inode, size, mtime) every interval and
 * reloads when it changed. A new set of files that fails to load (bad signature, syntax
 * error, half-written file) keeps the last good snapshot and logs one warning per change
 * on stderr; the same bad files are not retried until they change again. The root key is
 * read once at start. */
#ifndef ECERT_VERIFIER_RELOAD_H
#define ECERT_VERIFIER_RELOAD_H

#include <stddef.h>
#include <stdint.h>
#include "ecert/error.h"
#include "api.h"

/* How often the watcher looks at the files. */
#define RELOAD_INTERVAL_MS 1000
/* Most status list files read from the status directory. */
#define RELOAD_STATUS_FILES_MAX 1024
/* Largest status list file. */
#define RELOAD_STATUS_FILE_MAX ECERT_JSON_MAX_BYTES

struct reload_config {
	const char *root_path;  /* province root public key (SPKI PEM) */
	const char *trust_path; /* signed trust list */
	const char *status_dir; /* directory of signed status lists, or NULL */
	const char *rules_path; /* pathway rules file, or NULL for the embedded rules */
	const char *table_path; /* specialty↔occupation table, or NULL for the embedded one */
};

struct reloader;

/* Read the root key and load the first snapshot. Any failure is an error here (the
 * service does not start without a good trust list): ECERT_ERR_IO, ECERT_ERR_KEY,
 * ECERT_ERR_TRUST, ECERT_ERR_JSON_*, ECERT_ERR_SCHEMA … with err->where naming the file.
 * On success *out is owned by the caller (reload_free). Paths are copied. */
int reload_new(const struct reload_config *cfg, struct reloader **out, struct ecert_error *err);

/* Stop the watcher (if started) and free. Every acquired snapshot must have been
 * released. NULL is fine. */
void reload_free(struct reloader *r);

/* The current snapshot, referenced until reload_release. Never NULL. Thread-safe. */
const struct api_snapshot *reload_acquire(struct reloader *r);
void reload_release(struct reloader *r, const struct api_snapshot *snap);

/* Whether the last reload attempt failed (the current snapshot is older than the files). */
int reload_stale(struct reloader *r);

/* Look at the files once and reload if they changed. Returns 1 if a new snapshot was
 * swapped in, 0 if nothing changed (or the same bad files are still there), -1 if the
 * new files failed to load (err says why; the last good snapshot stays). Thread-safe
 * (the watcher and a SIGHUP may both call it; one runs at a time). */
int reload_check(struct reloader *r, struct ecert_error *err);

/* Start the watcher thread: reload_check every interval_ms, logging reloads and
 * failures to stderr. ECERT_ERR_ARG if already started, ECERT_ERR_NOMEM if no thread. */
int reload_start(struct reloader *r, unsigned interval_ms, struct ecert_error *err);

#endif
