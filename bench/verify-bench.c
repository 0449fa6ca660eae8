/* verify-bench — certificates verified per second from QR text, beside the `openssl speed`
 * verify rate of the same algorithm measured in the same run (the verification issue:
 * one job >= 0.85 × openssl verify/s; two jobs >= 1.8 × one job).
 *
 * usage: verify-bench [--seconds S] [--suites sm2,ed25519,p256] [--jobs N] [--cpu]
 *                     [--no-openssl]
 *        verify-bench --to-qr DIR
 *
 * Set-up, once (not timed): an SM2 root key and one issuer key per suite; a trust list
 * naming the three keys (title certificates, series 工程), committed and signed by the
 * root and loaded back exactly as ecert-verifier loads one (its root proof is checked
 * here, once, not per certificate); one signed status list per key; then per suite the
 * typical title certificate tests/data/typical/title-engineering.json with its issuer,
 * verificationMethod and status list pointed at that trust list, signed afresh with the
 * suite's key and QR-encoded (EC1:…).
 *
 * Timed: ecert_verify(ECERT_INPUT_QR_TEXT) — decode, schema, signature, trust, scope,
 * validity, status (required) — in a loop for S seconds, with 1 thread and then with N
 * threads (default 2), each thread its own loop over the one shared, immutable verifier.
 * Every result must be valid, or the run fails. The table printed has the `openssl speed
 * -seconds S -elapsed` verify rate (one core), certificates/second with 1 job and its
 * ratio to that, with N jobs, and the scaling N jobs / 1 job, all by wall-clock time; and
 * the thread CPU time one verification takes with 1 job.
 *
 * --cpu compares CPU time instead (for a machine other work shares): `openssl speed`
 * without -elapsed (per second of its CPU time) against 1 job's verifications per second
 * of thread CPU time. Scaling is always by wall-clock time.
 *
 * --to-qr DIR prints the QR text (one line each) of every *.json certificate in DIR, for
 * bench/report.sh to feed `ecert-verifier verify --batch`. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/qrpayload.h"
#include "ecert/sign.h"
#include "ecert/statuslist.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"
#include "ecert/verify.h"
#include "ossl-speed.h"

#define BENCH_SECONDS_DEFAULT 3
#define BENCH_JOBS_DEFAULT 2
#define BENCH_JOBS_MAX 64
#define BENCH_SUITES_MAX 3
#define BENCH_ARG_MAX 64
#define BENCH_PATH_MAX 4096
#define BENCH_VM_MAX 128
#define BENCH_CERT "title-engineering.json"
#define BENCH_USCC "11220000013544525W"
#define BENCH_ISSUER_ID "urn:uscc:" BENCH_USCC
#define BENCH_ISSUER_NAME "吉林省人力资源和社会保障厅"
#define BENCH_SERIES "工程"
/* The keys are listed from 2024-01-01 (+08:00); the certificate is signed at the time its
 * file says, the status lists a day later. */
#define BENCH_KEYS_FROM 1703952000
#define BENCH_CREATED "2024-12-26T09:41:07+08:00"
#define BENCH_STATUS_FROM "2024-12-27T00:00:00+08:00"

struct suite {
	const char *name;
	enum ecert_alg alg;
	EVP_PKEY *key;
	char kid[ECERT_KID_LEN + 1];
	char list_id[ECERT_STATUSLIST_ID_MAX + 1];
	struct ecert_buf qr; /* the certificate's QR text */
};

static struct suite suites[BENCH_SUITES_MAX] = {
	{"sm2", ECERT_ALG_SM2, NULL, "", "", ECERT_BUF_INIT},
	{"ed25519", ECERT_ALG_ED25519, NULL, "", "", ECERT_BUF_INIT},
	{"p256", ECERT_ALG_P256, NULL, "", "", ECERT_BUF_INIT},
};

static void die(const char *what, const struct ecert_error *err)
{
	if (err && (err->where[0] || err->msg[0]))
		fprintf(stderr, "verify-bench: %s: %s%s%s\n", what, err->where,
			err->where[0] ? ": " : "", err->msg);
	else
		fprintf(stderr, "verify-bench: %s\n", what);
	exit(1);
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double cpu_s(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

/* ---- set-up ---- */

/* The trust list of the three issuer keys, signed by root, loaded back with root. */
static struct ecert_trustlist *make_trustlist(EVP_PKEY *root)
{
	static const char *const kinds[] = {ECERT_KIND_TITLE};
	static const char *const series[] = {BENCH_SERIES};
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_trustedit *ed = NULL;
	struct ecert_trustlist *tl = NULL;
	struct ecert_error err;
	int i;

	ecert_error_clear(&err);
	if (ecert_trustedit_new(root, "bench", &ed, &err) != ECERT_OK)
		die("trust list", &err);
	for (i = 0; i < BENCH_SUITES_MAX; i++) {
		struct ecert_trust_entry_spec s;

		memset(&s, 0, sizeof(s));
		s.key = suites[i].key;
		s.issuer_id = BENCH_ISSUER_ID;
		s.issuer_name = BENCH_ISSUER_NAME;
		s.kinds = kinds;
		s.n_kinds = 1;
		s.series = series;
		s.n_series = 1;
		s.valid_from = BENCH_KEYS_FROM;
		if (ecert_trustedit_add(ed, &s, &err) != ECERT_OK)
			die("trust list entry", &err);
	}
	if (ecert_trustedit_commit(ed, (int64_t)time(NULL), &err) != ECERT_OK ||
	    ecert_trustedit_serialize(ed, &text, &err) != ECERT_OK)
		die("trust list commit", &err);
	ecert_trustedit_free(ed);
	if (ecert_trustlist_load_mem((const char *)text.data, text.len, root, &tl, &err) !=
	    ECERT_OK)
		die("trust list load", &err);
	ecert_buf_free(&text);
	return tl;
}

/* A signed, empty status list for suite s, added to the verifier. */
static void add_status(struct ecert_verifier *v, struct suite *s)
{
	struct ecert_statuslist *sl = NULL;
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error err;
	char vm[BENCH_VM_MAX];
	cJSON *doc = NULL;

	ecert_error_clear(&err);
	snprintf(vm, sizeof(vm), "%s#%s", BENCH_ISSUER_ID, s->kid);
	if (ecert_statuslist_make_id(BENCH_USCC, s->kid, s->list_id, &err) != ECERT_OK ||
	    ecert_statuslist_new(0, &sl, &err) != ECERT_OK ||
	    ecert_statuslist_build(sl, s->list_id, BENCH_ISSUER_ID, BENCH_ISSUER_NAME,
				   BENCH_STATUS_FROM, NULL, &doc, &err) != ECERT_OK ||
	    ecert_proof_sign(doc, s->key, vm, BENCH_STATUS_FROM, &err) != ECERT_OK ||
	    ecert_jcs_serialize(doc, &text, &err) != ECERT_OK ||
	    ecert_verifier_add_status(v, (const char *)text.data, text.len, s->list_id, &err) !=
		    ECERT_OK)
		die("status list", &err);
	cJSON_Delete(doc);
	ecert_statuslist_free(sl);
	ecert_buf_free(&text);
}

static void set_str(cJSON *obj, const char *key, const char *value)
{
	cJSON *item = cJSON_CreateString(value);

	if (!obj || !item || !cJSON_ReplaceItemInObject(obj, key, item)) {
		cJSON_Delete(item);
		die("cannot set a member of the certificate", NULL);
	}
}

/* The typical title certificate, re-signed with suite s's key, as QR text in s->qr. */
static void make_certificate(struct suite *s)
{
	struct ecert_error err;
	char path[BENCH_PATH_MAX], vm[BENCH_VM_MAX];
	cJSON *doc = NULL, *issuer;

	ecert_error_clear(&err);
	snprintf(path, sizeof(path), "%s/%s", ECERT_TYPICAL_DIR, BENCH_CERT);
	if (ecert_json_parse_file(path, NULL, &doc, &err) != ECERT_OK)
		die("certificate", &err);
	cJSON_DeleteItemFromObject(doc, "proof");
	issuer = cJSON_GetObjectItem(doc, "issuer");
	set_str(issuer, "id", BENCH_ISSUER_ID);
	set_str(issuer, "name", BENCH_ISSUER_NAME);
	set_str(cJSON_GetObjectItem(doc, "credentialStatus"), "statusListCredential", s->list_id);
	snprintf(vm, sizeof(vm), "%s#%s", BENCH_ISSUER_ID, s->kid);
	if (ecert_proof_sign(doc, s->key, vm, BENCH_CREATED, &err) != ECERT_OK ||
	    ecert_qr_encode(doc, &s->qr, &err) != ECERT_OK)
		die("signing the certificate", &err);
	cJSON_Delete(doc);
}

/* ---- the timed loops ---- */

struct loop {
	const struct ecert_verifier *v;
	const struct ecert_verify_opts *opts;
	const struct suite *s;
	double seconds;
	pthread_barrier_t *start;
	unsigned long count;
	double elapsed, cpu;
	int failed;
	char detail[ECERT_CHECK_DETAIL_MAX];
};

static void *loop_run(void *arg)
{
	struct loop *l = arg;
	struct ecert_verify_result res;
	double t0, t, end, c0;
	int i;

	pthread_barrier_wait(l->start);
	c0 = cpu_s();
	t0 = now_s();
	end = t0 + l->seconds;
	do {
		(void)ecert_verify(l->v, l->opts, ECERT_INPUT_QR_TEXT, l->s->qr.data, l->s->qr.len,
				   &res);
		if (!res.valid) {
			for (i = 0; i < ECERT_CHECK__COUNT; i++)
				if (res.checks[i].state == ECERT_CHECK_FAILED)
					break;
			snprintf(l->detail, sizeof(l->detail), "%s: %s",
				 ecert_check_name((enum ecert_check_id)i),
				 i < ECERT_CHECK__COUNT ? res.checks[i].detail : "not valid");
			l->failed = 1;
		}
		ecert_verify_result_free(&res);
		l->count++;
		t = now_s();
	} while (!l->failed && t < end);
	l->elapsed = t - t0;
	l->cpu = cpu_s() - c0;
	return NULL;
}

struct rate {
	double wall; /* certificates per second (the sum of each thread's rate) */
	double cpu;  /* per second of thread CPU time (likewise) */
};

static struct rate run_jobs(const struct ecert_verifier *v, const struct ecert_verify_opts *opts,
			    const struct suite *s, int seconds, int jobs)
{
	struct loop l[BENCH_JOBS_MAX];
	pthread_t th[BENCH_JOBS_MAX];
	pthread_barrier_t start;
	struct rate rate = {0, 0};
	int j;

	if (pthread_barrier_init(&start, NULL, (unsigned)jobs) != 0)
		die("pthread_barrier_init", NULL);
	memset(l, 0, sizeof(l));
	for (j = 0; j < jobs; j++) {
		l[j].v = v;
		l[j].opts = opts;
		l[j].s = s;
		l[j].seconds = seconds;
		l[j].start = &start;
		if (pthread_create(&th[j], NULL, loop_run, &l[j]) != 0)
			die("cannot start a thread", NULL);
	}
	for (j = 0; j < jobs; j++)
		pthread_join(th[j], NULL);
	pthread_barrier_destroy(&start);
	for (j = 0; j < jobs; j++) {
		if (l[j].failed) {
			fprintf(stderr, "verify-bench: %s: the certificate did not verify: %s\n",
				s->name, l[j].detail);
			exit(1);
		}
		rate.wall += (double)l[j].count / l[j].elapsed;
		rate.cpu += (double)l[j].count / l[j].cpu;
	}
	return rate;
}

/* ---- --to-qr ---- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int to_qr(const char *dir)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error err;
	char path[BENCH_PATH_MAX];
	struct dirent *de;
	unsigned long n = 0;
	int rc = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "verify-bench: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	while ((de = readdir(d))) {
		cJSON *doc = NULL;

		if (!ends_with(de->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ecert_error_clear(&err);
		text.len = 0;
		if (ecert_json_parse_file(path, NULL, &doc, &err) != ECERT_OK ||
		    ecert_qr_encode(doc, &text, &err) != ECERT_OK) {
			fprintf(stderr, "verify-bench: %s: %s\n", path, err.msg);
			rc = 1;
		} else {
			fwrite(text.data, 1, text.len, stdout);
			putchar('\n');
			n++;
		}
		cJSON_Delete(doc);
	}
	closedir(d);
	ecert_buf_free(&text);
	if (fflush(stdout) != 0)
		rc = 1;
	if (n == 0) {
		fprintf(stderr, "verify-bench: no certificate in %s\n", dir);
		rc = 1;
	}
	return rc;
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: verify-bench [--seconds S] [--suites sm2,ed25519,p256] [--jobs N] [--cpu]\n"
		"                    [--no-openssl]\n"
		"       verify-bench --to-qr DIR\n");
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	char suites_arg[BENCH_ARG_MAX] = "sm2,ed25519,p256", *p, *save = NULL;
	int seconds = BENCH_SECONDS_DEFAULT, jobs = BENCH_JOBS_DEFAULT, use_openssl = 1, cpu = 0;
	int selected[BENCH_SUITES_MAX] = {0};
	struct ecert_verify_opts opts;
	struct ecert_verifier *v = NULL;
	struct ecert_trustlist *tl;
	struct ecert_error err;
	EVP_PKEY *root = NULL;
	int i, k;

	if (ecert_init() != ECERT_OK)
		return 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			if (parse_int(argv[++i], 1, OSSL_SPEED_SECONDS_MAX, &seconds) != 0) {
				usage();
				return 2;
			}
		} else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
			if (parse_int(argv[++i], 1, BENCH_JOBS_MAX, &jobs) != 0) {
				usage();
				return 2;
			}
		} else if (strcmp(argv[i], "--suites") == 0 && i + 1 < argc) {
			snprintf(suites_arg, sizeof(suites_arg), "%s", argv[++i]);
		} else if (strcmp(argv[i], "--cpu") == 0) {
			cpu = 1;
		} else if (strcmp(argv[i], "--no-openssl") == 0) {
			use_openssl = 0;
		} else if (strcmp(argv[i], "--to-qr") == 0 && i + 1 < argc && i + 2 == argc) {
			return to_qr(argv[i + 1]);
		} else {
			usage();
			return 2;
		}
	}
	for (p = strtok_r(suites_arg, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < BENCH_SUITES_MAX; k++)
			if (strcmp(p, suites[k].name) == 0)
				break;
		if (k == BENCH_SUITES_MAX) {
			fprintf(stderr, "verify-bench: unknown suite %s\n", p);
			return 2;
		}
		selected[k] = 1;
	}

	ecert_error_clear(&err);
	if (ecert_key_generate(ECERT_ALG_SM2, &root, &err) != ECERT_OK)
		die("root key", &err);
	for (k = 0; k < BENCH_SUITES_MAX; k++)
		if (ecert_key_generate(suites[k].alg, &suites[k].key, &err) != ECERT_OK ||
		    ecert_key_kid(suites[k].key, suites[k].kid, &err) != ECERT_OK)
			die("issuer key", &err);
	tl = make_trustlist(root);
	if (ecert_verifier_new(tl, &v, &err) != ECERT_OK)
		die("verifier", &err);
	for (k = 0; k < BENCH_SUITES_MAX; k++) {
		add_status(v, &suites[k]);
		make_certificate(&suites[k]);
	}
	memset(&opts, 0, sizeof(opts));
	opts.at = (int64_t)time(NULL);
	opts.require_status = 1;

	printf("verify-bench: ecert_verify from QR text (decode, schema, signature, trust, scope,\n"
	       "validity, status), %d s per measurement; openssl speed -seconds %d%s\n%s\n",
	       seconds, seconds, cpu ? "" : " -elapsed",
	       cpu ? "rates and × openssl per second of CPU time; scaling by wall-clock time\n"
		   : "");
	printf("| suite | QR chars | openssl verify/s (1 core) | ecert verify/s, 1 job | "
	       "× openssl | %d jobs | scaling | CPU µs/cert |\n", jobs);
	printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
	fflush(stdout);
	for (k = 0; k < BENCH_SUITES_MAX; k++) {
		struct ossl_speed sp = {0, 0};
		struct rate one, many;
		double r1;

		if (!selected[k])
			continue;
		if (use_openssl &&
		    ossl_speed_run(ossl_speed_name(suites[k].alg), seconds, !cpu, &sp) != 0)
			fprintf(stderr, "verify-bench: openssl speed %s failed\n",
				ossl_speed_name(suites[k].alg));
		one = run_jobs(v, &opts, &suites[k], seconds, 1);
		many = run_jobs(v, &opts, &suites[k], seconds, jobs);
		r1 = cpu ? one.cpu : one.wall;
		printf("| %s | %zu | ", suites[k].name, suites[k].qr.len);
		if (sp.verify > 0)
			printf("%.0f | %.0f | %.2f | ", sp.verify, r1, r1 / sp.verify);
		else
			printf("- | %.0f | - | ", r1);
		printf("%.0f | %.2f | %.1f |\n", many.wall, many.wall / one.wall, 1e6 / one.cpu);
		fflush(stdout);
	}

	ecert_verifier_free(v);
	ecert_trustlist_free(tl);
	for (k = 0; k < BENCH_SUITES_MAX; k++) {
		EVP_PKEY_free(suites[k].key);
		ecert_buf_free(&suites[k].qr);
	}
	EVP_PKEY_free(root);
	return 0;
}
