/* ecert — the issuer's register in SQLite (see ecert/register.h for the protocol). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/datetime.h"
#include "ecert/encoding.h"
#include "ecert/jcs.h"
#include "ecert/register.h"
#include "ecert/statuslist.h"

/* One register index per bit of the largest status list. */
_Static_assert(ECERT_REGISTER_INDEX_MAX == (int64_t)ECERT_STATUSLIST_MAX_BITS,
               "register index bound and status list size differ");

/* 'ECRT': marks the file as an ecert register (PRAGMA application_id). */
#define REGISTER_APP_ID 0x45435254

#define STMT_CACHE 16

struct ecert_register {
	sqlite3 *db;
	pthread_mutex_t lock; /* recursive: a batch holds it across calls of its thread */
	int batch;            /* inside ecert_register_batch_begin/_end */
	char *path;
	/* Prepared statements kept for reuse, keyed by the address of their SQL text (each
	 * query is a string literal at one call site): preparing costs more than running the
	 * small queries of a batch. Used under `lock` only. */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} stmts[STMT_CACHE];
};

#define ROW_COLUMNS                                                                                \
	"number, kind, holder_digest, doc_hash, record_hash, kid, status_index, issued_at, "       \
	"revoked_at, revoke_reason, file_state"

static const char schema_sql[] =
    "CREATE TABLE certificates ("
    " number TEXT PRIMARY KEY NOT NULL,"
    " kind TEXT NOT NULL,"
    " holder_digest TEXT NOT NULL,"
    " doc_hash TEXT,"
    " record_hash TEXT NOT NULL,"
    " kid TEXT NOT NULL,"
    " status_index INTEGER NOT NULL CHECK (status_index >= 0),"
    " issued_at TEXT,"
    " revoked_at TEXT,"
    " revoke_reason TEXT,"
    " file_state TEXT NOT NULL CHECK (file_state IN ('reserved', 'issued')),"
    " UNIQUE (kid, status_index)"
    ") STRICT;";

/* Fail with code and a message, located at `where` (a number, a path). */
static int fail_at(struct ecert_error *err, const char *where, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(struct ecert_error *err, const char *where, int code, const char *fmt, ...)
{
	char msg[ECERT_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ecert_error_where(err, "%s", where);
	return ecert_fail(err, code, "%s", msg);
}

static int db_fail(struct ecert_register *reg, struct ecert_error *err, const char *what)
{
	int code = sqlite3_errcode(reg->db);

	ecert_error_where(err, "%s", reg->path);
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return ecert_fail(err, ECERT_ERR_DB,
		                  "%s: the register is locked by another process (waited %d ms)",
		                  what, ECERT_REGISTER_BUSY_MS);
	return ecert_fail(err, ECERT_ERR_DB, "%s: %s", what, sqlite3_errmsg(reg->db));
}

/* Run SQL without results. */
static int exec(struct ecert_register *reg, const char *sql, const char *what,
                struct ecert_error *err)
{
	if (sqlite3_exec(reg->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(reg, err, what);
	return ECERT_OK;
}

/* The statement for `sql`, ready to bind: the cached one when it is not in use (a
 * callback of a walk may query again), else a new one, cached if there is room. Give it
 * back with release(). */
static int prepare(struct ecert_register *reg, const char *sql, sqlite3_stmt **st,
                   struct ecert_error *err)
{
	int i, free_slot = -1;

	for (i = 0; i < STMT_CACHE; i++) {
		if (reg->stmts[i].sql == sql && !sqlite3_stmt_busy(reg->stmts[i].st)) {
			*st = reg->stmts[i].st;
			return ECERT_OK;
		}
		if (!reg->stmts[i].sql && free_slot < 0)
			free_slot = i;
	}
	if (sqlite3_prepare_v3(reg->db, sql, -1, free_slot >= 0 ? SQLITE_PREPARE_PERSISTENT : 0,
	                       st, NULL) != SQLITE_OK) {
		*st = NULL;
		return db_fail(reg, err, "preparing a query");
	}
	if (free_slot >= 0) {
		reg->stmts[free_slot].sql = sql;
		reg->stmts[free_slot].st = *st;
	}
	return ECERT_OK;
}

/* Done with a statement from prepare(): a cached one is reset for its next use. */
static void release(struct ecert_register *reg, sqlite3_stmt *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < STMT_CACHE; i++) {
		if (reg->stmts[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	}
	release(reg, st);
}

static int bind_text(struct ecert_register *reg, sqlite3_stmt *st, int i, const char *s,
                     struct ecert_error *err)
{
	int rc = s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);

	if (rc != SQLITE_OK)
		return db_fail(reg, err, "binding a value");
	return ECERT_OK;
}

/* A single integer from `sql` with one optional text parameter. */
static int query_int(struct ecert_register *reg, const char *sql, const char *param, int64_t *out,
                     struct ecert_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = prepare(reg, sql, &st, err);
	if (rc != ECERT_OK)
		return rc;
	if (param && (rc = bind_text(reg, st, 1, param, err)) != ECERT_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_fail(reg, err, "reading the register");
		goto out;
	}
	*out = sqlite3_column_int64(st, 0);
	rc = ECERT_OK;
out:
	release(reg, st);
	return rc;
}

static void rollback(struct ecert_register *reg)
{
	if (!sqlite3_get_autocommit(reg->db))
		(void)sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Start the write transaction of one call: BEGIN IMMEDIATE (wait for other writers), or,
 * inside a batch, a savepoint so that a failed call undoes only itself. Mutex held. */
static int txn_begin(struct ecert_register *reg, struct ecert_error *err)
{
	return exec(reg, reg->batch ? "SAVEPOINT one" : "BEGIN IMMEDIATE", "locking the register",
	            err);
}

/* End it: commit (release) when rc is ECERT_OK, else roll back. Returns the final rc. */
static int txn_end(struct ecert_register *reg, int rc, struct ecert_error *err)
{
	if (reg->batch) {
		if (rc != ECERT_OK)
			(void)sqlite3_exec(reg->db, "ROLLBACK TO one", NULL, NULL, NULL);
		if (sqlite3_exec(reg->db, "RELEASE one", NULL, NULL, NULL) != SQLITE_OK &&
		    rc == ECERT_OK)
			rc = db_fail(reg, err, "ending a step of a batch");
		return rc;
	}
	if (rc == ECERT_OK)
		rc = exec(reg, "COMMIT", "committing", err);
	if (rc != ECERT_OK)
		rollback(reg);
	return rc;
}

/* Printable text without control characters, 1..max bytes. */
static int text_ok(const char *s, size_t max)
{
	size_t n;

	if (!s || !*s)
		return 0;
	for (n = 0; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= max || c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

static int hex_ok(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	for (n = 0; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == ECERT_REGISTER_HASH_HEX;
}

static int kid_ok(const char *s)
{
	size_t n;

	if (!s || !*s)
		return 0;
	for (n = 0; s[n]; n++) {
		char c = s[n];

		if (n >= ECERT_REGISTER_KID_MAX ||
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* Now (ECERT_NOW in tests), "YYYY-MM-DDThh:mm:ssZ". */
static void now_utc(char out[ECERT_REGISTER_TIME_MAX + 1])
{
	char t[26];

	ecert_time_format(ecert_time_now(), 1, t);
	snprintf(out, ECERT_REGISTER_TIME_MAX + 1, "%s", t);
}

/* Copy text column i into dst (size bytes); NULL becomes "". A value that does not fit
 * cannot have been written by this library: the file was altered. */
static int copy_col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	size_t n;

	if (!s) {
		dst[0] = '\0';
		return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : -1;
	}
	n = (size_t)sqlite3_column_bytes(st, i);
	if (n >= size || memchr(s, '\0', n))
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

/* Fill e from a row selected with ROW_COLUMNS. */
static int read_row(struct ecert_register *reg, sqlite3_stmt *st, struct ecert_register_entry *e,
                    struct ecert_error *err)
{
	char state[16];
	int bad = 0;

	memset(e, 0, sizeof(*e));
	bad |= copy_col(st, 0, e->number, sizeof(e->number));
	bad |= copy_col(st, 1, e->kind, sizeof(e->kind));
	bad |= copy_col(st, 2, e->holder_digest, sizeof(e->holder_digest));
	bad |= copy_col(st, 3, e->doc_hash, sizeof(e->doc_hash));
	bad |= copy_col(st, 4, e->record_hash, sizeof(e->record_hash));
	bad |= copy_col(st, 5, e->kid, sizeof(e->kid));
	e->status_index = sqlite3_column_int64(st, 6);
	bad |= copy_col(st, 7, e->issued_at, sizeof(e->issued_at));
	bad |= copy_col(st, 8, e->revoked_at, sizeof(e->revoked_at));
	bad |= copy_col(st, 9, e->revoke_reason, sizeof(e->revoke_reason));
	bad |= copy_col(st, 10, state, sizeof(state));
	if (strcmp(state, "reserved") == 0)
		e->state = ECERT_REGISTER_RESERVED;
	else if (strcmp(state, "issued") == 0)
		e->state = ECERT_REGISTER_ISSUED;
	else
		bad = -1;
	e->revoked = e->revoked_at[0] != '\0';
	if (bad || e->status_index < 0 || (e->state == ECERT_REGISTER_ISSUED && !e->doc_hash[0])) {
		ecert_error_where(err, "%s", reg->path);
		return ecert_fail(
		    err, ECERT_ERR_DB,
		    "row of certificate %.64s is malformed (the register was altered)", e->number);
	}
	return ECERT_OK;
}

/* Select the row of `number`: *found = 1 and e filled, or *found = 0. */
static int select_number(struct ecert_register *reg, const char *number,
                         struct ecert_register_entry *e, int *found, struct ecert_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	rc = prepare(reg, "SELECT " ROW_COLUMNS " FROM certificates WHERE number = ?1", &st, err);
	if (rc != ECERT_OK)
		return rc;
	if ((rc = bind_text(reg, st, 1, number, err)) != ECERT_OK)
		goto out;
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		*found = 0;
		rc = ECERT_OK;
	} else if (step == SQLITE_ROW) {
		rc = read_row(reg, st, e, err);
		if (rc == ECERT_OK)
			*found = 1;
	} else {
		rc = db_fail(reg, err, "reading the register");
	}
out:
	release(reg, st);
	return rc;
}

/* Create the schema in an empty file, or check an existing one. */
static int setup_schema(struct ecert_register *reg, struct ecert_error *err)
{
	int64_t app_id, version, tables;
	int rc;

	rc = exec(reg, "BEGIN IMMEDIATE", "locking the register", err);
	if (rc != ECERT_OK)
		return rc;
	if ((rc = query_int(reg, "PRAGMA application_id", NULL, &app_id, err)) != ECERT_OK ||
	    (rc = query_int(reg, "PRAGMA user_version", NULL, &version, err)) != ECERT_OK ||
	    (rc = query_int(reg, "SELECT count(*) FROM sqlite_schema", NULL, &tables, err)) !=
	        ECERT_OK)
		goto out;
	if (app_id == 0 && version == 0 && tables == 0) {
		char sql[64];

		if ((rc = exec(reg, schema_sql, "creating the register", err)) != ECERT_OK)
			goto out;
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", REGISTER_APP_ID);
		if ((rc = exec(reg, sql, "creating the register", err)) != ECERT_OK)
			goto out;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		         ECERT_REGISTER_SCHEMA_VERSION);
		if ((rc = exec(reg, sql, "creating the register", err)) != ECERT_OK)
			goto out;
	} else if (app_id != REGISTER_APP_ID) {
		ecert_error_where(err, "%s", reg->path);
		rc =
		    ecert_fail(err, ECERT_ERR_DB,
		               "an SQLite database but not an ecert register (application_id %lld)",
		               (long long)app_id);
		goto out;
	} else if (version != ECERT_REGISTER_SCHEMA_VERSION) {
		ecert_error_where(err, "%s", reg->path);
		rc = ecert_fail(err, ECERT_ERR_DB,
		                "register schema version %lld, this program knows version %d",
		                (long long)version, ECERT_REGISTER_SCHEMA_VERSION);
		goto out;
	}
	rc = exec(reg, "COMMIT", "creating the register", err);
out:
	if (rc != ECERT_OK)
		rollback(reg);
	return rc;
}

int ecert_register_open(const char *path, int flags, struct ecert_register **out,
                        struct ecert_error *err)
{
	struct ecert_register *reg = NULL;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	pthread_mutexattr_t attr;
	int rc = ECERT_ERR_DB, oflags;
	const unsigned char *mode;

	if (!path || !*path || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no register path");
	if (!(flags & ECERT_REGISTER_CREATE) && stat(path, &sb) != 0) {
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_IO, "no register here: %s", strerror(errno));
	}
	reg = ecert_calloc(1, sizeof(*reg));
	if (!reg || !(reg->path = ecert_strdup(path))) {
		ecert_free(reg);
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
	if (pthread_mutexattr_init(&attr) != 0 ||
	    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0 ||
	    pthread_mutex_init(&reg->lock, &attr) != 0) {
		pthread_mutexattr_destroy(&attr);
		ecert_free(reg->path);
		ecert_free(reg);
		return ecert_fail(err, ECERT_ERR_NOMEM, "cannot create a mutex");
	}
	pthread_mutexattr_destroy(&attr);
	oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (flags & ECERT_REGISTER_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &reg->db, oflags, NULL) != SQLITE_OK) {
		ecert_error_where(err, "%s", path);
		rc = ecert_fail(err, reg->db ? ECERT_ERR_IO : ECERT_ERR_NOMEM, "cannot open: %s",
		                reg->db ? sqlite3_errmsg(reg->db) : "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(reg->db, 0);
	if (sqlite3_busy_timeout(reg->db, ECERT_REGISTER_BUSY_MS) != SQLITE_OK) {
		rc = db_fail(reg, err, "setting the busy timeout");
		goto out;
	}
	/* The first statement reads the header: a file that is not a database fails here. */
	if ((rc = prepare(reg, "PRAGMA journal_mode = WAL", &st, err)) != ECERT_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_fail(reg, err, "opening the register");
		goto out;
	}
	mode = sqlite3_column_text(st, 0);
	if (!mode || strcmp((const char *)mode, "wal") != 0) {
		ecert_error_where(err, "%s", path);
		rc = ecert_fail(err, ECERT_ERR_DB, "cannot use WAL journaling (got %s)",
		                mode ? (const char *)mode : "nothing");
		goto out;
	}
	release(reg, st);
	st = NULL;
	if ((rc = exec(reg, "PRAGMA synchronous = FULL", "opening the register", err)) != ECERT_OK)
		goto out;
	if ((rc = setup_schema(reg, err)) != ECERT_OK)
		goto out;
	*out = reg;
	reg = NULL;
	rc = ECERT_OK;
out:
	release(reg, st);
	ecert_register_close(reg);
	return rc;
}

void ecert_register_close(struct ecert_register *reg)
{
	if (!reg)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(reg->stmts[i].st);
	sqlite3_close(reg->db);
	pthread_mutex_destroy(&reg->lock);
	ecert_free(reg->path);
	ecert_free(reg);
}

static int request_ok(const struct ecert_register_request *req, struct ecert_error *err)
{
	if (!text_ok(req->number, ECERT_REGISTER_NUMBER_MAX))
		return ecert_fail(
		    err, ECERT_ERR_ARG,
		    "certificate number missing, too long or with control characters");
	if (!text_ok(req->kind, ECERT_REGISTER_KIND_MAX))
		return fail_at(err, req->number, ECERT_ERR_ARG, "kind missing or too long");
	if (!text_ok(req->holder_digest, ECERT_REGISTER_DIGEST_MAX))
		return fail_at(err, req->number, ECERT_ERR_ARG,
		               "holder digest missing or too long");
	if (!hex_ok(req->record_hash))
		return fail_at(err, req->number, ECERT_ERR_ARG,
		               "record hash is not %d lower-case hex digits",
		               ECERT_REGISTER_HASH_HEX);
	if (!kid_ok(req->kid))
		return fail_at(err, req->number, ECERT_ERR_ARG,
		               "kid is not 1 to %d base64url characters", ECERT_REGISTER_KID_MAX);
	return ECERT_OK;
}

/* The reserving transaction, with the write lock held. */
static int reserve_locked(struct ecert_register *reg, const struct ecert_register_request *req,
                          struct ecert_register_entry *e, enum ecert_register_outcome *outcome,
                          struct ecert_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t next;
	int rc, found = 0;

	rc = select_number(reg, req->number, e, &found, err);
	if (rc != ECERT_OK)
		return rc;
	if (found) {
		int same = strcmp(e->record_hash, req->record_hash) == 0;

		if (same && e->state == ECERT_REGISTER_ISSUED) {
			*outcome = ECERT_REGISTER_DONE;
			return ECERT_OK;
		}
		if (e->state == ECERT_REGISTER_ISSUED)
			return fail_at(err, req->number, ECERT_ERR_EXISTS,
			               "certificate number already issued (at %s) from a different "
			               "record; a changed record needs a new number",
			               e->issued_at);
		if (strcmp(e->kid, req->kid) != 0)
			return fail_at(
			    err, req->number, ECERT_ERR_EXISTS,
			    "certificate number reserved by an interrupted run under key "
			    "%s (status index %lld); finish it with that key",
			    e->kid, (long long)e->status_index);
		if (!same && !req->replace_reserved)
			return fail_at(err, req->number, ECERT_ERR_EXISTS,
			               "certificate number reserved by an interrupted run for a "
			               "different record");
		if (!same) {
			rc = prepare(
			    reg,
			    "UPDATE certificates SET kind = ?2, holder_digest = ?3, "
			    "record_hash = ?4 WHERE number = ?1 AND file_state = 'reserved'",
			    &st, err);
			if (rc != ECERT_OK)
				return rc;
			if ((rc = bind_text(reg, st, 1, req->number, err)) != ECERT_OK ||
			    (rc = bind_text(reg, st, 2, req->kind, err)) != ECERT_OK ||
			    (rc = bind_text(reg, st, 3, req->holder_digest, err)) != ECERT_OK ||
			    (rc = bind_text(reg, st, 4, req->record_hash, err)) != ECERT_OK)
				goto out;
			if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(reg->db) != 1) {
				rc = db_fail(reg, err, "updating a reserved row");
				goto out;
			}
			snprintf(e->kind, sizeof(e->kind), "%s", req->kind);
			snprintf(e->holder_digest, sizeof(e->holder_digest), "%s",
			         req->holder_digest);
			snprintf(e->record_hash, sizeof(e->record_hash), "%s", req->record_hash);
		}
		*outcome = ECERT_REGISTER_RESUME;
		rc = ECERT_OK;
		goto out;
	}

	/* Dense per kid: rows are never deleted, so max+1 leaves no gap. */
	rc = query_int(reg,
	               "SELECT COALESCE(MAX(status_index) + 1, 0) FROM certificates WHERE kid = ?1",
	               req->kid, &next, err);
	if (rc != ECERT_OK)
		return rc;
	if (next >= ECERT_REGISTER_INDEX_MAX) {
		ecert_error_where(err, "%s", reg->path);
		return ecert_fail(err, ECERT_ERR_DB,
		                  "the status list of key %s is full (%lld entries); issue with a "
		                  "new key",
		                  req->kid, (long long)next);
	}
	rc = prepare(reg,
	             "INSERT INTO certificates (number, kind, holder_digest, record_hash, kid, "
	             "status_index, file_state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'reserved')",
	             &st, err);
	if (rc != ECERT_OK)
		return rc;
	if ((rc = bind_text(reg, st, 1, req->number, err)) != ECERT_OK ||
	    (rc = bind_text(reg, st, 2, req->kind, err)) != ECERT_OK ||
	    (rc = bind_text(reg, st, 3, req->holder_digest, err)) != ECERT_OK ||
	    (rc = bind_text(reg, st, 4, req->record_hash, err)) != ECERT_OK ||
	    (rc = bind_text(reg, st, 5, req->kid, err)) != ECERT_OK)
		goto out;
	if (sqlite3_bind_int64(st, 6, next) != SQLITE_OK) {
		rc = db_fail(reg, err, "binding a value");
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(reg, err, "reserving a certificate number");
		goto out;
	}
	memset(e, 0, sizeof(*e));
	snprintf(e->number, sizeof(e->number), "%s", req->number);
	snprintf(e->kind, sizeof(e->kind), "%s", req->kind);
	snprintf(e->holder_digest, sizeof(e->holder_digest), "%s", req->holder_digest);
	snprintf(e->record_hash, sizeof(e->record_hash), "%s", req->record_hash);
	snprintf(e->kid, sizeof(e->kid), "%s", req->kid);
	e->status_index = next;
	e->state = ECERT_REGISTER_RESERVED;
	*outcome = ECERT_REGISTER_NEW;
	rc = ECERT_OK;
out:
	release(reg, st);
	return rc;
}

int ecert_register_reserve(struct ecert_register *reg, const struct ecert_register_request *req,
                           struct ecert_register_entry *entry, enum ecert_register_outcome *outcome,
                           struct ecert_error *err)
{
	struct ecert_register_entry e;
	enum ecert_register_outcome oc = ECERT_REGISTER_NEW;
	int rc;

	if (!reg || !req || !entry || !outcome)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if ((rc = request_ok(req, err)) != ECERT_OK)
		return rc;
	pthread_mutex_lock(&reg->lock);
	rc = txn_begin(reg, err);
	if (rc == ECERT_OK)
		rc = txn_end(reg, reserve_locked(reg, req, &e, &oc, err), err);
	pthread_mutex_unlock(&reg->lock);
	if (rc == ECERT_OK) {
		*entry = e;
		*outcome = oc;
	}
	return rc;
}

/* The row of a number that must be in the register (ECERT_ERR_INVALID if not). */
static int existing(struct ecert_register *reg, const char *number,
                    struct ecert_register_entry *e, struct ecert_error *err)
{
	int rc, found = 0;

	rc = select_number(reg, number, e, &found, err);
	if (rc == ECERT_OK && !found)
		rc = fail_at(err, number, ECERT_ERR_INVALID,
		             "no such certificate number in the register");
	return rc;
}

/* Run an UPDATE whose parameters ?1..?3 are the texts a, b, c, which must change exactly
 * one row; `what` names the operation in the error. */
static int update_one(struct ecert_register *reg, const char *sql, const char *a, const char *b,
                      const char *c, const char *what, struct ecert_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = prepare(reg, sql, &st, err);
	if (rc != ECERT_OK)
		return rc;
	if ((rc = bind_text(reg, st, 1, a, err)) != ECERT_OK ||
	    (rc = bind_text(reg, st, 2, b, err)) != ECERT_OK ||
	    (rc = bind_text(reg, st, 3, c, err)) != ECERT_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(reg->db) != 1) {
		rc = db_fail(reg, err, what);
		goto out;
	}
	rc = ECERT_OK;
out:
	release(reg, st);
	return rc;
}

static int commit_locked(struct ecert_register *reg, const char *number, const char *doc_hash,
                         const char *issued_at, struct ecert_error *err)
{
	struct ecert_register_entry e;
	int rc = existing(reg, number, &e, err);

	if (rc != ECERT_OK)
		return rc;
	if (e.state == ECERT_REGISTER_ISSUED) {
		if (strcmp(e.doc_hash, doc_hash) == 0)
			return ECERT_OK;
		return fail_at(err, number, ECERT_ERR_EXISTS,
		               "already issued with another document (hash %s)", e.doc_hash);
	}
	return update_one(reg,
	                  "UPDATE certificates SET doc_hash = ?2, issued_at = ?3, "
	                  "file_state = 'issued' WHERE number = ?1 AND file_state = 'reserved'",
	                  number, doc_hash, issued_at, "committing an issued certificate", err);
}

int ecert_register_commit(struct ecert_register *reg, const char *number, const char *doc_hash,
                          const char *issued_at, struct ecert_error *err)
{
	char now[ECERT_REGISTER_TIME_MAX + 1];
	int rc;

	if (!reg || !text_ok(number, ECERT_REGISTER_NUMBER_MAX))
		return ecert_fail(err, ECERT_ERR_ARG, "certificate number missing or too long");
	if (!hex_ok(doc_hash))
		return fail_at(err, number, ECERT_ERR_ARG,
		               "document hash is not %d lower-case hex digits",
		               ECERT_REGISTER_HASH_HEX);
	if (!issued_at) {
		now_utc(now);
		issued_at = now;
	} else if (!text_ok(issued_at, ECERT_REGISTER_TIME_MAX)) {
		return fail_at(err, number, ECERT_ERR_ARG, "issue time missing or too long");
	}
	pthread_mutex_lock(&reg->lock);
	rc = txn_begin(reg, err);
	if (rc == ECERT_OK)
		rc = txn_end(reg, commit_locked(reg, number, doc_hash, issued_at, err), err);
	pthread_mutex_unlock(&reg->lock);
	return rc;
}

static int revoke_locked(struct ecert_register *reg, const char *number, const char *reason,
                         const char *revoked_at, struct ecert_error *err)
{
	struct ecert_register_entry e;
	int rc = existing(reg, number, &e, err);

	if (rc != ECERT_OK)
		return rc;
	if (e.revoked)
		return fail_at(err, number, ECERT_ERR_REVOKED, "already revoked at %s (%s)",
		               e.revoked_at, e.revoke_reason);
	return update_one(reg,
	                  "UPDATE certificates SET revoked_at = ?2, revoke_reason = ?3 "
	                  "WHERE number = ?1 AND revoked_at IS NULL",
	                  number, revoked_at, reason, "revoking", err);
}

int ecert_register_revoke(struct ecert_register *reg, const char *number, const char *reason,
                          const char *revoked_at, struct ecert_error *err)
{
	char now[ECERT_REGISTER_TIME_MAX + 1];
	size_t n;
	int rc;

	if (!reg || !text_ok(number, ECERT_REGISTER_NUMBER_MAX))
		return ecert_fail(err, ECERT_ERR_ARG, "certificate number missing or too long");
	/* The reason is free text (it may hold line breaks, but no other control codes). */
	n = reason ? strlen(reason) : 0;
	if (n == 0 || n > ECERT_REGISTER_REASON_MAX)
		return fail_at(err, number, ECERT_ERR_ARG,
		               "a revocation reason of 1 to %d bytes is required",
		               ECERT_REGISTER_REASON_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)reason[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			return fail_at(err, number, ECERT_ERR_ARG,
			               "revocation reason has a control character");
	}
	if (!revoked_at) {
		now_utc(now);
		revoked_at = now;
	} else if (!text_ok(revoked_at, ECERT_REGISTER_TIME_MAX)) {
		return fail_at(err, number, ECERT_ERR_ARG, "revocation time missing or too long");
	}
	pthread_mutex_lock(&reg->lock);
	rc = txn_begin(reg, err);
	if (rc == ECERT_OK)
		rc = txn_end(reg, revoke_locked(reg, number, reason, revoked_at, err), err);
	pthread_mutex_unlock(&reg->lock);
	return rc;
}

int ecert_register_batch_begin(struct ecert_register *reg, struct ecert_error *err)
{
	int rc;

	if (!reg)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	pthread_mutex_lock(&reg->lock);
	if (reg->batch) {
		pthread_mutex_unlock(&reg->lock);
		return ecert_fail(err, ECERT_ERR_ARG, "a batch is already open on this handle");
	}
	rc = exec(reg, "BEGIN IMMEDIATE", "locking the register", err);
	if (rc != ECERT_OK) {
		pthread_mutex_unlock(&reg->lock);
		return rc;
	}
	reg->batch = 1;
	return ECERT_OK; /* the mutex stays held until ecert_register_batch_end */
}

int ecert_register_batch_end(struct ecert_register *reg, int commit, struct ecert_error *err)
{
	int rc = ECERT_OK;

	if (!reg)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	pthread_mutex_lock(&reg->lock);
	if (!reg->batch) {
		pthread_mutex_unlock(&reg->lock);
		return ecert_fail(err, ECERT_ERR_ARG, "no batch is open on this handle");
	}
	reg->batch = 0;
	if (commit)
		rc = exec(reg, "COMMIT", "committing a batch", err);
	if (!commit || rc != ECERT_OK)
		rollback(reg);
	pthread_mutex_unlock(&reg->lock); /* this call's */
	pthread_mutex_unlock(&reg->lock); /* batch_begin's */
	return rc;
}

int ecert_register_lookup(struct ecert_register *reg, const char *number,
                          struct ecert_register_entry *entry, int *found, struct ecert_error *err)
{
	struct ecert_register_entry e;
	int rc, f = 0;

	if (!reg || !entry || !found || !text_ok(number, ECERT_REGISTER_NUMBER_MAX))
		return ecert_fail(err, ECERT_ERR_ARG, "certificate number missing or too long");
	pthread_mutex_lock(&reg->lock);
	rc = select_number(reg, number, &e, &f, err);
	pthread_mutex_unlock(&reg->lock);
	if (rc != ECERT_OK)
		return rc;
	*found = f;
	if (f)
		*entry = e;
	return ECERT_OK;
}

int ecert_register_foreach_revoked(struct ecert_register *reg, const char *kid,
                                   int (*fn)(void *ctx, int64_t status_index), void *ctx,
                                   struct ecert_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if (!reg || !fn || !kid_ok(kid))
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument or malformed kid");
	pthread_mutex_lock(&reg->lock);
	rc = prepare(reg,
	             "SELECT status_index FROM certificates WHERE kid = ?1 AND revoked_at IS NOT "
	             "NULL ORDER BY status_index",
	             &st, err);
	if (rc != ECERT_OK)
		goto out;
	if ((rc = bind_text(reg, st, 1, kid, err)) != ECERT_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn(ctx, sqlite3_column_int64(st, 0));
		if (rc != ECERT_OK)
			goto out;
	}
	rc = step == SQLITE_DONE ? ECERT_OK : db_fail(reg, err, "reading revocations");
out:
	release(reg, st);
	pthread_mutex_unlock(&reg->lock);
	return rc;
}

int ecert_register_foreach(struct ecert_register *reg, const char *kid,
                           int (*fn)(void *ctx, const struct ecert_register_entry *entry),
                           void *ctx, struct ecert_error *err)
{
	struct ecert_register_entry e;
	sqlite3_stmt *st = NULL;
	int rc, step;

	if (!reg || !fn || (kid && !kid_ok(kid)))
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument or malformed kid");
	pthread_mutex_lock(&reg->lock);
	rc = prepare(reg,
	             kid ? "SELECT " ROW_COLUMNS " FROM certificates WHERE kid = ?1 "
	                   "ORDER BY kid, status_index"
	                 : "SELECT " ROW_COLUMNS " FROM certificates ORDER BY kid, status_index",
	             &st, err);
	if (rc != ECERT_OK)
		goto out;
	if (kid && (rc = bind_text(reg, st, 1, kid, err)) != ECERT_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = read_row(reg, st, &e, err)) != ECERT_OK)
			goto out;
		rc = fn(ctx, &e);
		if (rc != ECERT_OK)
			goto out;
	}
	rc = step == SQLITE_DONE ? ECERT_OK : db_fail(reg, err, "reading the register");
out:
	release(reg, st);
	pthread_mutex_unlock(&reg->lock);
	return rc;
}

int ecert_register_count(struct ecert_register *reg, const char *kid, int64_t *count,
                         struct ecert_error *err)
{
	int64_t n;
	int rc;

	if (!reg || !count || (kid && !kid_ok(kid)))
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument or malformed kid");
	pthread_mutex_lock(&reg->lock);
	rc = query_int(reg,
	               kid ? "SELECT count(*) FROM certificates WHERE kid = ?1"
	                   : "SELECT count(*) FROM certificates",
	               kid, &n, err);
	pthread_mutex_unlock(&reg->lock);
	if (rc == ECERT_OK)
		*count = n;
	return rc;
}

int ecert_register_index_end(struct ecert_register *reg, const char *kid, int64_t *end,
                             struct ecert_error *err)
{
	int64_t n;
	int rc;

	if (!reg || !end || !kid_ok(kid))
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument or malformed kid");
	pthread_mutex_lock(&reg->lock);
	rc = query_int(reg,
	               "SELECT COALESCE(MAX(status_index) + 1, 0) FROM certificates WHERE kid = ?1",
	               kid, &n, err);
	pthread_mutex_unlock(&reg->lock);
	if (rc == ECERT_OK)
		*end = n;
	return rc;
}

int ecert_register_check(struct ecert_register *reg, struct ecert_error *err)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *res;
	int rc;

	if (!reg)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	pthread_mutex_lock(&reg->lock);
	rc = prepare(reg, "PRAGMA quick_check(1)", &st, err);
	if (rc != ECERT_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_fail(reg, err, "checking the register");
		goto out;
	}
	res = sqlite3_column_text(st, 0);
	if (!res || strcmp((const char *)res, "ok") != 0) {
		ecert_error_where(err, "%s", reg->path);
		rc = ecert_fail(err, ECERT_ERR_DB, "the register file is damaged: %.200s",
		                res ? (const char *)res : "no answer");
		goto out;
	}
	rc = ECERT_OK;
out:
	release(reg, st);
	pthread_mutex_unlock(&reg->lock);
	return rc;
}

int ecert_register_hash_json(const cJSON *value, char out[ECERT_REGISTER_HASH_HEX + 1],
                             struct ecert_error *err)
{
	struct ecert_buf canon = ECERT_BUF_INIT, hex = ECERT_BUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *sm3 = EVP_sm3();
	int rc;

	if (!value || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (!sm3)
		return ecert_fail(err, ECERT_ERR_UNSUPPORTED, "this OpenSSL has no SM3");
	if ((rc = ecert_jcs_serialize(value, &canon, err)) != ECERT_OK)
		goto out;
	if (EVP_Digest(canon.data, canon.len, md, &mdlen, sm3, NULL) != 1 ||
	    mdlen * 2 != ECERT_REGISTER_HASH_HEX) {
		rc = ecert_fail(err, ECERT_ERR_CRYPTO, "SM3 digest failed");
		goto out;
	}
	if (ecert_hex_encode(md, mdlen, &hex) != ECERT_OK || hex.len != ECERT_REGISTER_HASH_HEX) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(out, hex.data, ECERT_REGISTER_HASH_HEX + 1);
	rc = ECERT_OK;
out:
	ecert_buf_free(&canon);
	ecert_buf_free(&hex);
	return rc;
}
