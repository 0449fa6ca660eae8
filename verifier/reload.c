/* ecert-verifier — reloadable trust list, status lists and rules behind a
 * reference-counted snapshot (see reload.h). */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/datetime.h"
#include "ecert/file.h"
#include "ecert/key.h"
#include "ecert/rules.h"
#include "ecert/trustlist.h"
#include "ecert/verify.h"
#include "reload.h"

#define RELOAD_PROG "ecert-verifier"

/* One loaded generation. snap is the first member: the pointer handed to requests is
 * the slot's address. */
struct slot {
	struct api_snapshot snap;
	struct ecert_trustlist *tl;
	struct ecert_verifier *v;
	struct ecert_rules *rules;
	unsigned long refs; /* the reloader's own reference while current, plus requests */
};

/* The status list files found in the status directory, sorted by name. */
struct file_set {
	char **paths;
	size_t n;
};

struct reloader {
	char *root_path;
	char *trust_path;
	char *status_dir;
	char *rules_path;
	char *table_path;
	EVP_PKEY *root;

	pthread_mutex_t lock; /* current, refs, stale */
	struct slot *current;
	int stale;

	pthread_mutex_t check_lock;  /* one reload_check at a time */
	struct ecert_buf fp_current; /* fingerprint of the files of `current` */
	struct ecert_buf fp_failed;  /* fingerprint of files that failed to load */

	pthread_mutex_t wait_lock; /* the watcher's sleep and stop flag */
	pthread_cond_t wait_cond;
	pthread_t thread;
	int running;
	int stop;
	unsigned interval_ms;
};

static void slot_free(struct slot *s)
{
	if (!s)
		return;
	ecert_rules_free(s->rules);
	ecert_verifier_free(s->v);
	ecert_trustlist_free(s->tl);
	ecert_free(s);
}

static void file_set_free(struct file_set *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		ecert_free(fs->paths[i]);
	ecert_free(fs->paths);
	fs->paths = NULL;
	fs->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_json_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* The *.json files of dir (not hidden ones: editors' and rsync's temporaries). */
static int list_status_files(const char *dir, struct file_set *fs, struct ecert_error *err)
{
	DIR *d;
	struct dirent *de;
	struct ecert_buf path = ECERT_BUF_INIT;
	char **grown;
	size_t cap = 0;
	int rc = ECERT_ERR_IO;

	d = opendir(dir);
	if (!d) {
		ecert_error_where(err, "%s", dir);
		return ecert_fail(err, ECERT_ERR_IO, "cannot open the status directory: %s",
		                  strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !has_json_suffix(de->d_name))
			continue;
		if (fs->n >= RELOAD_STATUS_FILES_MAX) {
			ecert_error_where(err, "%s", dir);
			rc = ecert_fail(err, ECERT_ERR_INVALID, "more than %d status list files",
			                RELOAD_STATUS_FILES_MAX);
			goto out;
		}
		if (fs->n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = ecert_realloc(fs->paths, cap * sizeof *grown);
			if (!grown) {
				rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
				goto out;
			}
			fs->paths = grown;
		}
		path.len = 0;
		if (ecert_buf_printf(&path, "%s/%s", dir, de->d_name) != ECERT_OK) {
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
			goto out;
		}
		fs->paths[fs->n] = ecert_strdup((const char *)path.data);
		if (!fs->paths[fs->n]) {
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
			goto out;
		}
		fs->n++;
	}
	if (fs->n > 1)
		qsort(fs->paths, fs->n, sizeof *fs->paths, cmp_str);
	rc = ECERT_OK;
out:
	closedir(d);
	ecert_buf_free(&path);
	if (rc != ECERT_OK)
		file_set_free(fs);
	return rc;
}

/* One file's identity in the fingerprint: a replaced (rename) or rewritten file changes
 * inode, size or mtime. A missing file is recorded as such, so it fails the load. */
static void fp_add(struct ecert_buf *fp, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		ecert_buf_printf(fp, "%s\tmissing %d\n", path, errno);
		return;
	}
	ecert_buf_printf(fp, "%s\t%llu %llu %lld.%09ld\n", path, (unsigned long long)st.st_ino,
	                 (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec,
	                 (long)st.st_mtim.tv_nsec);
}

/* Fingerprint of every file a snapshot is made of; also lists the status files. */
static int fingerprint(const struct reloader *r, struct ecert_buf *fp, struct file_set *fs,
                       struct ecert_error *err)
{
	size_t i;
	int rc;

	fp->len = 0;
	fp_add(fp, r->trust_path);
	if (r->rules_path)
		fp_add(fp, r->rules_path);
	if (r->table_path)
		fp_add(fp, r->table_path);
	if (r->status_dir) {
		fp_add(fp, r->status_dir);
		rc = list_status_files(r->status_dir, fs, err);
		if (rc != ECERT_OK)
			return rc;
		for (i = 0; i < fs->n; i++)
			fp_add(fp, fs->paths[i]);
	}
	if (ecert_buf_ok(fp) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	return ECERT_OK;
}

static int fp_equal(const struct ecert_buf *a, const struct ecert_buf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static int fp_copy(struct ecert_buf *dst, const struct ecert_buf *src)
{
	dst->len = 0;
	dst->oom = 0;
	return ecert_buf_append(dst, src->data, src->len);
}

/* Build a complete snapshot from the files. */
static int load_slot(const struct reloader *r, const struct file_set *fs, struct slot **out,
                     struct ecert_error *err)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_rules_sources src;
	struct slot *s;
	size_t i;
	int rc;

	s = ecert_calloc(1, sizeof *s);
	if (!s)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	rc = ecert_trustlist_load(r->trust_path, r->root, &s->tl, err);
	if (rc != ECERT_OK) {
		if (!err->where[0])
			ecert_error_where(err, "%s", r->trust_path);
		goto out;
	}
	rc = ecert_verifier_new(s->tl, &s->v, err);
	if (rc != ECERT_OK)
		goto out;
	for (i = 0; i < fs->n; i++) {
		text.len = 0;
		rc = ecert_file_read(fs->paths[i], RELOAD_STATUS_FILE_MAX, &text, err);
		if (rc != ECERT_OK)
			goto out;
		rc = ecert_verifier_add_status(s->v, (const char *)text.data, text.len,
		                               fs->paths[i], err);
		if (rc != ECERT_OK) {
			if (!err->where[0])
				ecert_error_where(err, "%s", fs->paths[i]);
			goto out;
		}
	}
	memset(&src, 0, sizeof src);
	src.rules_path = r->rules_path; /* NULL: the embedded rules */
	src.table_path = r->table_path; /* NULL: the embedded trial table */
	rc = ecert_rules_load(&src, &s->rules, err);
	if (rc != ECERT_OK) {
		if (!err->where[0])
			ecert_error_where(err, "%s",
			                  r->rules_path ? r->rules_path : "pathway rules");
		goto out;
	}
	s->snap.trustlist = s->tl;
	s->snap.verifier = s->v;
	s->snap.rules = s->rules;
	s->snap.n_status = fs->n;
	s->snap.loaded_at = ecert_time_now();
	s->refs = 1;
	*out = s;
	s = NULL;
	rc = ECERT_OK;
out:
	ecert_buf_free(&text);
	slot_free(s);
	return rc;
}

static char *dup_opt(const char *s, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = ecert_strdup(s);
	if (!d)
		*oom = 1;
	return d;
}

int reload_new(const struct reload_config *cfg, struct reloader **out, struct ecert_error *err)
{
	struct reloader *r;
	struct file_set fs = {NULL, 0};
	int rc, oom = 0;

	if (!cfg || !cfg->root_path || !cfg->trust_path)
		return ecert_fail(err, ECERT_ERR_ARG, "a root key and a trust list are required");
	r = ecert_calloc(1, sizeof *r);
	if (!r)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->check_lock, NULL);
	pthread_mutex_init(&r->wait_lock, NULL);
	pthread_cond_init(&r->wait_cond, NULL);
	r->root_path = dup_opt(cfg->root_path, &oom);
	r->trust_path = dup_opt(cfg->trust_path, &oom);
	r->status_dir = dup_opt(cfg->status_dir, &oom);
	r->rules_path = dup_opt(cfg->rules_path, &oom);
	r->table_path = dup_opt(cfg->table_path, &oom);
	if (oom) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ecert_key_load_public(r->root_path, &r->root, err);
	if (rc != ECERT_OK) {
		if (!err->where[0])
			ecert_error_where(err, "%s", r->root_path);
		goto out;
	}
	rc = fingerprint(r, &r->fp_current, &fs, err);
	if (rc != ECERT_OK)
		goto out;
	rc = load_slot(r, &fs, &r->current, err);
	if (rc != ECERT_OK)
		goto out;
	*out = r;
	r = NULL;
out:
	file_set_free(&fs);
	reload_free(r);
	return rc;
}

static void *watcher(void *arg)
{
	struct reloader *r = arg;
	struct ecert_error err;
	struct timespec until;
	int stop = 0, res;

	while (!stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += r->interval_ms / 1000;
		until.tv_nsec += (long)(r->interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&r->wait_lock);
		while (!r->stop &&
		       pthread_cond_timedwait(&r->wait_cond, &r->wait_lock, &until) == 0)
			;
		stop = r->stop;
		pthread_mutex_unlock(&r->wait_lock);
		if (stop)
			break;
		ecert_error_clear(&err);
		res = reload_check(r, &err);
		if (res < 0)
			fprintf(stderr,
			        "%s: warning: reload failed, keeping the last good trust and "
			        "status lists: %s%s%s\n",
			        RELOAD_PROG, err.where, err.where[0] ? ": " : "",
			        err.msg[0] ? err.msg : ecert_strerror(err.code));
	}
	return NULL;
}

int reload_start(struct reloader *r, unsigned interval_ms, struct ecert_error *err)
{
	if (r->running)
		return ecert_fail(err, ECERT_ERR_ARG, "the watcher is already running");
	r->interval_ms = interval_ms ? interval_ms : RELOAD_INTERVAL_MS;
	r->stop = 0;
	if (pthread_create(&r->thread, NULL, watcher, r) != 0)
		return ecert_fail(err, ECERT_ERR_NOMEM, "cannot start the reload thread");
	r->running = 1;
	return ECERT_OK;
}

int reload_check(struct reloader *r, struct ecert_error *err)
{
	struct ecert_buf fp = ECERT_BUF_INIT, fp_after = ECERT_BUF_INIT;
	struct file_set fs = {NULL, 0}, fs_after = {NULL, 0};
	struct slot *fresh = NULL, *old = NULL;
	int rc, res = 0;

	pthread_mutex_lock(&r->check_lock);
	rc = fingerprint(r, &fp, &fs, err);
	if (rc == ECERT_OK && (fp_equal(&fp, &r->fp_current) || fp_equal(&fp, &r->fp_failed)))
		goto out; /* unchanged, or the same bad files as last time */
	if (rc == ECERT_OK)
		rc = load_slot(r, &fs, &fresh, err);
	if (rc == ECERT_OK) {
		/* A file replaced while it was being read: try again at the next look. */
		rc = fingerprint(r, &fp_after, &fs_after, err);
		if (rc == ECERT_OK && !fp_equal(&fp, &fp_after))
			goto out;
	}
	if (rc != ECERT_OK) {
		fp_copy(&r->fp_failed, &fp);
		pthread_mutex_lock(&r->lock);
		r->stale = 1;
		pthread_mutex_unlock(&r->lock);
		res = -1;
		goto out;
	}
	fp_copy(&r->fp_current, &fp);
	r->fp_failed.len = 0;
	pthread_mutex_lock(&r->lock);
	old = r->current;
	r->current = fresh;
	r->stale = 0;
	if (--old->refs != 0)
		old = NULL; /* the last request using it frees it */
	pthread_mutex_unlock(&r->lock);
	fprintf(stderr, "%s: reloaded: trust list version %ld, %zu status list%s\n", RELOAD_PROG,
	        ecert_trustlist_version(fresh->tl), fresh->snap.n_status,
	        fresh->snap.n_status == 1 ? "" : "s");
	fresh = NULL;
	res = 1;
out:
	pthread_mutex_unlock(&r->check_lock);
	slot_free(fresh);
	slot_free(old);
	file_set_free(&fs);
	file_set_free(&fs_after);
	ecert_buf_free(&fp);
	ecert_buf_free(&fp_after);
	return res;
}

const struct api_snapshot *reload_acquire(struct reloader *r)
{
	struct slot *s;

	pthread_mutex_lock(&r->lock);
	s = r->current;
	s->refs++;
	pthread_mutex_unlock(&r->lock);
	return &s->snap;
}

void reload_release(struct reloader *r, const struct api_snapshot *snap)
{
	struct slot *s;
	int last;

	if (!snap)
		return;
	/* snap is the first member of its slot */
	s = (struct slot *)(void *)(uintptr_t)snap;
	pthread_mutex_lock(&r->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&r->lock);
	if (last)
		slot_free(s);
}

int reload_stale(struct reloader *r)
{
	int stale;

	pthread_mutex_lock(&r->lock);
	stale = r->stale;
	pthread_mutex_unlock(&r->lock);
	return stale;
}

void reload_free(struct reloader *r)
{
	if (!r)
		return;
	if (r->running) {
		pthread_mutex_lock(&r->wait_lock);
		r->stop = 1;
		pthread_cond_signal(&r->wait_cond);
		pthread_mutex_unlock(&r->wait_lock);
		pthread_join(r->thread, NULL);
		r->running = 0;
	}
	if (r->current && --r->current->refs == 0)
		slot_free(r->current);
	EVP_PKEY_free(r->root);
	ecert_buf_free(&r->fp_current);
	ecert_buf_free(&r->fp_failed);
	ecert_free(r->root_path);
	ecert_free(r->trust_path);
	ecert_free(r->status_dir);
	ecert_free(r->rules_path);
	ecert_free(r->table_path);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->check_lock);
	pthread_mutex_destroy(&r->wait_lock);
	pthread_cond_destroy(&r->wait_cond);
	ecert_free(r);
}
