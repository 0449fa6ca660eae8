/* ecert-verifier verify — one or more certificates from files, standard input, QR text or
 * QR images, or a batch of QR texts / one-line JSON certificates with worker threads. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"
#include "ecert/file.h"
#include "ecert/json.h"
#include "ecert/qrpayload.h"
#include "ecert/qrscan.h"
#include "verifier.h"

/* A batch is processed in windows of this many lines: memory stays bounded however long
 * the input, and results come out in input order. */
#define BATCH_WINDOW 2048
#define BATCH_LINE_MAX (ECERT_QR_DOC_MAX * 4)
#define JOBS_MAX 256

static void help(FILE *f)
{
	fprintf(f,
		"Usage: ecert-verifier verify --root ROOT.pub --trust trust.json [OPTIONS]\n"
		"                             (FILE… | - | --qr-text TEXT | --qr-image IMAGE | --batch FILE|-)\n"
		"\n"
		"Verify electronic certificates and say, check by check, why each is valid or not:\n"
		"  decode → schema → signature → trust → scope → validity → status → holder\n"
		"A FILE may hold a certificate JSON, a QR text (EC1:…) or a PNG/JPEG photo of the QR.\n"
		"\n"
		"Options:\n"
		"  --root FILE          the province root public key (SPKI PEM); the only key trusted\n"
		"  --trust FILE         the trust list signed by the root key\n"
		"  --status FILE        an issuer's signed status list (repeatable); without one the\n"
		"                       output says revocation was not checked\n"
		"  --require-status     fail when revocation could not be checked\n"
		"  --at TIME            check validity at TIME (YYYY-MM-DD or RFC 3339) instead of now\n"
		"  --holder-id ID       confirm the holder: the 18-character ID number on the ID card\n"
		"                       is hashed with the certificate's salt and compared\n"
		"  --qr-text TEXT       verify the text a scanner read from the QR code\n"
		"  --qr-image FILE      read the QR code from a photo or scan (PNG or JPEG)\n"
		"  --batch FILE|-       one item per line (QR text or one-line JSON); writes one JSON\n"
		"                       result per line in input order, throughput on stderr\n"
		"  --jobs N             worker threads for --batch (default: all cores)\n"
		"  --basis FILE         (repeatable) a title earned through the pathway (贯通): the\n"
		"                       skill certificate(s) its \"pathway\" names; each is verified\n"
		"                       in full, its SM3 digest matched, the holder compared (by\n"
		"                       idDigest with --holder-id, else by name and masked ID only)\n"
		"                       and the named rule applied on the day the title was awarded\n"
		"  --rules FILE, --table FILE   pathway rules / correspondence table for --basis\n"
		"                       (default: the embedded ones)\n"
		"  --json               print {\"valid\", \"checks\": [{\"name\", \"ok\", \"detail\"}],\n"
		"                       \"certificate\"} (one object per line for several inputs);\n"
		"                       a certificate that names a pathway adds \"pathway\": {\"ok\",\n"
		"                       \"rule\", \"identity\", \"basis\", \"detail\", \"detailZh\"} (ok null\n"
		"                       when no --basis was given) and, with --basis, \"basisChecks\"\n"
		"  --lang zh|en         language of the text output (default zh, or ECERT_LANG)\n"
		"  -h, --help           this help\n"
		"\n"
		"Examples:\n"
		"  ecert-verifier verify --root root.pub --trust trust.json JL-T-2024-000001.json\n"
		"  ecert-verifier verify --root root.pub --trust trust.json --status status.json \\\n"
		"      --holder-id 220102198503121230 --qr-image photo.jpg\n"
		"  ecert-verifier verify --root root.pub --trust trust.json --lang en --qr-text 'EC1:…'\n"
		"  cat scanner-output.txt | ecert-verifier verify --root root.pub --trust trust.json --batch -\n"
		"  ecert-verifier verify --root root.pub --trust trust.json --holder-id 220102198503121230 \\\n"
		"      --basis S000022000001202000001.json JL-T-2023-000001.json\n"
		"\n"
		"Exit status: 0 every certificate valid (and, with --basis, its pathway held), 1 some\n"
		"certificate invalid (its failed check is named) or its pathway did not hold, 2 usage\n"
		"error or unreadable file.\n");
}

int verify_is_image(const unsigned char *p, size_t n)
{
	static const unsigned char png[] = {0x89, 'P', 'N', 'G'};

	return (n >= 4 && memcmp(p, png, 4) == 0) || (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff);
}

static int print_result(const struct ecert_verify_result *res, const struct vpathway *pw,
			const struct vconfig *c, const char *name, int many)
{
	if (c->json) {
		cJSON *j = ecert_verify_result_json(res);
		char *s;

		if (j && vpathway_json(pw, j) != 0) {
			cJSON_Delete(j);
			j = NULL;
		}
		if (!j) {
			verr_msg(name, "out of memory");
			return VEXIT_USAGE;
		}
		if (many && !cJSON_AddStringToObject(j, "input", name)) {
			cJSON_Delete(j);
			return VEXIT_USAGE;
		}
		s = many ? cJSON_PrintUnformatted(j) : cJSON_Print(j);
		cJSON_Delete(j);
		if (!s)
			return VEXIT_USAGE;
		printf("%s\n", s);
		cJSON_free(s);
	} else {
		if (many)
			printf("== %s ==\n", name);
		report_verify_text(stdout, res, vpathway_failure(pw, c->lang), c->lang);
		vpathway_text(stdout, pw, c->lang);
		if (many)
			putchar('\n');
	}
	return res->valid ? VEXIT_VALID : VEXIT_INVALID;
}

static int verify_one(const struct vconfig *c, const struct ecert_verify_opts *o,
		      const struct vbasis *vb, enum ecert_input in, const void *data, size_t len,
		      const char *name, int many)
{
	struct ecert_verify_result res;
	struct vpathway pw;
	int rc;

	(void)ecert_verify(c->verifier, o, in, data, len, &res);
	rc = vbasis_run(vb, c, o, &res, &pw);
	if (rc == VEXIT_VALID)
		rc = print_result(&res, &pw, c, name, many);
	vpathway_free(&pw);
	ecert_verify_result_free(&res);
	return rc;
}

static int verify_file(const struct vconfig *c, const struct ecert_verify_opts *o,
		       const struct vbasis *vb, const char *path, int force_image, int many)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error err;
	enum ecert_input in;
	int rc;

	ecert_error_clear(&err);
	if (ecert_file_read(path, force_image ? ECERT_QR_IMAGE_FILE_MAX : ECERT_QR_IMAGE_FILE_MAX,
			    &b, &err) != ECERT_OK) {
		verr(&err, path);
		ecert_buf_free(&b);
		return VEXIT_USAGE;
	}
	in = force_image || verify_is_image(b.data, b.len) ? ECERT_INPUT_IMAGE : ECERT_INPUT_AUTO;
	rc = verify_one(c, o, vb, in, b.data, b.len, strcmp(path, "-") == 0 ? "<stdin>" : path, many);
	ecert_buf_free(&b);
	return rc;
}

/* --- batch ------------------------------------------------------------------------ */

struct batch {
	const struct vconfig *c;
	const struct ecert_verify_opts *o;
	char **lines;
	char **out;
	size_t n;
	size_t next; /* atomic */
	size_t invalid; /* atomic */
};

static void *batch_worker(void *arg)
{
	struct batch *b = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED)) < b->n) {
		struct ecert_verify_result res;
		cJSON *j;

		(void)ecert_verify(b->c->verifier, b->o, ECERT_INPUT_AUTO, b->lines[i],
				   strlen(b->lines[i]), &res);
		if (!res.valid)
			__atomic_fetch_add(&b->invalid, 1, __ATOMIC_RELAXED);
		j = ecert_verify_result_json_take(&res);
		b->out[i] = j ? cJSON_PrintUnformatted(j) : NULL;
		cJSON_Delete(j);
		ecert_verify_result_free(&res);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_window(struct batch *b, int jobs)
{
	pthread_t th[JOBS_MAX];
	int i, started = 0, rc = VEXIT_VALID;
	size_t k;

	b->next = 0;
	for (i = 1; i < jobs; i++) {
		if (pthread_create(&th[i], NULL, batch_worker, b) != 0)
			break;
		started++;
	}
	batch_worker(b);
	for (i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	for (k = 0; k < b->n; k++) {
		if (!b->out[k]) {
			printf("{\"valid\":false,\"error\":\"out of memory\"}\n");
			rc = VEXIT_USAGE;
		} else {
			printf("%s\n", b->out[k]);
		}
		cJSON_free(b->out[k]);
		b->out[k] = NULL;
		free(b->lines[k]);
		b->lines[k] = NULL;
	}
	return rc;
}

static int verify_batch(const struct vconfig *c, const struct ecert_verify_opts *o,
			const char *path, int jobs)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct batch b = {c, o, NULL, NULL, 0, 0, 0};
	char *line = NULL;
	size_t cap = 0, total = 0;
	ssize_t len;
	double t0 = now_s(), dt;
	int rc = VEXIT_VALID;

	if (!in) {
		verr_msg(path, "cannot open: %s", strerror(errno));
		return VEXIT_USAGE;
	}
	b.lines = calloc(BATCH_WINDOW, sizeof(*b.lines));
	b.out = calloc(BATCH_WINDOW, sizeof(*b.out));
	if (!b.lines || !b.out) {
		verr_msg(path, "out of memory");
		rc = VEXIT_USAGE;
		goto out;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if ((size_t)len > BATCH_LINE_MAX)
			line[BATCH_LINE_MAX] = '\0'; /* fails decoding with a clear check */
		b.lines[b.n] = strdup(line);
		if (!b.lines[b.n]) {
			verr_msg(path, "out of memory");
			rc = VEXIT_USAGE;
			goto out;
		}
		if (++b.n == BATCH_WINDOW) {
			if (run_window(&b, jobs) != VEXIT_VALID)
				rc = VEXIT_USAGE;
			total += b.n;
			b.n = 0;
		}
	}
	if (b.n) {
		if (run_window(&b, jobs) != VEXIT_VALID)
			rc = VEXIT_USAGE;
		total += b.n;
		b.n = 0;
	}
	fflush(stdout);
	dt = now_s() - t0;
	fprintf(stderr, "%s: verified %zu item(s), %zu invalid, in %.3f s (%.0f/s, %d job%s)\n",
		VERIFIER_PROG, total, b.invalid, dt, dt > 0 ? (double)total / dt : 0.0, jobs,
		jobs == 1 ? "" : "s");
	if (rc == VEXIT_VALID && b.invalid)
		rc = VEXIT_INVALID;
out:
	if (b.lines)
		for (size_t k = 0; k < b.n; k++)
			free(b.lines[k]);
	free(b.lines);
	free(b.out);
	free(line);
	if (in != stdin)
		fclose(in);
	return rc;
}

static int parse_at(const char *s, int64_t *t)
{
	struct ecert_date d;
	struct ecert_error err;

	if (ecert_time_parse(s, t, &err) == ECERT_OK)
		return 0;
	if (ecert_date_parse(s, &d, &err) == ECERT_OK) {
		char buf[40];

		snprintf(buf, sizeof(buf), "%04d-%02d-%02dT12:00:00+08:00", d.year, d.month, d.day);
		return ecert_time_parse(buf, t, &err) == ECERT_OK ? 0 : -1;
	}
	return -1;
}

int cmd_verify(int argc, char **argv)
{
	enum { O_ROOT = 256, O_TRUST, O_STATUS, O_REQ, O_AT, O_HOLDER, O_QRT, O_QRI, O_BATCH,
	       O_JOBS, O_JSON, O_LANG, O_BASIS, O_RULES, O_TABLE };
	static const struct option opts[] = {
		{"root", required_argument, NULL, O_ROOT},
		{"trust", required_argument, NULL, O_TRUST},
		{"status", required_argument, NULL, O_STATUS},
		{"require-status", no_argument, NULL, O_REQ},
		{"at", required_argument, NULL, O_AT},
		{"holder-id", required_argument, NULL, O_HOLDER},
		{"qr-text", required_argument, NULL, O_QRT},
		{"qr-image", required_argument, NULL, O_QRI},
		{"batch", required_argument, NULL, O_BATCH},
		{"jobs", required_argument, NULL, O_JOBS},
		{"json", no_argument, NULL, O_JSON},
		{"lang", required_argument, NULL, O_LANG},
		{"basis", required_argument, NULL, O_BASIS},
		{"rules", required_argument, NULL, O_RULES},
		{"table", required_argument, NULL, O_TABLE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct vconfig c = {0};
	struct vbasis vb = {0};
	struct ecert_verify_opts o = {0};
	const char *qr_text = NULL, *qr_image = NULL, *batch = NULL;
	int opt, jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), rc = VEXIT_VALID, r, i, ninputs;
	char *end;

	c.lang = vlang_parse(getenv("ECERT_LANG")) == VLANG_EN ? VLANG_EN : VLANG_ZH;
	o.at = ecert_time_now();
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_ROOT: c.root_path = optarg; break;
		case O_TRUST: c.trust_path = optarg; break;
		case O_STATUS:
			if (c.nstatus >= VERIFIER_STATUS_MAX)
				return vusage("verify", "at most %d --status files", VERIFIER_STATUS_MAX);
			c.status_paths[c.nstatus++] = optarg;
			break;
		case O_REQ: o.require_status = 1; break;
		case O_AT:
			if (parse_at(optarg, &o.at) != 0)
				return vusage("verify", "--at wants YYYY-MM-DD or an RFC 3339 time, not '%s'", optarg);
			break;
		case O_HOLDER: o.holder_id = optarg; break;
		case O_QRT: qr_text = optarg; break;
		case O_QRI: qr_image = optarg; break;
		case O_BATCH: batch = optarg; break;
		case O_JOBS:
			errno = 0;
			jobs = (int)strtol(optarg, &end, 10);
			if (errno || *end || jobs < 1 || jobs > JOBS_MAX)
				return vusage("verify", "--jobs wants a number from 1 to %d", JOBS_MAX);
			break;
		case O_JSON: c.json = 1; break;
		case O_LANG:
			c.lang = vlang_parse(optarg);
			if (c.lang < 0)
				return vusage("verify", "--lang is zh or en, not '%s'", optarg);
			break;
		case O_BASIS:
			if (vb.n >= ECERT_PATHWAY_BASIS_MAX)
				return vusage("verify", "at most %d --basis files", ECERT_PATHWAY_BASIS_MAX);
			vb.paths[vb.n++] = optarg;
			break;
		case O_RULES: vb.src.rules_path = optarg; break;
		case O_TABLE: vb.src.table_path = optarg; break;
		case 'h': help(stdout); return VEXIT_VALID;
		default: return vusage("verify", "unknown option");
		}
	}
	if (jobs < 1)
		jobs = 1;
	if (jobs > JOBS_MAX)
		jobs = JOBS_MAX;
	ninputs = argc - optind + (qr_text != NULL) + (qr_image != NULL);
	if (batch && ninputs)
		return vusage("verify", "--batch takes its items from its file only");
	if (!batch && ninputs == 0)
		return vusage("verify", "nothing to verify: give FILE, -, --qr-text, --qr-image or --batch");
	if (vb.n && (batch || ninputs != 1))
		return vusage("verify", "--basis goes with exactly one title certificate");
	rc = vconfig_load(&c);
	if (rc == VEXIT_VALID)
		rc = vbasis_load(&vb);
	if (rc != VEXIT_VALID)
		goto out;
	if (batch) {
		rc = verify_batch(&c, &o, batch, jobs);
		goto out;
	}
	if (qr_text) {
		r = verify_one(&c, &o, &vb, ECERT_INPUT_QR_TEXT, qr_text, strlen(qr_text), "--qr-text",
			       ninputs > 1);
		rc = r > rc ? r : rc;
	}
	if (qr_image) {
		r = verify_file(&c, &o, &vb, qr_image, 1, ninputs > 1);
		rc = r > rc ? r : rc;
	}
	for (i = optind; i < argc; i++) {
		r = verify_file(&c, &o, &vb, argv[i], 0, ninputs > 1);
		/* usage (2) outranks invalid (1) */
		rc = r > rc ? r : rc;
	}
out:
	vbasis_free(&vb);
	vconfig_free(&c);
	return rc;
}
