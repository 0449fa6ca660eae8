/* ecert — the issuer's register (SQLite): one row per certificate number, the status-list
 * index it was given, the hash of the document that was signed, and its revocation.
 *
 * Storage: WAL journal, synchronous=FULL (a committed transaction survives power loss),
 * a busy timeout so that a second process waits instead of failing. The file is marked
 * with application_id 'ECRT' and a schema version (user_version); anything else is refused.
 *
 *   certificates(number TEXT PRIMARY KEY, kind, holder_digest, doc_hash, record_hash, kid,
 *                status_index INTEGER, issued_at, revoked_at, revoke_reason, file_state,
 *                UNIQUE(kid, status_index))
 *
 * Status indexes are allocated per issuer key (kid), because each key publishes its own
 * list (statuslist.h): index = 1 + the highest index of that kid, inside the reserving
 * transaction. Rows are never deleted, so the indexes of a kid are dense (0, 1, 2 … with no
 * gap). (The index is unique per kid, not across kids: two keys each have an index 0.)
 *
 * Issue protocol — safe against kill -9 at any moment, and idempotent on rerun:
 *   (a) ecert_register_reserve(): in one transaction, a new number gets the next index and
 *       a row in state 'reserved'; a number already there with the same record_hash is
 *       returned as it is ('issued' → nothing to do; 'reserved' → sign again with the SAME
 *       index); a number already there with a different record_hash is refused.
 *   (b) the caller builds and signs the certificate with entry.status_index (and with
 *       entry.holder_digest, which keeps the salt chosen the first time), and writes its
 *       files atomically (ecert_file_write_atomic: temp file, fsync, rename);
 *   (c) ecert_register_commit(): sets doc_hash, issued_at and state 'issued'.
 * A crash before (a) commits leaves nothing; between (a) and (c) a 'reserved' row whose
 * files may or may not exist — the rerun rewrites them with the same index and commits;
 * after (c) the rerun skips the record. So there is never a duplicate nor a gap, and once
 * a run completes the files match the register.
 *
 * Ownership: ecert_register_open gives the caller a handle to close with
 * ecert_register_close (NULL is fine). Entries are plain structs filled by the library;
 * out-parameters are set only on success.
 *
 * Batches: each call above is one transaction, made durable (fsync) before it returns —
 * two per certificate. To issue many certificates, group steps (a) and (c) of K records
 * each in ecert_register_batch_begin/_end: one transaction, one fsync per group. The
 * protocol is unchanged: files are written only after the batch holding their
 * reservations has ended with commit, and a crash before a batch ends undoes all of it.
 *
 * Thread safety: a handle holds one SQLite connection and a recursive mutex; every
 * function takes the mutex, so one handle may be shared by several threads (calls are
 * serialised). A batch holds the mutex from _begin to _end: other threads wait.
 * Iteration callbacks run with the mutex held and must not call back into the same handle.
 * Several processes may use the same file: writers take the lock with BEGIN IMMEDIATE and
 * wait up to ECERT_REGISTER_BUSY_MS for each other. */
#ifndef ECERT_REGISTER_H
#define ECERT_REGISTER_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "ecert/error.h"

#define ECERT_REGISTER_DEFAULT_NAME "ecert-register.db"
#define ECERT_REGISTER_NUMBER_MAX 64  /* certificate number, bytes */
#define ECERT_REGISTER_KIND_MAX 16    /* "title", "skill" */
#define ECERT_REGISTER_DIGEST_MAX 128 /* holder digest "sm3:<salt>:<hex>" */
#define ECERT_REGISTER_HASH_HEX 64    /* doc_hash / record_hash: lower-case hex of 32 bytes */
#define ECERT_REGISTER_KID_MAX 16     /* kid, base64url (11 today) */
#define ECERT_REGISTER_TIME_MAX 40    /* RFC 3339 date-time */
#define ECERT_REGISTER_REASON_MAX 256 /* revocation reason, bytes of UTF-8 */
#define ECERT_REGISTER_BUSY_MS 15000  /* wait this long for another writer */
#define ECERT_REGISTER_INDEX_MAX ((int64_t)1 << 27) /* 16 MiB bitstring: statuslist.h */
#define ECERT_REGISTER_SCHEMA_VERSION 1

/* open flags */
#define ECERT_REGISTER_CREATE 1 /* create the file if it does not exist */

enum ecert_register_state {
	ECERT_REGISTER_RESERVED = 1, /* index allocated, certificate not (known to be) written */
	ECERT_REGISTER_ISSUED = 2    /* files written and committed */
};

/* What ecert_register_reserve found. */
enum ecert_register_outcome {
	ECERT_REGISTER_NEW = 1,    /* a new row was reserved: sign and write, then commit */
	ECERT_REGISTER_RESUME = 2, /* a reserved row of an interrupted run: sign again with the
	                              same index (and holder digest), write, then commit */
	ECERT_REGISTER_DONE = 3    /* already issued from the same record: nothing to do */
};

struct ecert_register;

struct ecert_register_entry {
	char number[ECERT_REGISTER_NUMBER_MAX + 1];
	char kind[ECERT_REGISTER_KIND_MAX + 1];
	char holder_digest[ECERT_REGISTER_DIGEST_MAX + 1];
	char doc_hash[ECERT_REGISTER_HASH_HEX + 1]; /* "" while reserved */
	char record_hash[ECERT_REGISTER_HASH_HEX + 1];
	char kid[ECERT_REGISTER_KID_MAX + 1];
	int64_t status_index;
	char issued_at[ECERT_REGISTER_TIME_MAX + 1];  /* "" while reserved */
	char revoked_at[ECERT_REGISTER_TIME_MAX + 1]; /* "" unless revoked */
	char revoke_reason[ECERT_REGISTER_REASON_MAX + 1];
	enum ecert_register_state state;
	int revoked; /* 1 if revoked_at is set */
};

struct ecert_register_request {
	const char *number;        /* certificate number, 1..ECERT_REGISTER_NUMBER_MAX bytes */
	const char *kind;          /* certificate kind ("title" / "skill") */
	const char *holder_digest; /* the subject's idDigest for this certificate */
	const char *record_hash;   /* lower-case hex hash of the normalised input record */
	const char *kid;           /* the signing key's kid */
	/* A reserved (never committed) row with a different record_hash is refused unless this
	 * is set; then the row takes the new record, keeping its number and index (for an
	 * operator who corrected a record after an interrupted run). Issued rows never change. */
	int replace_reserved;
};

/* Open (flags & ECERT_REGISTER_CREATE: or create) the register at path. Sets WAL,
 * synchronous=FULL and the busy timeout, creates the schema in a new file, checks the
 * application id and schema version of an existing one.
 * Errors: ECERT_ERR_IO (missing file without CREATE, cannot open), ECERT_ERR_DB (not a
 * database, corrupt, not an ecert register, newer schema, locked), ECERT_ERR_NOMEM.
 * err->where is the path. */
int ecert_register_open(const char *path, int flags, struct ecert_register **out,
                        struct ecert_error *err);

/* Close the connection (checkpointing the WAL) and free the handle. NULL is fine. */
void ecert_register_close(struct ecert_register *reg);

/* Step (a) of the protocol above. On success *entry is the row (new or existing) and
 * *outcome says what to do. Errors: ECERT_ERR_ARG (a field missing, too long or
 * malformed), ECERT_ERR_EXISTS (the number exists with a different record_hash, or is
 * reserved under another kid; err->where is the number), ECERT_ERR_DB (SQLite failure,
 * or the kid's ECERT_REGISTER_INDEX_MAX indexes are used up). */
int ecert_register_reserve(struct ecert_register *reg, const struct ecert_register_request *req,
                           struct ecert_register_entry *entry, enum ecert_register_outcome *outcome,
                           struct ecert_error *err);

/* Step (c): mark `number` issued with doc_hash (lower-case hex of SM3 over the signed
 * document's JCS form) and issued_at (RFC 3339; NULL = now, UTC). Committing again with
 * the same doc_hash is a no-op. Errors: ECERT_ERR_ARG (bad hash/time), ECERT_ERR_INVALID
 * (unknown number), ECERT_ERR_EXISTS (already issued with another doc_hash), ECERT_ERR_DB. */
int ecert_register_commit(struct ecert_register *reg, const char *number, const char *doc_hash,
                          const char *issued_at, struct ecert_error *err);

/* Open a batch on this handle and thread: BEGIN IMMEDIATE, then every reserve, commit
 * or revoke call of this thread is a savepoint inside it (a failing call undoes only
 * itself), until ecert_register_batch_end. Other threads' calls wait for the end.
 * Errors: ECERT_ERR_ARG (a batch is already open), ECERT_ERR_DB. */
int ecert_register_batch_begin(struct ecert_register *reg, struct ecert_error *err);

/* End the batch: commit (durably) if `commit`, else roll everything in it back. If the
 * commit fails, everything in the batch is rolled back and the error returned: the
 * caller must treat the batch's reservations and commits as not made. Must be called by
 * the thread that began it. Errors: ECERT_ERR_ARG (no batch open), ECERT_ERR_DB. */
int ecert_register_batch_end(struct ecert_register *reg, int commit, struct ecert_error *err);

/* Revoke `number` with a reason (non-empty, at most ECERT_REGISTER_REASON_MAX bytes) at
 * revoked_at (RFC 3339; NULL = now, UTC). A reserved row may be revoked too (its files
 * may exist). Errors: ECERT_ERR_ARG, ECERT_ERR_INVALID (unknown number),
 * ECERT_ERR_REVOKED (already revoked), ECERT_ERR_DB. err->where is the number. */
int ecert_register_revoke(struct ecert_register *reg, const char *number, const char *reason,
                          const char *revoked_at, struct ecert_error *err);

/* Look up `number`: *found = 1 and *entry filled, or *found = 0. Errors: ECERT_ERR_ARG,
 * ECERT_ERR_DB. */
int ecert_register_lookup(struct ecert_register *reg, const char *number,
                          struct ecert_register_entry *entry, int *found, struct ecert_error *err);

/* Call fn(ctx, index) for every revoked status index of `kid`, in increasing order. A
 * non-zero return from fn stops the walk and is returned. Errors: ECERT_ERR_ARG,
 * ECERT_ERR_DB. */
int ecert_register_foreach_revoked(struct ecert_register *reg, const char *kid,
                                   int (*fn)(void *ctx, int64_t status_index), void *ctx,
                                   struct ecert_error *err);

/* Call fn(ctx, entry) for every row (kid NULL) or every row of `kid`, ordered by kid then
 * status index. A non-zero return from fn stops the walk and is returned. */
int ecert_register_foreach(struct ecert_register *reg, const char *kid,
                           int (*fn)(void *ctx, const struct ecert_register_entry *entry),
                           void *ctx, struct ecert_error *err);

/* Number of rows (kid NULL: all kids). */
int ecert_register_count(struct ecert_register *reg, const char *kid, int64_t *count,
                         struct ecert_error *err);

/* One past the highest status index of `kid` (0 if it has none): the number of bits a
 * status list of that kid must at least hold. */
int ecert_register_index_end(struct ecert_register *reg, const char *kid, int64_t *end,
                             struct ecert_error *err);

/* Lower-case hex of SM3 over the JCS form (RFC 8785) of `value`: the record_hash of a
 * record as the reader gave it (records.h: trimmed CSV cells, empty cells left out), and
 * the doc_hash of a signed certificate. Errors: those of ecert_jcs_serialize,
 * ECERT_ERR_CRYPTO, ECERT_ERR_UNSUPPORTED (no SM3), ECERT_ERR_NOMEM. Thread-safe. */
int ecert_register_hash_json(const cJSON *value, char out[ECERT_REGISTER_HASH_HEX + 1],
                             struct ecert_error *err);

/* SQLite's quick_check over the whole file (O(size)): ECERT_ERR_DB naming the first
 * problem if the file is damaged. */
int ecert_register_check(struct ecert_register *reg, struct ecert_error *err);

#endif
