/* cmocka: the issuer's register (reserve / commit / revoke, crash resume, dense indexes). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "ecert/alloc.h"
#include "ecert/error.h"
#include "ecert/register.h"

#define KID_A "AAAAAAAAAAA"
#define KID_B "Bb-_0123456"
#define HASH_1 "1111111111111111111111111111111111111111111111111111111111111111"
#define HASH_2 "2222222222222222222222222222222222222222222222222222222222222222"
#define DOC_1 "d0c0000000000000000000000000000000000000000000000000000000000001"
#define DOC_2 "d0c0000000000000000000000000000000000000000000000000000000000002"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/ecert-register-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/reg.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct ecert_register *open_new(const struct fixture *f)
{
	struct ecert_register *reg = NULL;
	struct ecert_error err;

	ecert_error_clear(&err);
	assert_int_equal(ecert_register_open(f->path, ECERT_REGISTER_CREATE, &reg, &err), ECERT_OK);
	assert_non_null(reg);
	return reg;
}

static struct ecert_register_request req(const char *number, const char *hash, const char *kid)
{
	struct ecert_register_request r = {number, "skill", "sm3:c2FsdA:abcd", hash, kid, 0};

	return r;
}

static int reserve(struct ecert_register *reg, const char *number, const char *hash,
                   const char *kid, struct ecert_register_entry *e, enum ecert_register_outcome *oc)
{
	struct ecert_register_request r = req(number, hash, kid);
	struct ecert_error err;

	ecert_error_clear(&err);
	return ecert_register_reserve(reg, &r, e, oc, &err);
}

static void test_fresh(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = NULL;
	struct ecert_register_entry e;
	struct ecert_error err;
	int64_t n = -1;
	int found = -1;

	ecert_error_clear(&err);
	/* without CREATE a missing file is an error, and nothing is created */
	assert_int_equal(ecert_register_open(f->path, 0, &reg, &err), ECERT_ERR_IO);
	assert_null(reg);
	assert_string_equal(err.where, f->path);
	assert_int_not_equal(access(f->path, F_OK), 0);

	reg = open_new(f);
	assert_int_equal(ecert_register_count(reg, NULL, &n, &err), ECERT_OK);
	assert_int_equal(n, 0);
	assert_int_equal(ecert_register_index_end(reg, KID_A, &n, &err), ECERT_OK);
	assert_int_equal(n, 0);
	assert_int_equal(ecert_register_lookup(reg, "X1", &e, &found, &err), ECERT_OK);
	assert_int_equal(found, 0);
	assert_int_equal(ecert_register_check(reg, &err), ECERT_OK);
	ecert_register_close(reg);
	ecert_register_close(NULL);

	/* reopening an existing register without CREATE works */
	assert_int_equal(ecert_register_open(f->path, 0, &reg, &err), ECERT_OK);
	ecert_register_close(reg);
}

static void test_reserve_commit(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_register_entry e, l;
	enum ecert_register_outcome oc = 0;
	struct ecert_error err;
	int found = 0;
	int64_t n;

	ecert_error_clear(&err);
	assert_int_equal(reserve(reg, "S1", HASH_1, KID_A, &e, &oc), ECERT_OK);
	assert_int_equal(oc, ECERT_REGISTER_NEW);
	assert_int_equal(e.status_index, 0);
	assert_int_equal(e.state, ECERT_REGISTER_RESERVED);
	assert_string_equal(e.number, "S1");
	assert_string_equal(e.doc_hash, "");

	assert_int_equal(ecert_register_lookup(reg, "S1", &l, &found, &err), ECERT_OK);
	assert_int_equal(found, 1);
	assert_int_equal(l.state, ECERT_REGISTER_RESERVED);
	assert_string_equal(l.kid, KID_A);
	assert_string_equal(l.record_hash, HASH_1);
	assert_string_equal(l.holder_digest, "sm3:c2FsdA:abcd");
	assert_string_equal(l.kind, "skill");

	assert_int_equal(ecert_register_commit(reg, "S1", DOC_1, "2025-01-02T03:04:05+08:00", &err),
	                 ECERT_OK);
	assert_int_equal(ecert_register_lookup(reg, "S1", &l, &found, &err), ECERT_OK);
	assert_int_equal(l.state, ECERT_REGISTER_ISSUED);
	assert_string_equal(l.doc_hash, DOC_1);
	assert_string_equal(l.issued_at, "2025-01-02T03:04:05+08:00");
	assert_int_equal(l.revoked, 0);

	/* committing again with the same document is a no-op; another document is refused */
	assert_int_equal(ecert_register_commit(reg, "S1", DOC_1, NULL, &err), ECERT_OK);
	assert_int_equal(ecert_register_commit(reg, "S1", DOC_2, NULL, &err), ECERT_ERR_EXISTS);
	assert_string_equal(err.where, "S1");
	assert_int_equal(ecert_register_commit(reg, "NOPE", DOC_1, NULL, &err), ECERT_ERR_INVALID);
	assert_int_equal(ecert_register_commit(reg, "S1", "D0C", NULL, &err), ECERT_ERR_ARG);
	assert_int_equal(ecert_register_count(reg, KID_A, &n, &err), ECERT_OK);
	assert_int_equal(n, 1);
	ecert_register_close(reg);
}

static void test_idempotent_rerun(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_register_entry e;
	enum ecert_register_outcome oc = 0;
	struct ecert_error err;
	int64_t n;

	ecert_error_clear(&err);
	for (int i = 0; i < 3; i++) {
		char num[40];

		snprintf(num, sizeof(num), "S%d", i);
		assert_int_equal(reserve(reg, num, HASH_1, KID_A, &e, &oc), ECERT_OK);
		assert_int_equal(ecert_register_commit(reg, num, DOC_1, NULL, &err), ECERT_OK);
	}
	ecert_register_close(reg);

	/* the same input again: every record is already done, nothing new is allocated */
	reg = open_new(f);
	for (int i = 0; i < 3; i++) {
		char num[40];

		snprintf(num, sizeof(num), "S%d", i);
		assert_int_equal(reserve(reg, num, HASH_1, KID_A, &e, &oc), ECERT_OK);
		assert_int_equal(oc, ECERT_REGISTER_DONE);
		assert_int_equal(e.status_index, i);
		assert_int_equal(e.state, ECERT_REGISTER_ISSUED);
		assert_string_equal(e.doc_hash, DOC_1);
	}
	assert_int_equal(ecert_register_count(reg, NULL, &n, &err), ECERT_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ecert_register_index_end(reg, KID_A, &n, &err), ECERT_OK);
	assert_int_equal(n, 3);
	ecert_register_close(reg);
}

static void test_changed_record_refused(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_register_entry e, l;
	enum ecert_register_outcome oc = 0;
	struct ecert_register_request r;
	struct ecert_error err;
	int found;

	ecert_error_clear(&err);
	assert_int_equal(reserve(reg, "T-1", HASH_1, KID_A, &e, &oc), ECERT_OK);
	assert_int_equal(ecert_register_commit(reg, "T-1", DOC_1, NULL, &err), ECERT_OK);
	r = req("T-1", HASH_2, KID_A);
	assert_int_equal(ecert_register_reserve(reg, &r, &e, &oc, &err), ECERT_ERR_EXISTS);
	assert_string_equal(err.where, "T-1");
	assert_non_null(strstr(err.msg, "different record"));
	/* even with replace_reserved: an issued row never changes */
	r.replace_reserved = 1;
	assert_int_equal(ecert_register_reserve(reg, &r, &e, &oc, &err), ECERT_ERR_EXISTS);
	assert_int_equal(ecert_register_lookup(reg, "T-1", &l, &found, &err), ECERT_OK);
	assert_string_equal(l.record_hash, HASH_1);
	ecert_register_close(reg);
}

static void test_resume_keeps_index(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_register_entry e, l;
	enum ecert_register_outcome oc = 0;
	struct ecert_register_request r;
	struct ecert_error err;
	int found;
	int64_t n;

	ecert_error_clear(&err);
	assert_int_equal(reserve(reg, "A", HASH_1, KID_A, &e, &oc), ECERT_OK);
	assert_int_equal(reserve(reg, "B", HASH_1, KID_A, &e, &oc), ECERT_OK);
	assert_int_equal(e.status_index, 1);
	/* the run dies before committing B */
	assert_int_equal(ecert_register_commit(reg, "A", DOC_1, NULL, &err), ECERT_OK);
	ecert_register_close(reg);

	reg = open_new(f);
	/* rerun: B resumes with the same index and the holder digest chosen first */
	r = req("B", HASH_1, KID_A);
	r.holder_digest = "sm3:b3RoZXI:ffff";
	assert_int_equal(ecert_register_reserve(reg, &r, &e, &oc, &err), ECERT_OK);
	assert_int_equal(oc, ECERT_REGISTER_RESUME);
	assert_int_equal(e.status_index, 1);
	assert_string_equal(e.holder_digest, "sm3:c2FsdA:abcd");
	/* a different record for the reserved number is refused … */
	r = req("B", HASH_2, KID_A);
	assert_int_equal(ecert_register_reserve(reg, &r, &e, &oc, &err), ECERT_ERR_EXISTS);
	assert_string_equal(err.where, "B");
	/* … and under another key too: its index belongs to KID_A's list */
	r = req("B", HASH_1, KID_B);
	assert_int_equal(ecert_register_reserve(reg, &r, &e, &oc, &err), ECERT_ERR_EXISTS);
	assert_non_null(strstr(err.msg, KID_A));
	/* unless the operator asks to replace it: same number, same index, new record */
	r = req("B", HASH_2, KID_A);
	r.replace_reserved = 1;
	assert_int_equal(ecert_register_reserve(reg, &r, &e, &oc, &err), ECERT_OK);
	assert_int_equal(oc, ECERT_REGISTER_RESUME);
	assert_int_equal(e.status_index, 1);
	assert_string_equal(e.record_hash, HASH_2);
	assert_int_equal(ecert_register_commit(reg, "B", DOC_2, NULL, &err), ECERT_OK);
	assert_int_equal(ecert_register_lookup(reg, "B", &l, &found, &err), ECERT_OK);
	assert_int_equal(l.state, ECERT_REGISTER_ISSUED);
	assert_string_equal(l.record_hash, HASH_2);
	assert_int_equal(l.status_index, 1);
	/* a new number continues after B, no gap and no reuse */
	assert_int_equal(reserve(reg, "C", HASH_1, KID_A, &e, &oc), ECERT_OK);
	assert_int_equal(e.status_index, 2);
	assert_int_equal(ecert_register_count(reg, NULL, &n, &err), ECERT_OK);
	assert_int_equal(n, 3);
	ecert_register_close(reg);
}

struct walk {
	int64_t next[2];
	int64_t rows;
	int bad;
};

static int walk_entry(void *ctx, const struct ecert_register_entry *e)
{
	struct walk *w = ctx;
	int k = strcmp(e->kid, KID_A) == 0 ? 0 : 1;

	if (e->status_index != w->next[k])
		w->bad = 1;
	w->next[k] = e->status_index + 1;
	w->rows++;
	return ECERT_OK;
}

static void test_dense_indexes(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_register_entry e;
	enum ecert_register_outcome oc;
	struct ecert_error err;
	struct walk w = {{0, 0}, 0, 0};
	int64_t n;
	enum { N = 200 };

	ecert_error_clear(&err);
	for (int i = 0; i < N; i++) {
		char num[40];
		const char *kid = (i % 3 == 0) ? KID_B : KID_A;

		snprintf(num, sizeof(num), "N%04d", i);
		assert_int_equal(reserve(reg, num, HASH_1, kid, &e, &oc), ECERT_OK);
		assert_int_equal(oc, ECERT_REGISTER_NEW);
		/* every third record goes to KID_B: each kid counts from 0 on its own */
		assert_int_equal(e.status_index, kid[0] == 'B' ? i / 3 : i - i / 3 - 1);
	}
	assert_int_equal(ecert_register_foreach(reg, NULL, walk_entry, &w, &err), ECERT_OK);
	assert_int_equal(w.bad, 0);
	assert_int_equal(w.rows, N);
	assert_int_equal(ecert_register_index_end(reg, KID_B, &n, &err), ECERT_OK);
	assert_int_equal(n, (N + 2) / 3);
	assert_int_equal(ecert_register_index_end(reg, KID_A, &n, &err), ECERT_OK);
	assert_int_equal(n, N - (N + 2) / 3);
	assert_int_equal(ecert_register_count(reg, KID_B, &n, &err), ECERT_OK);
	assert_int_equal(n, (N + 2) / 3);
	ecert_register_close(reg);
}

struct idx_list {
	int64_t v[8];
	int n;
};

static int collect(void *ctx, int64_t index)
{
	struct idx_list *l = ctx;

	if (l->n >= 8)
		return ECERT_ERR_ARG;
	l->v[l->n++] = index;
	return ECERT_OK;
}

static void test_revoke(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_register_entry e, l;
	enum ecert_register_outcome oc;
	struct ecert_error err;
	struct idx_list list = {{0}, 0};
	int found;

	ecert_error_clear(&err);
	for (int i = 0; i < 5; i++) {
		char num[40];

		snprintf(num, sizeof(num), "R%d", i);
		assert_int_equal(reserve(reg, num, HASH_1, KID_A, &e, &oc), ECERT_OK);
		assert_int_equal(ecert_register_commit(reg, num, DOC_1, NULL, &err), ECERT_OK);
	}
	assert_int_equal(
	    ecert_register_revoke(reg, "R3", "证书信息有误", "2025-03-01T00:00:00Z", &err),
	    ECERT_OK);
	setenv("ECERT_NOW", "2025-05-05T08:00:00+08:00", 1);
	assert_int_equal(ecert_register_revoke(reg, "R1", "lost", NULL, &err), ECERT_OK);
	unsetenv("ECERT_NOW");
	assert_int_equal(ecert_register_lookup(reg, "R1", &l, &found, &err), ECERT_OK);
	assert_string_equal(l.revoked_at, "2025-05-05T00:00:00Z");
	assert_int_equal(ecert_register_lookup(reg, "R3", &l, &found, &err), ECERT_OK);
	assert_int_equal(l.revoked, 1);
	assert_string_equal(l.revoke_reason, "证书信息有误");
	assert_string_equal(l.revoked_at, "2025-03-01T00:00:00Z");

	/* twice is refused, naming the number */
	assert_int_equal(ecert_register_revoke(reg, "R3", "again", NULL, &err), ECERT_ERR_REVOKED);
	assert_string_equal(err.where, "R3");
	/* unknown number */
	assert_int_equal(ecert_register_revoke(reg, "R9", "x", NULL, &err), ECERT_ERR_INVALID);
	assert_string_equal(err.where, "R9");
	/* a reason is required */
	assert_int_equal(ecert_register_revoke(reg, "R2", "", NULL, &err), ECERT_ERR_ARG);
	assert_int_equal(ecert_register_revoke(reg, "R2", "a\x01b", NULL, &err), ECERT_ERR_ARG);

	assert_int_equal(ecert_register_foreach_revoked(reg, KID_A, collect, &list, &err),
	                 ECERT_OK);
	assert_int_equal(list.n, 2);
	assert_int_equal(list.v[0], 1);
	assert_int_equal(list.v[1], 3);
	list.n = 0;
	assert_int_equal(ecert_register_foreach_revoked(reg, KID_B, collect, &list, &err),
	                 ECERT_OK);
	assert_int_equal(list.n, 0);
	ecert_register_close(reg);
}

static void test_bad_requests(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_register_entry e;
	enum ecert_register_outcome oc;
	struct ecert_error err;
	int found;
	char longnum[ECERT_REGISTER_NUMBER_MAX + 2];

	ecert_error_clear(&err);
	memset(longnum, 'X', sizeof(longnum) - 1);
	longnum[sizeof(longnum) - 1] = '\0';
	assert_int_equal(reserve(reg, longnum, HASH_1, KID_A, &e, &oc), ECERT_ERR_ARG);
	assert_int_equal(reserve(reg, "", HASH_1, KID_A, &e, &oc), ECERT_ERR_ARG);
	assert_int_equal(reserve(reg, "S1", "ABC", KID_A, &e, &oc), ECERT_ERR_ARG);
	/* upper-case hex is not the canonical form */
	assert_int_equal(reserve(reg, "S1",
	                         "D0C0000000000000000000000000000000000000000000000000000000000001",
	                         KID_A, &e, &oc),
	                 ECERT_ERR_ARG);
	assert_int_equal(reserve(reg, "S1", HASH_1, "bad kid", &e, &oc), ECERT_ERR_ARG);
	assert_int_equal(reserve(reg, "S1", HASH_1, "", &e, &oc), ECERT_ERR_ARG);
	assert_int_equal(ecert_register_lookup(reg, "", &e, &found, &err), ECERT_ERR_ARG);
	ecert_register_close(reg);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void test_corrupt(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = NULL;
	struct ecert_register_entry e;
	enum ecert_register_outcome oc;
	struct ecert_error err;
	char junk[4096];
	sqlite3 *db;
	int found = 0, fd, rc;

	ecert_error_clear(&err);
	/* not a database at all */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 3);
	write_file(f->path, junk, sizeof(junk));
	assert_int_equal(ecert_register_open(f->path, ECERT_REGISTER_CREATE, &reg, &err),
	                 ECERT_ERR_DB);
	assert_null(reg);
	assert_string_equal(err.where, f->path);
	assert_true(strlen(err.msg) > 0);
	unlink(f->path);

	/* an SQLite database of some other program */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ecert_register_open(f->path, 0, &reg, &err), ECERT_ERR_DB);
	assert_non_null(strstr(err.msg, "not an ecert register"));
	unlink(f->path);

	/* a register whose table pages were overwritten */
	reg = open_new(f);
	for (int i = 0; i < 50; i++) {
		char num[40];

		snprintf(num, sizeof(num), "C%03d", i);
		assert_int_equal(reserve(reg, num, HASH_1, KID_A, &e, &oc), ECERT_OK);
	}
	ecert_register_close(reg); /* checkpoints the WAL into the file */
	fd = open(f->path, O_WRONLY);
	assert_true(fd >= 0);
	memset(junk, 0xA5, sizeof(junk));
	/* page 2 on: the table's b-tree pages (page 1 keeps the header and schema) */
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 4096), (ssize_t)sizeof(junk));
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 8192), (ssize_t)sizeof(junk));
	close(fd);
	rc = ecert_register_open(f->path, 0, &reg, &err);
	if (rc == ECERT_OK) {
		assert_int_equal(ecert_register_check(reg, &err), ECERT_ERR_DB);
		assert_true(strlen(err.msg) > 0);
		rc = ecert_register_lookup(reg, "C010", &e, &found, &err);
		assert_int_equal(rc, ECERT_ERR_DB);
		assert_true(strlen(err.msg) > 0);
		ecert_register_close(reg);
	} else {
		assert_int_equal(rc, ECERT_ERR_DB);
	}
}

/* Several processes reserving at once: each number once, indexes dense. */
static void test_concurrent_processes(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_error err;
	struct walk w = {{0, 0}, 0, 0};
	pid_t pids[3];
	enum { PER = 30 };

	ecert_register_close(reg);
	for (int p = 0; p < 3; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			struct ecert_register *r = NULL;
			struct ecert_register_entry e;
			enum ecert_register_outcome oc;
			int bad = 0;

			if (ecert_register_open(f->path, 0, &r, NULL) != ECERT_OK)
				_exit(2);
			/* all processes try the same numbers: each is reserved once */
			for (int i = 0; i < PER; i++) {
				char num[40];

				snprintf(num, sizeof(num), "P%03d", i);
				if (reserve(r, num, HASH_1, KID_A, &e, &oc) != ECERT_OK)
					bad = 1;
			}
			ecert_register_close(r);
			_exit(bad);
		}
	}
	for (int p = 0; p < 3; p++) {
		int st = 0;

		assert_int_equal(waitpid(pids[p], &st, 0), pids[p]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	ecert_error_clear(&err);
	reg = open_new(f);
	assert_int_equal(ecert_register_foreach(reg, KID_A, walk_entry, &w, &err), ECERT_OK);
	assert_int_equal(w.rows, PER);
	assert_int_equal(w.bad, 0);
	ecert_register_close(reg);
}

/* kill -9 in the middle of a batch, then rerun it: every number once, indexes dense. */
static void test_kill_and_rerun(void **state)
{
	struct fixture *f = *state;
	struct ecert_error err;
	enum { N = 48, GROUP = 8 };

	ecert_error_clear(&err);
	for (int round = 0; round < 3; round++) {
		struct ecert_register *reg = open_new(f);
		struct walk w = {{0, 0}, 0, 0};
		pid_t pid;
		int st = 0, resumed = 0;

		ecert_register_close(reg);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct ecert_register *r = NULL;

			if (ecert_register_open(f->path, 0, &r, NULL) != ECERT_OK)
				_exit(2);
			/* round 0: one transaction per step; later rounds: groups */
			for (int g = 0; g < N; g += GROUP) {
				int k = round == 0 ? 1 : GROUP;

				for (int i = g; i < g + GROUP; i += k) {
					if (k > 1 &&
					    ecert_register_batch_begin(r, NULL) != ECERT_OK)
						_exit(5);
					for (int j = i; j < i + k; j++) {
						struct ecert_register_entry e;
						enum ecert_register_outcome oc;
						char num[40];

						snprintf(num, sizeof(num), "K%d-%03d", round, j);
						if (reserve(r, num, HASH_1, KID_A, &e, &oc) !=
						    ECERT_OK)
							_exit(3);
					}
					if (k > 1 &&
					    ecert_register_batch_end(r, 1, NULL) != ECERT_OK)
						_exit(5);
					/* (the files would be written here) */
					if (k > 1 &&
					    ecert_register_batch_begin(r, NULL) != ECERT_OK)
						_exit(5);
					for (int j = i; j < i + k; j++) {
						char num[40];

						snprintf(num, sizeof(num), "K%d-%03d", round, j);
						if (ecert_register_commit(r, num, DOC_1, NULL,
						                          NULL) != ECERT_OK)
							_exit(4);
					}
					if (k > 1 &&
					    ecert_register_batch_end(r, 1, NULL) != ECERT_OK)
						_exit(5);
				}
			}
			_exit(0);
		}
		usleep((useconds_t)(15000 + round * 20000));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) == 0));

		/* the rerun */
		reg = open_new(f);
		assert_int_equal(ecert_register_check(reg, &err), ECERT_OK);
		for (int i = 0; i < N; i++) {
			struct ecert_register_entry e;
			enum ecert_register_outcome oc;
			char num[40];

			snprintf(num, sizeof(num), "K%d-%03d", round, i);
			assert_int_equal(reserve(reg, num, HASH_1, KID_A, &e, &oc), ECERT_OK);
			if (oc == ECERT_REGISTER_RESUME)
				resumed++;
			if (oc != ECERT_REGISTER_DONE)
				assert_int_equal(ecert_register_commit(reg, num, DOC_1, NULL, &err),
				                 ECERT_OK);
		}
		/* at most the one record (or group) caught between reserve and commit */
		assert_true(resumed <= (round == 0 ? 1 : GROUP));
		assert_int_equal(ecert_register_foreach(reg, KID_A, walk_entry, &w, &err),
		                 ECERT_OK);
		assert_int_equal(w.bad, 0);
		assert_int_equal(w.rows, N * (round + 1));
		ecert_register_close(reg);
	}
}

static void test_batch(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct ecert_register_entry e;
	enum ecert_register_outcome oc;
	struct ecert_error err;
	struct walk w = {{0, 0}, 0, 0};
	int64_t n;
	int found;

	ecert_error_clear(&err);
	assert_int_equal(reserve(reg, "B-issued", HASH_1, KID_A, &e, &oc), ECERT_OK);
	assert_int_equal(ecert_register_commit(reg, "B-issued", DOC_1, NULL, &err), ECERT_OK);

	/* a group of reservations in one transaction; a failing one undoes only itself */
	assert_int_equal(ecert_register_batch_begin(reg, &err), ECERT_OK);
	assert_int_equal(ecert_register_batch_begin(reg, &err), ECERT_ERR_ARG);
	for (int i = 0; i < 20; i++) {
		char num[40];

		snprintf(num, sizeof(num), "B%02d", i);
		assert_int_equal(reserve(reg, num, HASH_1, KID_A, &e, &oc), ECERT_OK);
		assert_int_equal(oc, ECERT_REGISTER_NEW);
		assert_int_equal(e.status_index, i + 1);
		if (i == 10)
			assert_int_equal(reserve(reg, "B-issued", HASH_2, KID_A, &e, &oc),
			                 ECERT_ERR_EXISTS);
	}
	/* reads inside the batch see its rows */
	assert_int_equal(ecert_register_count(reg, NULL, &n, &err), ECERT_OK);
	assert_int_equal(n, 21);
	assert_int_equal(ecert_register_batch_end(reg, 1, &err), ECERT_OK);
	assert_int_equal(ecert_register_batch_end(reg, 1, &err), ECERT_ERR_ARG);

	assert_int_equal(ecert_register_batch_begin(reg, &err), ECERT_OK);
	for (int i = 0; i < 20; i++) {
		char num[40];

		snprintf(num, sizeof(num), "B%02d", i);
		assert_int_equal(ecert_register_commit(reg, num, DOC_2, NULL, &err), ECERT_OK);
	}
	assert_int_equal(ecert_register_batch_end(reg, 1, &err), ECERT_OK);
	assert_int_equal(ecert_register_lookup(reg, "B19", &e, &found, &err), ECERT_OK);
	assert_int_equal(e.state, ECERT_REGISTER_ISSUED);

	/* a batch ended without commit leaves nothing */
	assert_int_equal(ecert_register_batch_begin(reg, &err), ECERT_OK);
	assert_int_equal(reserve(reg, "GONE", HASH_1, KID_A, &e, &oc), ECERT_OK);
	assert_int_equal(ecert_register_revoke(reg, "B00", "x", NULL, &err), ECERT_OK);
	assert_int_equal(ecert_register_batch_end(reg, 0, &err), ECERT_OK);
	assert_int_equal(ecert_register_lookup(reg, "GONE", &e, &found, &err), ECERT_OK);
	assert_int_equal(found, 0);
	assert_int_equal(ecert_register_lookup(reg, "B00", &e, &found, &err), ECERT_OK);
	assert_int_equal(e.revoked, 0);
	assert_int_equal(ecert_register_foreach(reg, KID_A, walk_entry, &w, &err), ECERT_OK);
	assert_int_equal(w.rows, 21);
	assert_int_equal(w.bad, 0);
	ecert_register_close(reg);
}

struct thread_arg {
	struct ecert_register *reg;
	int base;
	int failed;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < 20; i++) {
		struct ecert_register_entry e;
		enum ecert_register_outcome oc;
		char num[40];

		snprintf(num, sizeof(num), "T%d-%02d", a->base, i);
		if (reserve(a->reg, num, HASH_1, KID_B, &e, &oc) != ECERT_OK ||
		    oc != ECERT_REGISTER_NEW)
			a->failed = 1;
	}
	return NULL;
}

/* One handle shared by threads: calls are serialised, indexes stay dense. */
static void test_threads(void **state)
{
	struct fixture *f = *state;
	struct ecert_register *reg = open_new(f);
	struct thread_arg args[4];
	pthread_t th[4];
	struct ecert_error err;
	struct walk w = {{0, 0}, 0, 0};

	for (int t = 0; t < 4; t++) {
		args[t] = (struct thread_arg){reg, t, 0};
		assert_int_equal(pthread_create(&th[t], NULL, thread_main, &args[t]), 0);
	}
	for (int t = 0; t < 4; t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(args[t].failed, 0);
	}
	ecert_error_clear(&err);
	assert_int_equal(ecert_register_foreach(reg, KID_B, walk_entry, &w, &err), ECERT_OK);
	assert_int_equal(w.rows, 80);
	assert_int_equal(w.bad, 0);
	ecert_register_close(reg);
}

static void test_hash_json(void **state)
{
	char h1[ECERT_REGISTER_HASH_HEX + 1], h2[ECERT_REGISTER_HASH_HEX + 1];
	struct ecert_error err;
	cJSON *a = cJSON_Parse("{\"b\": \"王\", \"a\": \"1\"}");
	cJSON *b = cJSON_Parse("{\"a\":\"1\",\"b\":\"王\"}");
	cJSON *c = cJSON_Parse("{\"a\":\"1\",\"b\":\"王 \"}");

	(void)state;
	ecert_error_clear(&err);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	/* SM3 of the JCS text {"a":"1","b":"王"} (openssl dgst -sm3) */
	assert_int_equal(ecert_register_hash_json(a, h1, &err), ECERT_OK);
	assert_string_equal(h1, "68dfd13f876201eff38f9f813b14f23b128ad404acbba2df4d9aa8d97ec3d16d");
	/* member order does not matter, content does */
	assert_int_equal(ecert_register_hash_json(b, h2, &err), ECERT_OK);
	assert_string_equal(h1, h2);
	assert_int_equal(ecert_register_hash_json(c, h2, &err), ECERT_OK);
	assert_string_not_equal(h1, h2);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fresh, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reserve_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idempotent_rerun, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changed_record_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resume_keeps_index, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dense_indexes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revoke, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_processes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kill_and_rerun, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
	    cmocka_unit_test(test_hash_json),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
