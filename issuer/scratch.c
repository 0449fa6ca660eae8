/* ecert-issuer issue — the scratch store: certificate numbers seen in the input (to refuse
 * a number given twice) and the items pass 1 refused (so that pass 2 skips them and the
 * rejects file can be written), in a private temporary SQLite database on disk, so that
 * memory stays the same whatever the size of the batch. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ecert/alloc.h"
#include "ecert/file.h"
#include "issue.h"

/* SQLite page cache of the scratch database, KiB (negative cache_size = KiB). */
#define SCRATCH_CACHE_KIB 2048

struct issue_scratch {
	sqlite3 *db;
	sqlite3_stmt *ins_seen, *sel_seen, *ins_reject, *cursor;
	unsigned long next_rejected; /* the cursor's current ordinal, 0 = none left */
	int cursor_started;
};

static int db_fail(struct issue_scratch *sc, struct ecert_error *err, const char *what)
{
	ecert_error_where(err, "%s", TR("临时数据库", "scratch database"));
	return ecert_fail(err, ECERT_ERR_DB, "%s: %s", what,
			  sc && sc->db ? sqlite3_errmsg(sc->db) : "cannot open");
}

int issue_scratch_open(struct issue_scratch **out, struct ecert_error *err)
{
	static const char schema[] =
		"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
		"CREATE TABLE seen (number TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID; "
		"CREATE TABLE rejected (ordinal INTEGER PRIMARY KEY, line INTEGER, number TEXT, "
		"field TEXT, reason TEXT); BEGIN;";
	struct issue_scratch *sc = ecert_calloc(1, sizeof(*sc));
	char cache[64];
	int rc = ECERT_ERR_DB;

	snprintf(cache, sizeof(cache), "PRAGMA cache_size = -%d;", SCRATCH_CACHE_KIB);
	if (!sc)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	/* "" = a private temporary database on disk, deleted when closed */
	if (sqlite3_open_v2("", &sc->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		rc = db_fail(sc, err, "open");
		goto fail;
	}
	if (sqlite3_exec(sc->db, cache, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(sc->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sc->db, "INSERT INTO seen (number, line) VALUES (?1, ?2)", -1,
			       &sc->ins_seen, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sc->db, "SELECT line FROM seen WHERE number = ?1", -1,
			       &sc->sel_seen, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sc->db,
			       "INSERT INTO rejected (ordinal, line, number, field, reason) "
			       "VALUES (?1, ?2, ?3, ?4, ?5)",
			       -1, &sc->ins_reject, NULL) != SQLITE_OK) {
		rc = db_fail(sc, err, "setup");
		goto fail;
	}
	*out = sc;
	return ECERT_OK;
fail:
	issue_scratch_close(sc);
	return rc;
}

void issue_scratch_close(struct issue_scratch *sc)
{
	if (!sc)
		return;
	sqlite3_finalize(sc->ins_seen);
	sqlite3_finalize(sc->sel_seen);
	sqlite3_finalize(sc->ins_reject);
	sqlite3_finalize(sc->cursor);
	sqlite3_close(sc->db);
	ecert_free(sc);
}

int issue_scratch_seen(struct issue_scratch *sc, const char *number, unsigned long line,
		       unsigned long *first_line, struct ecert_error *err)
{
	int r;

	sqlite3_reset(sc->ins_seen);
	sqlite3_bind_text(sc->ins_seen, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int64(sc->ins_seen, 2, (sqlite3_int64)line);
	r = sqlite3_step(sc->ins_seen);
	sqlite3_reset(sc->ins_seen);
	if (r == SQLITE_DONE)
		return 0;
	if ((r & 0xff) != SQLITE_CONSTRAINT) {
		db_fail(sc, err, "insert");
		return -1;
	}
	sqlite3_reset(sc->sel_seen);
	sqlite3_bind_text(sc->sel_seen, 1, number, -1, SQLITE_STATIC);
	if (sqlite3_step(sc->sel_seen) != SQLITE_ROW) {
		sqlite3_reset(sc->sel_seen);
		db_fail(sc, err, "select");
		return -1;
	}
	*first_line = (unsigned long)sqlite3_column_int64(sc->sel_seen, 0);
	sqlite3_reset(sc->sel_seen);
	return 1;
}

int issue_scratch_reject(struct issue_scratch *sc, unsigned long ordinal, unsigned long line,
			 const char *number, const char *field, const char *reason,
			 struct ecert_error *err)
{
	int r;

	sqlite3_reset(sc->ins_reject);
	sqlite3_bind_int64(sc->ins_reject, 1, (sqlite3_int64)ordinal);
	sqlite3_bind_int64(sc->ins_reject, 2, (sqlite3_int64)line);
	sqlite3_bind_text(sc->ins_reject, 3, number, -1, SQLITE_STATIC);
	sqlite3_bind_text(sc->ins_reject, 4, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(sc->ins_reject, 5, reason, -1, SQLITE_STATIC);
	r = sqlite3_step(sc->ins_reject);
	sqlite3_reset(sc->ins_reject);
	if (r != SQLITE_DONE)
		return db_fail(sc, err, "insert");
	return ECERT_OK;
}

/* Move the cursor to the next refused ordinal (0 when there is none). */
static void cursor_step(struct issue_scratch *sc)
{
	if (sc->cursor && sqlite3_step(sc->cursor) == SQLITE_ROW)
		sc->next_rejected = (unsigned long)sqlite3_column_int64(sc->cursor, 0);
	else
		sc->next_rejected = 0;
}

int issue_scratch_is_rejected(struct issue_scratch *sc, unsigned long ordinal)
{
	if (!sc->cursor_started) {
		sc->cursor_started = 1;
		if (sqlite3_prepare_v2(sc->db, "SELECT ordinal FROM rejected ORDER BY ordinal", -1,
				       &sc->cursor, NULL) != SQLITE_OK)
			sc->cursor = NULL;
		cursor_step(sc);
	}
	while (sc->next_rejected && sc->next_rejected < ordinal)
		cursor_step(sc);
	return sc->next_rejected == ordinal;
}

/* One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. */
static void csv_cell(FILE *f, const char *s, int last)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

int issue_scratch_write_rejects(struct issue_scratch *sc, const char *path,
				struct ecert_error *err)
{
	char tmp[ISSUE_PATH_MAX], line[24];
	sqlite3_stmt *st = NULL;
	FILE *f = NULL;
	int fd, n, rc = ECERT_ERR_IO;

	/* streamed to a temp file and renamed: the rows are not held in memory */
	n = snprintf(tmp, sizeof(tmp), "%s" ECERT_FILE_TMP_INFIX "%ld.0", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_ARG, "path too long");
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, ISSUE_REJECTS_MODE);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
	}
	/* a byte-order mark, so that spreadsheet programs open the UTF-8 as such */
	fputs("\xEF\xBB\xBF", f);
	fputs(issuer_english ? "line,certificateNumber,field,reason\r\n"
			     : "行号,证书编号,字段,原因\r\n",
	      f);
	if (sqlite3_prepare_v2(sc->db,
			       "SELECT line, number, field, reason FROM rejected ORDER BY ordinal",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(sc, err, "select");
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(line, sizeof(line), "%lld", (long long)sqlite3_column_int64(st, 0));
		csv_cell(f, sqlite3_column_int64(st, 0) > 0 ? line : "", 0);
		csv_cell(f, (const char *)sqlite3_column_text(st, 1), 0);
		csv_cell(f, (const char *)sqlite3_column_text(st, 2), 0);
		csv_cell(f, (const char *)sqlite3_column_text(st, 3), 1);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		ecert_error_where(err, "%s", path);
		rc = ecert_fail(err, ECERT_ERR_IO, "cannot write: %s", strerror(errno));
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		f = NULL;
		ecert_error_where(err, "%s", path);
		rc = ecert_fail(err, ECERT_ERR_IO, "cannot write: %s", strerror(errno));
		goto out;
	}
	f = NULL;
	rc = ECERT_OK;
out:
	sqlite3_finalize(st);
	if (f)
		fclose(f);
	if (rc != ECERT_OK)
		unlink(tmp);
	return rc;
}
