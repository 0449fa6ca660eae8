/* ecert-issuer issue — pass 2: sign and write, with --jobs worker threads.
 *
 *   main thread   reads the records again (skipping those pass 1 refused), groups them in
 *                 chunks of BATCH_CHUNK, reserves each chunk in the register in one
 *                 transaction (ecert_register_batch_begin/_end), then hands its records to
 *                 the workers;
 *   workers       validate, build, sign (verified with the public key), render the QR
 *                 code and write the files atomically (temp file + rename) without an
 *                 fsync each;
 *   committer     takes the certificates done so far (at least COMMIT_GROUP of them, or
 *                 what is there after COMMIT_WAIT): one syncfs of the output file system,
 *                 then one register transaction marks them issued with the hash of their
 *                 file.
 *
 * So the order for each certificate is: reservation durable → files written → files
 * durable → register commit. A kill at any moment leaves each number either absent (no
 * reservation), reserved (files may or may not exist: the rerun signs again with the same
 * index and holder digest and rewrites them) or issued (files durable and matching
 * doc_hash: the rerun only checks them). Memory is bounded by BATCH_INFLIGHT chunks. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"
#include "ecert/file.h"
#include "ecert/json.h"
#include "ecert/qrpayload.h"
#include "ecert/record.h"
#include "ecert/register.h"
#include "issue.h"

/* Certificates reserved in one register transaction. */
#define BATCH_CHUNK 64
/* Chunks between reservation and commit at once: bounds memory and the work queue. */
#define BATCH_INFLIGHT 3
/* The committer waits for this many done certificates, or COMMIT_WAIT seconds, so that a
 * run killed early has still committed most of what it wrote. */
#define COMMIT_GROUP 32
#define COMMIT_WAIT_NS 100000000L
/* Largest certificate file read back when checking an issued one. */
#define BATCH_DOC_MAX ((size_t)64 << 10)
/* Progress bar: width in characters, redraws at most this often (seconds). */
#define PROGRESS_WIDTH 30
#define PROGRESS_INTERVAL 0.2

struct chunk;

struct item {
	struct item *next; /* work queue, then done list */
	struct chunk *chunk;
	cJSON *rec;
	unsigned long line;
	int kind;
	char number[ECERT_REGISTER_NUMBER_MAX + 1];
	char digest[ECERT_REGISTER_DIGEST_MAX + 1];
	char rhash[ECERT_CERTBUILD_HASH_SIZE];
	struct ecert_register_entry entry;
	enum ecert_register_outcome outcome;
	int ok;    /* processed without error */
	int wrote; /* new files written: to commit */
	char doc_hash[ECERT_CERTBUILD_HASH_SIZE];
};

struct chunk {
	size_t n, pending; /* pending: items not yet committed (or given up) */
	struct item items[BATCH_CHUNK];
};

struct batch {
	const struct issue_opts *o;
	struct issuer_signer *s;
	struct ecert_register *reg;        /* main thread: lookups and reservations */
	struct ecert_register *reg_commit; /* committer */
	pthread_mutex_t lock;
	pthread_cond_t work_cv, done_cv, inflight_cv;
	struct item *work_head, *work_tail;
	int work_closed;
	struct item *done_head, *done_tail;
	size_t done_count;
	int done_closed;
	int inflight;
	int abort;
	struct ecert_error last_run_error; /* the last run-level error reported */
	unsigned long expected;
	struct issue_summary *sum;
	double t0, last_draw;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *str(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* ---- reporting (under b->lock or from one thread) ---- */

static void progress(struct batch *b, int final)
{
	unsigned long done = b->sum->issued + b->sum->already + b->sum->failed;
	double now = mono_now(), rate, eta;
	int filled, eta_s;

	if (!b->o->progress || (!final && now - b->last_draw < PROGRESS_INTERVAL))
		return;
	b->last_draw = now;
	rate = now > b->t0 ? (double)done / (now - b->t0) : 0;
	eta = rate > 0 && b->expected > done ? (double)(b->expected - done) / rate : 0;
	eta_s = (int)(eta + 0.5);
	filled = b->expected ? (int)((double)PROGRESS_WIDTH * (double)done / (double)b->expected)
	                     : PROGRESS_WIDTH;
	if (filled > PROGRESS_WIDTH)
		filled = PROGRESS_WIDTH;
	fprintf(stderr, "\r[%.*s%.*s] %lu/%lu %3lu%% %.0f %s %s %d:%02d ", filled,
	        "##############################", PROGRESS_WIDTH - filled,
	        "..............................", done, b->expected,
	        b->expected ? done * 100 / b->expected : 100, rate, TR("张/秒", "/s"),
	        TR("剩余", "ETA"), eta_s / 60, eta_s % 60);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

/* An item failed: say which record and why (ID numbers masked). fatal stops the run. */
static void item_fail(struct batch *b, struct item *it, const struct ecert_error *err, int fatal)
{
	char where[ECERT_ERR_WHERE_MAX + 96], msg[ECERT_ERR_MSG_MAX + 64];

	snprintf(where, sizeof(where),
	         TR("第 %lu 行（证书 %s）%s%s", "line %lu (certificate %s)%s%s"), it->line,
	         it->number, err->where[0] ? ": " : "", err->where);
	snprintf(msg, sizeof(msg), "%s: %s", issuer_code_text(err->code),
	         err->msg[0] ? err->msg : ecert_strerror(err->code));
	issuer_redact(where, str(it->rec, "idNumber"));
	issuer_redact(msg, str(it->rec, "idNumber"));
	pthread_mutex_lock(&b->lock);
	if (b->o->progress)
		fputc('\n', stderr);
	issuer_error(where, "%s", msg);
	b->sum->failed++;
	if (fatal)
		b->abort = 1;
	pthread_mutex_unlock(&b->lock);
}

/* A failure of the run itself (register, input). */
static void run_fail(struct batch *b, const char *where, const struct ecert_error *err)
{
	pthread_mutex_lock(&b->lock);
	/* Both workers may run into the same wall (a full disk, a broken register): say it
	 * once. */
	if (!b->abort || strcmp(b->last_run_error.msg, err->msg) != 0 ||
	    strcmp(b->last_run_error.where, err->where) != 0) {
		if (b->o->progress)
			fputc('\n', stderr);
		issuer_report(where, err);
		b->last_run_error = *err;
	}
	b->abort = 1;
	pthread_mutex_unlock(&b->lock);
}

/* ---- files ---- */

static int file_path(char *out, const struct issue_opts *o, const char *number, const char *ext,
                     struct ecert_error *err)
{
	int n = snprintf(out, ISSUE_PATH_MAX, "%s/%s.%s", o->out, number, ext);

	if (n < 0 || n >= ISSUE_PATH_MAX) {
		ecert_error_where(err, "%s", o->out);
		return ecert_fail(err, ECERT_ERR_ARG, "path too long");
	}
	return ECERT_OK;
}

static int write_file(const struct issue_opts *o, const char *number, const char *ext,
                      const struct ecert_buf *data, int flags, struct ecert_error *err)
{
	char path[ISSUE_PATH_MAX];
	int rc = file_path(path, o, number, ext, err);

	if (rc == ECERT_OK)
		rc = ecert_file_write_atomic_flags(path, data->data, data->len, ISSUE_FILE_MODE,
		                                   flags, err);
	return rc;
}

/* Temp files of a process that was killed (ecert_file_write_atomic_flags names them
 * PATH.tmp.<pid>.<n>): removed when that process is gone. */
static void clean_stray(const char *dir)
{
	static const char *const exts[] = {".json", ".png", ".svg"};
	char path[ISSUE_PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *infix = strstr(de->d_name, ECERT_FILE_TMP_INFIX), *p;
		char *end;
		long pid;
		int known = 0;

		if (!infix)
			continue;
		for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
			size_t n = strlen(exts[i]);

			if ((size_t)(infix - de->d_name) > n && memcmp(infix - n, exts[i], n) == 0)
				known = 1;
		}
		p = infix + strlen(ECERT_FILE_TMP_INFIX);
		errno = 0;
		pid = strtol(p, &end, 10);
		if (!known || errno || end == p || *end != '.' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* its writer may still be at work */
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) < (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
}

/* ---- work ---- */

/* A certificate the register says is issued: its file must be there and hash to the
 * register's doc_hash; QR images asked for and missing are made again from it (they
 * follow from the file alone). */
static int check_issued(struct batch *b, struct item *it, struct ecert_error *err)
{
	struct ecert_buf doc = ECERT_BUF_INIT, qr = ECERT_BUF_INIT, png = ECERT_BUF_INIT,
	                 svg = ECERT_BUF_INIT;
	char path[ISSUE_PATH_MAX], png_path[ISSUE_PATH_MAX], svg_path[ISSUE_PATH_MAX],
	    hash[ECERT_CERTBUILD_HASH_SIZE];
	int need_png = 0, need_svg = 0, rc;

	rc = file_path(path, b->o, it->number, "json", err);
	if (rc == ECERT_OK)
		rc = ecert_file_read(path, BATCH_DOC_MAX, &doc, err);
	if (rc == ECERT_OK)
		rc = ecert_certbuild_hash_hex(doc.data, doc.len, hash, err);
	if (rc != ECERT_OK || strcmp(hash, it->entry.doc_hash) != 0) {
		ecert_error_where(err, "%s", path);
		rc =
		    ecert_fail(err, ECERT_ERR_EXISTS, "%s",
		               TR("登记簿记载已签发，但证书文件缺失或与登记的摘要不符：请从备份"
		                  "恢复（不能重新签发同一编号）",
		                  "the register says issued, but the file is missing or does not "
		                  "match its doc_hash: restore it from a backup (a number is never "
		                  "signed twice)"));
		goto out;
	}
	if ((b->o->qr_flags & ECERT_CERTBUILD_PNG) &&
	    file_path(png_path, b->o, it->number, "png", err) == ECERT_OK &&
	    access(png_path, F_OK) != 0)
		need_png = 1;
	if ((b->o->qr_flags & ECERT_CERTBUILD_SVG) &&
	    file_path(svg_path, b->o, it->number, "svg", err) == ECERT_OK &&
	    access(svg_path, F_OK) != 0)
		need_svg = 1;
	if (!need_png && !need_svg)
		goto out;
	rc = ecert_qr_encode_bytes(doc.data, doc.len, 1, &qr, err);
	if (rc == ECERT_OK)
		rc = ecert_qrimage_render((const char *)qr.data, qr.len, &b->o->qr,
		                          need_png ? &png : NULL, need_svg ? &svg : NULL, err);
	if (rc == ECERT_OK && need_png)
		rc = write_file(b->o, it->number, "png", &png, 0, err);
	if (rc == ECERT_OK && need_svg)
		rc = write_file(b->o, it->number, "svg", &svg, 0, err);
out:
	ecert_buf_free(&doc);
	ecert_buf_free(&qr);
	ecert_buf_free(&png);
	ecert_buf_free(&svg);
	return rc;
}

/* Sign and write one certificate with the register's index and holder digest. */
static int issue_one(struct batch *b, struct item *it, struct ecert_certbuild_output *out,
                     struct ecert_error *err)
{
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	int rc;

	rc = ecert_record_validate(NULL, NULL, it->rec, b->s->only_kind, &info, err);
	if (rc != ECERT_OK)
		return rc;
	memset(&p, 0, sizeof(p));
	p.issuer_id = b->s->issuer_id;
	p.issuer_name = b->s->issuer_name;
	p.status_list_id = b->s->list_id;
	p.status_index = (uint64_t)it->entry.status_index;
	p.id_digest = it->entry.holder_digest;
	p.issued_at = ecert_time_now();
	rc =
	    ecert_certbuild_issue(it->rec, &info, &p, b->s->key, ecert_trust_entry_key(b->s->entry),
	                          b->s->vm, b->o->qr_flags, &b->o->qr, out, err);
	if (rc != ECERT_OK)
		return rc;
	/* the JSON last: its presence means the images are there too */
	if ((b->o->qr_flags & ECERT_CERTBUILD_PNG) &&
	    (rc = write_file(b->o, it->number, "png", &out->png, ECERT_FILE_NOSYNC, err)) !=
	        ECERT_OK)
		return rc;
	if ((b->o->qr_flags & ECERT_CERTBUILD_SVG) &&
	    (rc = write_file(b->o, it->number, "svg", &out->svg, ECERT_FILE_NOSYNC, err)) !=
	        ECERT_OK)
		return rc;
	rc = write_file(b->o, it->number, "json", &out->json, ECERT_FILE_NOSYNC, err);
	if (rc != ECERT_OK)
		return rc;
	memcpy(it->doc_hash, out->doc_hash, sizeof(it->doc_hash));
	it->wrote = 1;
	return ECERT_OK;
}

static struct item *work_pop(struct batch *b)
{
	struct item *it;

	pthread_mutex_lock(&b->lock);
	while (!b->work_head && !b->work_closed)
		pthread_cond_wait(&b->work_cv, &b->lock);
	it = b->work_head;
	if (it) {
		b->work_head = it->next;
		if (!b->work_head)
			b->work_tail = NULL;
	}
	pthread_mutex_unlock(&b->lock);
	return it;
}

/* The item is done: hand it to the committer. */
static void item_done(struct batch *b, struct item *it)
{
	pthread_mutex_lock(&b->lock);
	it->next = NULL;
	if (b->done_tail)
		b->done_tail->next = it;
	else
		b->done_head = it;
	b->done_tail = it;
	if (++b->done_count == 1 || b->done_count >= COMMIT_GROUP)
		pthread_cond_signal(&b->done_cv);
	pthread_mutex_unlock(&b->lock);
}

static void *worker(void *arg)
{
	struct batch *b = arg;
	struct ecert_certbuild_output out;
	struct ecert_error err;
	struct item *it;
	int rc, stop;

	memset(&out, 0, sizeof(out));
	while ((it = work_pop(b)) != NULL) {
		pthread_mutex_lock(&b->lock);
		stop = b->abort;
		pthread_mutex_unlock(&b->lock);
		if (!stop) {
			ecert_error_clear(&err);
			if (it->outcome == ECERT_REGISTER_DONE) {
				rc = check_issued(b, it, &err);
				if (rc != ECERT_OK)
					item_fail(b, it, &err, 0);
			} else {
				rc = issue_one(b, it, &out, &err);
				if (rc != ECERT_OK)
					item_fail(b, it, &err, 1);
			}
			it->ok = rc == ECERT_OK;
		}
		item_done(b, it);
	}
	ecert_certbuild_output_free(&out);
	return NULL;
}

/* ---- commit ---- */

static void free_chunk(struct chunk *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		cJSON_Delete(c->items[i].rec);
	ecert_free(c);
}

/* Make the new files of `items` durable, then mark them issued in one transaction. */
static void commit_items(struct batch *b, struct item *items)
{
	struct ecert_error err, ignore;
	unsigned long issued = 0, already = 0, towrite = 0;
	struct item *it;
	int rc = ECERT_OK;

	ecert_error_clear(&err);
	for (it = items; it; it = it->next)
		if (it->ok && it->wrote)
			towrite++;
	if (towrite) {
		rc = ecert_file_sync_fs(b->o->out, &err);
		if (rc == ECERT_OK)
			rc = ecert_register_batch_begin(b->reg_commit, &err);
		for (it = items; rc == ECERT_OK && it; it = it->next)
			if (it->ok && it->wrote)
				rc = ecert_register_commit(b->reg_commit, it->number, it->doc_hash,
				                           NULL, &err);
		if (rc == ECERT_OK) {
			rc = ecert_register_batch_end(b->reg_commit, 1, &err);
		} else {
			ecert_error_clear(&ignore);
			(void)ecert_register_batch_end(b->reg_commit, 0, &ignore);
		}
	}
	for (it = items; it; it = it->next) {
		if (it->ok && it->wrote && rc == ECERT_OK)
			issued++;
		else if (it->ok && !it->wrote)
			already++;
	}
	if (rc != ECERT_OK)
		run_fail(b, "issue", &err);
	pthread_mutex_lock(&b->lock);
	if (rc != ECERT_OK)
		b->sum->failed += towrite;
	b->sum->issued += issued;
	b->sum->already += already;
	progress(b, 0);
	pthread_mutex_unlock(&b->lock);
}

/* The items are committed: free the chunks they finish. */
static void release_items(struct batch *b, struct item *items)
{
	struct item *it, *next;
	struct chunk *c;

	for (it = items; it; it = next) {
		next = it->next;
		c = it->chunk;
		if (--c->pending == 0) {
			free_chunk(c);
			pthread_mutex_lock(&b->lock);
			b->inflight--;
			pthread_cond_signal(&b->inflight_cv);
			pthread_mutex_unlock(&b->lock);
		}
	}
}

static void *committer(void *arg)
{
	struct batch *b = arg;
	struct timespec until;
	struct item *items;

	for (;;) {
		pthread_mutex_lock(&b->lock);
		while (!b->done_head && !b->done_closed)
			pthread_cond_wait(&b->done_cv, &b->lock);
		if (b->done_head && b->done_count < COMMIT_GROUP && !b->done_closed) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += COMMIT_WAIT_NS;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (b->done_count < COMMIT_GROUP && !b->done_closed &&
			       pthread_cond_timedwait(&b->done_cv, &b->lock, &until) == 0)
				;
		}
		items = b->done_head;
		b->done_head = b->done_tail = NULL;
		b->done_count = 0;
		pthread_mutex_unlock(&b->lock);
		if (!items)
			break;
		commit_items(b, items);
		release_items(b, items);
	}
	return NULL;
}

/* ---- the main thread: read, reserve, dispatch ---- */

/* Fill an item from its record: kind, number, holder digest, record hash. */
static int prepare(struct batch *b, struct item *it, struct ecert_error *err)
{
	struct ecert_register_entry e;
	const char *number = str(it->rec, "certificateNumber");
	int found = 0, same = 0, rc;

	/* the same pathway as pass 1 (it is part of the record hash) */
	rc = issue_basis_apply(b->o->basis, it->rec, b->s->only_kind, 0, err);
	if (rc != ECERT_OK)
		return rc;
	number = str(it->rec, "certificateNumber");
	it->kind = ecert_record_kind_parse(str(it->rec, "kind"));
	if (!it->kind)
		it->kind = b->s->only_kind;
	if (!number || !it->kind || strlen(number) > ECERT_REGISTER_NUMBER_MAX)
		return ecert_fail(err, ECERT_ERR_INVALID, "%s",
		                  TR("记录与第一遍检查时不同（输入文件被改动？）",
		                     "the record differs from what pass 1 checked (was the input "
		                     "changed?)"));
	snprintf(it->number, sizeof(it->number), "%s", number);
	rc = ecert_register_lookup(b->reg, number, &e, &found, err);
	if (rc != ECERT_OK)
		return rc;
	rc = issue_record_hash(it->rec, it->kind, found ? &e : NULL, it->digest, it->rhash, &same,
	                       err);
	if (rc != ECERT_OK)
		return rc;
	if (found && !same && !(e.state == ECERT_REGISTER_RESERVED && b->o->replace_reserved)) {
		ecert_error_where(err, "certificateNumber");
		return ecert_fail(err, ECERT_ERR_EXISTS, "%s",
		                  TR("登记簿在检查后被改动（另一进程在签发同一编号？）",
		                     "the register changed since pass 1 (another process issuing "
		                     "the same number?)"));
	}
	return ECERT_OK;
}

/* Reserve a chunk in one transaction, then hand its items to the workers. */
static int dispatch(struct batch *b, struct chunk *c)
{
	struct ecert_error err, ignore;
	size_t i;
	int rc;

	ecert_error_clear(&err);
	rc = ecert_register_batch_begin(b->reg, &err);
	for (i = 0; rc == ECERT_OK && i < c->n; i++) {
		struct item *it = &c->items[i];
		struct ecert_register_request req;

		memset(&req, 0, sizeof(req));
		req.number = it->number;
		req.kind = ecert_record_kind_name(it->kind);
		req.holder_digest = it->digest;
		req.record_hash = it->rhash;
		req.kid = b->s->kid;
		req.replace_reserved = b->o->replace_reserved;
		rc = ecert_register_reserve(b->reg, &req, &it->entry, &it->outcome, &err);
		if (rc != ECERT_OK)
			ecert_error_prefix(&err, TR("第 %lu 行", "line %lu"), it->line);
	}
	if (rc == ECERT_OK) {
		rc = ecert_register_batch_end(b->reg, 1, &err);
	} else {
		ecert_error_clear(&ignore);
		(void)ecert_register_batch_end(b->reg, 0, &ignore);
	}
	if (rc != ECERT_OK) {
		run_fail(b, "issue", &err);
		return rc;
	}
	pthread_mutex_lock(&b->lock);
	c->pending = c->n;
	for (i = 0; i < c->n; i++) {
		struct item *it = &c->items[i];

		it->chunk = c;
		it->next = NULL;
		if (b->work_tail)
			b->work_tail->next = it;
		else
			b->work_head = it;
		b->work_tail = it;
	}
	pthread_cond_broadcast(&b->work_cv);
	pthread_mutex_unlock(&b->lock);
	return ECERT_OK;
}

/* A new chunk once fewer than BATCH_INFLIGHT are between reservation and commit. */
static struct chunk *chunk_new(struct batch *b)
{
	struct chunk *c;

	pthread_mutex_lock(&b->lock);
	while (b->inflight >= BATCH_INFLIGHT)
		pthread_cond_wait(&b->inflight_cv, &b->lock);
	b->inflight++;
	pthread_mutex_unlock(&b->lock);
	c = ecert_calloc(1, sizeof(*c));
	if (!c) {
		pthread_mutex_lock(&b->lock);
		b->inflight--;
		pthread_mutex_unlock(&b->lock);
	}
	return c;
}

static void chunk_drop(struct batch *b, struct chunk *c)
{
	free_chunk(c);
	pthread_mutex_lock(&b->lock);
	b->inflight--;
	pthread_cond_signal(&b->inflight_cv);
	pthread_mutex_unlock(&b->lock);
}

static int aborted(struct batch *b)
{
	int a;

	pthread_mutex_lock(&b->lock);
	a = b->abort;
	pthread_mutex_unlock(&b->lock);
	return a;
}

/* Read the input again and feed the pipeline. */
static void feed(struct batch *b, struct issue_scratch *sc)
{
	struct ecert_records *r = NULL;
	struct ecert_error err;
	struct chunk *c = NULL;
	unsigned long ordinal = 0, line;
	cJSON *rec;
	int rc;

	ecert_error_clear(&err);
	if (ecert_records_open(b->o->in_path, b->o->format, b->o->encoding, &r, &err) != ECERT_OK) {
		run_fail(b, b->o->in, &err);
		return;
	}
	while (!aborted(b)) {
		rec = NULL;
		ecert_error_clear(&err);
		rc = ecert_records_next(r, &rec, &line, &err);
		if (rc != ECERT_OK) {
			ordinal++;
			if (ecert_records_fatal(r) || !issue_scratch_is_rejected(sc, ordinal)) {
				run_fail(b, b->o->in, &err);
				break;
			}
			continue;
		}
		if (!rec)
			break;
		ordinal++;
		if (issue_scratch_is_rejected(sc, ordinal)) {
			cJSON_Delete(rec);
			continue;
		}
		if (!c && !(c = chunk_new(b))) {
			cJSON_Delete(rec);
			ecert_fail(&err, ECERT_ERR_NOMEM, "out of memory");
			run_fail(b, "issue", &err);
			break;
		}
		c->items[c->n].rec = rec;
		c->items[c->n].line = line;
		if (prepare(b, &c->items[c->n], &err) != ECERT_OK) {
			c->n++;
			ecert_error_prefix(&err, TR("第 %lu 行", "line %lu"), line);
			run_fail(b, "issue", &err);
			break;
		}
		if (++c->n == BATCH_CHUNK) {
			rc = dispatch(b, c);
			if (rc != ECERT_OK)
				chunk_drop(b, c);
			c = NULL;
		}
	}
	if (c && c->n && !aborted(b)) {
		if (dispatch(b, c) != ECERT_OK)
			chunk_drop(b, c);
	} else if (c) {
		chunk_drop(b, c);
	}
	ecert_records_close(r);
}

int issue_batch_run(const struct issue_opts *o, struct issuer_signer *s, struct issue_scratch *sc,
                    unsigned long expected, struct issue_summary *sum)
{
	pthread_t workers[ISSUE_JOBS_MAX], commit_thread;
	struct ecert_error err;
	struct batch b;
	int started = 0, committer_started = 0, status = ISSUER_EXIT_FAIL, i;

	memset(&b, 0, sizeof(b));
	b.o = o;
	b.s = s;
	b.sum = sum;
	b.expected = expected;
	b.t0 = mono_now();
	ecert_error_clear(&err);
	if (expected == 0)
		return ISSUER_EXIT_OK;
	if (ecert_register_open(o->reg_path, ECERT_REGISTER_CREATE, &b.reg, &err) != ECERT_OK ||
	    ecert_register_open(o->reg_path, 0, &b.reg_commit, &err) != ECERT_OK) {
		status = issuer_fail("issue", &err);
		goto out_reg;
	}
	clean_stray(o->out);
	pthread_mutex_init(&b.lock, NULL);
	pthread_cond_init(&b.work_cv, NULL);
	pthread_cond_init(&b.done_cv, NULL);
	pthread_cond_init(&b.inflight_cv, NULL);
	for (i = 0; i < o->jobs; i++) {
		if (pthread_create(&workers[i], NULL, worker, &b) != 0)
			break;
		started++;
	}
	if (started > 0 && pthread_create(&commit_thread, NULL, committer, &b) == 0)
		committer_started = 1;
	if (!started || !committer_started) {
		ecert_fail(&err, ECERT_ERR_NOMEM, "cannot start threads");
		run_fail(&b, "issue", &err);
	} else {
		feed(&b, sc);
	}
	pthread_mutex_lock(&b.lock);
	b.work_closed = 1;
	pthread_cond_broadcast(&b.work_cv);
	pthread_mutex_unlock(&b.lock);
	for (i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	pthread_mutex_lock(&b.lock);
	b.done_closed = 1;
	pthread_cond_broadcast(&b.done_cv);
	pthread_mutex_unlock(&b.lock);
	if (committer_started)
		pthread_join(commit_thread, NULL);
	pthread_mutex_lock(&b.lock);
	progress(&b, 1);
	status = b.abort || sum->failed ? ISSUER_EXIT_FAIL : ISSUER_EXIT_OK;
	pthread_mutex_unlock(&b.lock);
	pthread_cond_destroy(&b.work_cv);
	pthread_cond_destroy(&b.done_cv);
	pthread_cond_destroy(&b.inflight_cv);
	pthread_mutex_destroy(&b.lock);
out_reg:
	ecert_register_close(b.reg_commit);
	ecert_register_close(b.reg);
	return status;
}
