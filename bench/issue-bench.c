/* issue-bench — certificates per second on the issuer's signing path, beside the
 * `openssl speed` sign rate of the same algorithm measured in the same run.
 *
 * usage: issue-bench [-n N] [--suites sm2,ed25519,p256] [--jobs 1,2] [--seconds S]
 *                    [--no-openssl] [--stages]
 *        issue-bench --write-csv N FILE [--kind skill|title]
 *
 * For each suite, with and without a QR PNG, with each job count: N synthetic (valid)
 * skill records go through exactly what `ecert-issuer issue` does per certificate in its
 * worker threads — ecert_record_validate, the register's record hash
 * (ecert_certbuild_record_hash over a fresh salted holder digest), then
 * ecert_certbuild_issue (build, sign, verify with the public key, schema check of the
 * signed document, JCS + doc hash, QR payload round trip, PNG) — split over the jobs. The
 * register and file writes are left out here: bench/run-issue-bench.sh measures the real
 * program, with them, on a generated CSV.
 *
 * Printed: certificates/second, the ratio to `openssl speed -seconds S -elapsed <alg>`'s
 * sign/s, and the ratio to the sign+verify bound 1/(1/sign + 1/verify) — every certificate
 * is verified after signing (DESIGN §3, STYLE.md), so that bound is the ceiling of any
 * issuer that does so. --stages prints the time of each step, one job, per certificate.
 *
 * --write-csv writes N valid records as a UTF-8 CSV with Chinese column labels, for the
 * end-to-end measurements (the header comes from the same column table the issuer reads). */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ecert/alloc.h"
#include "ecert/certbuild.h"
#include "ecert/datetime.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/proof.h"
#include "ecert/qrimage.h"
#include "ecert/qrpayload.h"
#include "ecert/record.h"
#include "ecert/schema.h"
#include "ecert/sign.h"

#define BENCH_N_DEFAULT 2000
#define BENCH_JOBS_MAX 64
#define BENCH_SUITES_MAX 3
#define BENCH_LINE_MAX 512
#define BENCH_SECONDS_DEFAULT 3
#define BENCH_ISSUER_ID "urn:uscc:52220000MJ09277315"
#define BENCH_ISSUER_NAME "吉林省汽车工业职业技能等级认定中心"
#define BENCH_LIST_ID "urn:ecert:status:52220000MJ09277315:AAAAAAAAAAA"
#define BENCH_VM BENCH_ISSUER_ID "#AAAAAAAAAAA"
#define ISSUE_MMAP_THRESHOLD (4 << 20)
#define ISSUE_TRIM_THRESHOLD (32 << 20)

static const char *const names[] = {"王建国", "李秀英", "张伟",   "刘洋",   "陈静",
				    "杨帆",   "赵磊",   "黄丽娟", "周志强", "吴海燕"};
static const char *const occupations[][2] = {{"6-18-01-01", "车工"},
					     {"6-18-01-02", "铣工"},
					     {"6-18-02-04", "焊工"},
					     {"4-12-01-01", "汽车维修工"},
					     {"6-31-01-03", "电工"}};
static const char *const levels[][3] = {{"五级", "初级工", "5"},   {"四级", "中级工", "4"},
					{"三级", "高级工", "3"},   {"二级", "技师", "2"},
					{"一级", "高级技师", "1"}};

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall time for rates (as openssl speed -elapsed); the thread's CPU time for stages, so
 * that other load on the machine does not count. */
static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double cpu_s(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

/* A deterministic generator (xorshift), so runs are comparable. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* A valid 居民身份证号 of someone born 1965-1999 in 长春 (GB 11643 check character). */
static void make_id(char out[ECERT_IDNUM_LEN + 1])
{
	static const char *const regions[] = {"220102", "220104", "220105", "220106", "220112"};

	snprintf(out, ECERT_IDNUM_LEN + 1, "%s%04u%02u%02u%03u", regions[rnd(5)], 1965 + rnd(35),
		 1 + rnd(12), 1 + rnd(28), rnd(1000));
	(void)ecert_idnum_check_char(out, &out[ECERT_IDNUM_LEN - 1], NULL);
	out[ECERT_IDNUM_LEN] = '\0';
}

/* The i-th synthetic skill record as a JSON object. */
static cJSON *make_record(unsigned long i)
{
	char id[ECERT_IDNUM_LEN + 1], number[32], date[16];
	unsigned o = rnd(5), l = rnd(5);
	cJSON *r = cJSON_CreateObject();

	make_id(id);
	/* 人社鉴发〔2019〕2号: S + 21 digits, the 16th the level digit */
	snprintf(number, sizeof(number), "S0000220000012%s%s%06lu", "0", levels[l][2], i % 1000000);
	snprintf(date, sizeof(date), "%04u-%02u-%02u", 2015 + rnd(10), 1 + rnd(12), 1 + rnd(28));
	cJSON_AddStringToObject(r, "kind", "skill");
	cJSON_AddStringToObject(r, "certificateNumber", number);
	cJSON_AddStringToObject(r, "name", names[rnd(10)]);
	cJSON_AddStringToObject(r, "idNumber", id);
	cJSON_AddStringToObject(r, "occupationCode", occupations[o][0]);
	cJSON_AddStringToObject(r, "occupation", occupations[o][1]);
	cJSON_AddStringToObject(r, "level", levels[l][0]);
	cJSON_AddStringToObject(r, "levelName", levels[l][1]);
	cJSON_AddStringToObject(r, "certifiedOn", date);
	cJSON_AddStringToObject(r, "certificateKind", "职业技能等级证书");
	return r;
}

/* ---- the signing path, split over threads ---- */

struct run {
	cJSON **records;
	size_t n;
	EVP_PKEY *key;
	unsigned flags;
	size_t next; /* next record to take (atomic) */
	int failed;
	struct ecert_error err;
	pthread_mutex_t lock;
};

/* What a worker of ecert-issuer does for one certificate, minus register and files. */
static int one(struct run *r, const cJSON *rec, struct ecert_certbuild_output *out,
	       struct ecert_error *err)
{
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	char digest[ECERT_ID_DIGEST_SIZE], rh[ECERT_CERTBUILD_HASH_SIZE];
	int rc;

	rc = ecert_record_validate(NULL, NULL, rec, ECERT_RECORD_ANY, &info, err);
	if (rc == ECERT_OK)
		rc = ecert_idnum_digest_random(ecert_json_str(rec, "idNumber"), digest, err);
	if (rc == ECERT_OK)
		rc = ecert_certbuild_record_hash(rec, info.kind, digest, rh, err);
	if (rc != ECERT_OK)
		return rc;
	memset(&p, 0, sizeof(p));
	p.issuer_id = BENCH_ISSUER_ID;
	p.issuer_name = BENCH_ISSUER_NAME;
	p.status_list_id = BENCH_LIST_ID;
	p.status_index = 0;
	p.id_digest = digest;
	p.issued_at = ecert_time_now();
	return ecert_certbuild_issue(rec, &info, &p, r->key, BENCH_VM, r->flags, NULL, out, err);
}

static void *worker(void *arg)
{
	struct run *r = arg;
	struct ecert_certbuild_output out;
	struct ecert_error err;
	size_t i;

	memset(&out, 0, sizeof(out));
	for (;;) {
		i = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);
		if (i >= r->n)
			break;
		ecert_error_clear(&err);
		if (one(r, r->records[i], &out, &err) != ECERT_OK) {
			pthread_mutex_lock(&r->lock);
			if (!r->failed) {
				r->failed = 1;
				r->err = err;
			}
			pthread_mutex_unlock(&r->lock);
			break;
		}
	}
	ecert_certbuild_output_free(&out);
	return NULL;
}

/* Certificates per second with `jobs` threads, or -1. */
static double run_path(cJSON **records, size_t n, EVP_PKEY *key, unsigned flags, int jobs)
{
	pthread_t th[BENCH_JOBS_MAX];
	struct run r;
	double t0, t;
	int j;

	memset(&r, 0, sizeof(r));
	r.records = records;
	r.n = n;
	r.key = key;
	r.flags = flags;
	pthread_mutex_init(&r.lock, NULL);
	t0 = now_s();
	for (j = 0; j < jobs; j++)
		if (pthread_create(&th[j], NULL, worker, &r) != 0) {
			fprintf(stderr, "issue-bench: cannot start a thread\n");
			exit(1);
		}
	for (j = 0; j < jobs; j++)
		pthread_join(th[j], NULL);
	t = now_s() - t0;
	pthread_mutex_destroy(&r.lock);
	if (r.failed) {
		fprintf(stderr, "issue-bench: %s: %s\n", r.err.where, r.err.msg);
		return -1;
	}
	return (double)n / t;
}

/* ---- openssl speed ---- */

struct speed {
	double sign, verify;
};

/* Run `openssl speed -seconds S -elapsed ALG` and take sign/s and verify/s from its last
 * line. 0 on success. */
static int openssl_speed(const char *alg, int seconds, struct speed *out)
{
	char cmd[128], line[BENCH_LINE_MAX], last[BENCH_LINE_MAX] = "";
	double a, b, sign = 0, verify = 0;
	char *p, *tok[16];
	int n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "openssl speed -seconds %d -elapsed %s 2>/dev/null", seconds,
		 alg);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "bits"))
			snprintf(last, sizeof(last), "%s", line);
	if (pclose(f) != 0 || !last[0])
		return -1;
	/* " 256 bits SM2 (CurveSM2)   0.0007s   0.0007s   1456.0   1447.0" */
	for (p = strtok(last, " \t\n"); p && n < 16; p = strtok(NULL, " \t\n"))
		tok[n++] = p;
	if (n < 2)
		return -1;
	errno = 0;
	a = strtod(tok[n - 2], NULL);
	b = strtod(tok[n - 1], NULL);
	if (errno || a <= 0 || b <= 0)
		return -1;
	sign = a;
	verify = b;
	out->sign = sign;
	out->verify = verify;
	return 0;
}

/* ---- stages ---- */

static void stages(cJSON **records, size_t n, EVP_PKEY *key)
{
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	struct ecert_buf jcs = ECERT_BUF_INIT, qr = ECERT_BUF_INIT, png = ECERT_BUF_INIT,
			 svg = ECERT_BUF_INIT, back = ECERT_BUF_INIT;
	char digest[ECERT_ID_DIGEST_SIZE], rh[ECERT_CERTBUILD_HASH_SIZE];
	double t[10] = {0}, t0;
	static const char *const label[] = {"validate record", "holder digest + record hash",
					    "build document",  "sign + verify (proof)",
					    "schema check",    "JCS + doc hash",
					    "QR payload",      "QR decode (round trip)",
					    "PNG",             "SVG"};
	cJSON *doc;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.issuer_id = BENCH_ISSUER_ID;
	p.issuer_name = BENCH_ISSUER_NAME;
	p.status_list_id = BENCH_LIST_ID;
	for (i = 0; i < n; i++) {
		const cJSON *rec = records[i];

		t0 = cpu_s();
		ecert_record_validate(NULL, NULL, rec, ECERT_RECORD_ANY, &info, NULL);
		t[0] += cpu_s() - t0;
		t0 = cpu_s();
		ecert_idnum_digest_random(ecert_json_str(rec, "idNumber"), digest, NULL);
		ecert_certbuild_record_hash(rec, info.kind, digest, rh, NULL);
		t[1] += cpu_s() - t0;
		p.id_digest = digest;
		p.issued_at = ecert_time_now();
		t0 = cpu_s();
		doc = NULL;
		ecert_certbuild_document(rec, &info, &p, &doc, NULL);
		t[2] += cpu_s() - t0;
		t0 = cpu_s();
		ecert_proof_sign(doc, key, BENCH_VM, NULL, NULL);
		t[3] += cpu_s() - t0;
		t0 = cpu_s();
		ecert_schema_validate_named("certificate.schema.json", doc, NULL);
		t[4] += cpu_s() - t0;
		t0 = cpu_s();
		jcs.len = 0;
		ecert_jcs_serialize(doc, &jcs, NULL);
		ecert_certbuild_hash_hex(jcs.data, jcs.len, rh, NULL);
		t[5] += cpu_s() - t0;
		t0 = cpu_s();
		qr.len = 0;
		ecert_qr_encode_bytes(jcs.data, jcs.len, 1, &qr, NULL);
		t[6] += cpu_s() - t0;
		t0 = cpu_s();
		back.len = 0;
		ecert_qr_decode((const char *)qr.data, qr.len, &back, NULL);
		t[7] += cpu_s() - t0;
		t0 = cpu_s();
		png.len = 0;
		ecert_qrimage_png((const char *)qr.data, qr.len, NULL, &png, NULL);
		t[8] += cpu_s() - t0;
		t0 = cpu_s();
		svg.len = 0;
		ecert_qrimage_svg((const char *)qr.data, qr.len, NULL, &svg, NULL);
		t[9] += cpu_s() - t0;
		cJSON_Delete(doc);
	}
	printf("  stage                          µs/certificate (thread CPU time)\n");
	for (i = 0; i < 10; i++)
		printf("  %-30s %8.1f\n", label[i], t[i] / (double)n * 1e6);
	printf("  (JCS %zu bytes, QR text %zu characters, PNG %zu bytes, SVG %zu bytes)\n",
	       jcs.len, qr.len, png.len, svg.len);
	ecert_buf_free(&jcs);
	ecert_buf_free(&qr);
	ecert_buf_free(&png);
	ecert_buf_free(&svg);
	ecert_buf_free(&back);
}

/* ---- CSV for the end-to-end runs ---- */

static const char *const csv_columns[][2] = {
	{"证书编号", "certificateNumber"}, {"姓名", "name"},        {"身份证号", "idNumber"},
	{"职业编码", "occupationCode"},    {"职业名称", "occupation"}, {"等级", "level"},
	{"等级名称", "levelName"},         {"发证日期", "certifiedOn"}, {"证书类型", "certificateKind"}};

static int write_csv(unsigned long n, const char *path)
{
	size_t c, ncol = sizeof(csv_columns) / sizeof(csv_columns[0]);
	FILE *f = fopen(path, "w");
	cJSON *r;

	if (!f) {
		fprintf(stderr, "issue-bench: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (c = 0; c < ncol; c++)
		fprintf(f, "%s%s", c ? "," : "", csv_columns[c][0]);
	fputc('\n', f);
	for (unsigned long i = 0; i < n; i++) {
		r = make_record(i);
		for (c = 0; c < ncol; c++)
			fprintf(f, "%s%s", c ? "," : "", ecert_json_str(r, csv_columns[c][1]));
		fputc('\n', f);
		cJSON_Delete(r);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "issue-bench: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static int parse_list(char *s, char **out, int max)
{
	int n = 0;

	for (char *p = strtok(s, ","); p && n < max; p = strtok(NULL, ","))
		out[n++] = p;
	return n;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: issue-bench [-n N] [--suites sm2,ed25519,p256] [--jobs 1,2]\n"
		"                   [--seconds S] [--no-openssl] [--stages]\n"
		"       issue-bench --write-csv N FILE\n");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *speed;
		enum ecert_alg alg;
	} suites[BENCH_SUITES_MAX] = {{"sm2", "sm2", ECERT_ALG_SM2},
				      {"ed25519", "ed25519", ECERT_ALG_ED25519},
				      {"p256", "ecdsap256", ECERT_ALG_P256}};
	char suites_arg[64] = "sm2,ed25519,p256", jobs_arg[64] = "1,2";
	char *suite_names[BENCH_SUITES_MAX], *job_names[BENCH_JOBS_MAX];
	int nsuites, njobs, seconds = BENCH_SECONDS_DEFAULT, use_openssl = 1, show_stages = 0;
	unsigned long n = BENCH_N_DEFAULT;
	cJSON **records;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			n = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--suites") == 0 && i + 1 < argc) {
			snprintf(suites_arg, sizeof(suites_arg), "%s", argv[++i]);
		} else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
			snprintf(jobs_arg, sizeof(jobs_arg), "%s", argv[++i]);
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--no-openssl") == 0) {
			use_openssl = 0;
		} else if (strcmp(argv[i], "--stages") == 0) {
			show_stages = 1;
		} else if (strcmp(argv[i], "--write-csv") == 0 && i + 2 < argc) {
			if (ecert_init() != ECERT_OK)
				return 1;
			return write_csv(strtoul(argv[i + 1], NULL, 10), argv[i + 2]);
		} else {
			usage();
			return 2;
		}
	}
	if (n == 0 || seconds <= 0) {
		usage();
		return 2;
	}
	if (ecert_init() != ECERT_OK)
		return 1;
	/* as ecert-issuer does (issuer/main.c): keep zlib's and libpng's per-call buffers in
	 * the heap instead of fresh mmap'd pages, whose page faults cost more than deflate */
	mallopt(M_MMAP_THRESHOLD, ISSUE_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, ISSUE_TRIM_THRESHOLD);
	nsuites = parse_list(suites_arg, suite_names, BENCH_SUITES_MAX);
	njobs = parse_list(jobs_arg, job_names, BENCH_JOBS_MAX);
	records = calloc(n, sizeof(*records));
	if (!records)
		return 1;
	for (unsigned long k = 0; k < n; k++)
		records[k] = make_record(k);

	printf("issue-bench: %lu certificates per run (skill records), ecert_certbuild_issue "
	       "path with validation and record hash; openssl speed -seconds %d -elapsed\n\n",
	       n, seconds);
	printf("| suite | QR PNG | jobs | cert/s | openssl sign/s | verify/s | "
	       "× sign | × sign+verify bound |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	for (int s = 0; s < nsuites; s++) {
		struct speed sp = {0, 0};
		EVP_PKEY *key = NULL;
		int k;

		for (k = 0; k < BENCH_SUITES_MAX; k++)
			if (strcmp(suite_names[s], suites[k].name) == 0)
				break;
		if (k == BENCH_SUITES_MAX) {
			fprintf(stderr, "issue-bench: unknown suite %s\n", suite_names[s]);
			rc = 2;
			break;
		}
		if (ecert_key_generate(suites[k].alg, &key, NULL) != ECERT_OK) {
			fprintf(stderr, "issue-bench: cannot generate a %s key\n", suites[k].name);
			rc = 1;
			break;
		}
		if (use_openssl && openssl_speed(suites[k].speed, seconds, &sp) != 0)
			fprintf(stderr, "issue-bench: openssl speed %s failed\n", suites[k].speed);
		for (int png = 1; png >= 0; png--) {
			for (int j = 0; j < njobs; j++) {
				int jobs = atoi(job_names[j]);
				double rate;

				if (jobs < 1 || jobs > BENCH_JOBS_MAX)
					continue;
				rate = run_path(records, n, key, png ? ECERT_CERTBUILD_PNG : 0, jobs);
				if (rate < 0) {
					rc = 1;
					continue;
				}
				printf("| %s | %s | %d | %.0f | ", suites[k].name, png ? "yes" : "no",
				       jobs, rate);
				if (sp.sign > 0)
					printf("%.0f | %.0f | %.2f | %.2f |\n", sp.sign, sp.verify,
					       rate / sp.sign,
					       rate * (1 / sp.sign + 1 / sp.verify));
				else
					printf("- | - | - | - |\n");
				fflush(stdout);
			}
		}
		if (show_stages) {
			printf("\nstages, %s, one job:\n", suites[k].name);
			stages(records, n < 500 ? n : 500, key);
			printf("\n");
		}
		EVP_PKEY_free(key);
	}
	for (unsigned long k = 0; k < n; k++)
		cJSON_Delete(records[k]);
	free(records);
	return rc;
}
