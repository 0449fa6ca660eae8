/* qrsize — how large the QR code of a certificate is, with and without the preset
 * dictionary of the EC1: payload (schemas/qr/dict-v1).
 *
 * usage: qrsize [-o DIR] [FILE.json ...]
 *   Without files, the typical certificates of tests/data/typical are measured.
 *   For each: JCS bytes, zlib bytes, QR text characters and QR version (alphanumeric,
 *   ECC M) without and with the dictionary, as a Markdown table.
 *   -o DIR also writes the payload (with dictionary) as DIR/<name>.txt, DIR/<name>.png and
 *   DIR/<name>.svg, to check by hand, e.g. `zbarimg --raw -q -Sdisable -Sqrcode.enable DIR/<name>.png`. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/file.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/qrimage.h"
#include "ecert/qrpayload.h"

#define QRSIZE_FILES_MAX 256
#define QRSIZE_PATH_MAX 4096

struct measure {
	size_t text;
	size_t zbytes;
	int version;
};

/* Bytes carried by n base45 characters (3 per 2 bytes, 2 for a last odd byte). */
static size_t base45_bytes(size_t n)
{
	return n / 3 * 2 + (n % 3 == 2 ? 1 : 0);
}

static int measure(const struct ecert_buf *jcs, int use_dict, struct ecert_buf *text,
                   struct measure *m, struct ecert_error *err)
{
	int rc;

	text->len = 0;
	rc = ecert_qr_encode_bytes(jcs->data, jcs->len, use_dict, text, err);
	if (rc != ECERT_OK)
		return rc;
	m->text = text->len;
	m->zbytes = base45_bytes(text->len - strlen(ECERT_QR_PREFIX));
	return ecert_qrimage_version((const char *)text->data, text->len, ECERT_QR_ECC_M,
	                             &m->version, err);
}

static int write_images(const char *dir, const char *path, const struct ecert_buf *text,
                        struct ecert_error *err)
{
	struct ecert_buf png = ECERT_BUF_INIT, svg = ECERT_BUF_INIT;
	const char *base = strrchr(path, '/');
	char out[QRSIZE_PATH_MAX];
	size_t n;
	int rc;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	rc = ecert_qrimage_png((const char *)text->data, text->len, NULL, &png, err);
	if (rc == ECERT_OK)
		rc = ecert_qrimage_svg((const char *)text->data, text->len, NULL, &svg, err);
	if (rc == ECERT_OK) {
		snprintf(out, sizeof(out), "%s/%.*s.txt", dir, (int)n, base);
		rc = ecert_file_write_atomic(out, text->data, text->len, 0644, 0, err);
	}
	if (rc == ECERT_OK) {
		snprintf(out, sizeof(out), "%s/%.*s.png", dir, (int)n, base);
		rc = ecert_file_write_atomic(out, png.data, png.len, 0644, 0, err);
	}
	if (rc == ECERT_OK) {
		snprintf(out, sizeof(out), "%s/%.*s.svg", dir, (int)n, base);
		rc = ecert_file_write_atomic(out, svg.data, svg.len, 0644, 0, err);
	}
	ecert_buf_free(&png);
	ecert_buf_free(&svg);
	return rc;
}

static int one(const char *path, const char *outdir)
{
	struct ecert_buf jcs = ECERT_BUF_INIT, text = ECERT_BUF_INIT;
	struct ecert_error err;
	struct measure without, with;
	cJSON *doc = NULL;
	const char *base = strrchr(path, '/');
	int rc;

	ecert_error_clear(&err);
	rc = ecert_json_parse_file(path, NULL, &doc, &err);
	if (rc == ECERT_OK)
		rc = ecert_jcs_serialize(doc, &jcs, &err);
	if (rc == ECERT_OK)
		rc = measure(&jcs, 0, &text, &without, &err);
	if (rc == ECERT_OK)
		rc = measure(&jcs, 1, &text, &with, &err);
	if (rc == ECERT_OK && outdir)
		rc = write_images(outdir, path, &text, &err);
	if (rc != ECERT_OK) {
		fprintf(stderr, "qrsize: error: %s: %s: %s\n", err.where[0] ? err.where : path,
		        ecert_strerror(rc), err.msg);
	} else {
		printf("| %-24s | %5zu | %5zu | %5zu | %3d | %5zu | %5zu | %3d |\n",
		       base ? base + 1 : path, jcs.len, without.zbytes, without.text,
		       without.version, with.zbytes, with.text, with.version);
	}
	cJSON_Delete(doc);
	ecert_buf_free(&jcs);
	ecert_buf_free(&text);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *outdir = NULL;
	char *files[QRSIZE_FILES_MAX];
	size_t nfiles = 0, i, len;
	int argi = 1, status = 0;
	DIR *d;
	struct dirent *de;
	size_t dict_len;

	if (ecert_init() != ECERT_OK)
		return 2;
	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		outdir = argv[2];
		argi = 3;
	}
	for (; argi < argc && nfiles < QRSIZE_FILES_MAX; argi++)
		files[nfiles++] = ecert_strdup(argv[argi]);
	if (nfiles == 0) {
		d = opendir(ECERT_TYPICAL_DIR);
		if (!d) {
			fprintf(stderr, "qrsize: error: cannot open %s\n", ECERT_TYPICAL_DIR);
			return 2;
		}
		while ((de = readdir(d)) && nfiles < QRSIZE_FILES_MAX) {
			len = strlen(de->d_name);
			if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0) {
				char path[QRSIZE_PATH_MAX];

				snprintf(path, sizeof(path), "%s/%s", ECERT_TYPICAL_DIR,
				         de->d_name);
				files[nfiles++] = ecert_strdup(path);
			}
		}
		closedir(d);
		qsort(files, nfiles, sizeof(files[0]), by_name);
	}
	ecert_qr_dictionary(&dict_len);
	printf("%s payload, dictionary dict-v1 of %zu bytes; QR alphanumeric mode, ECC M\n\n",
	       ECERT_QR_PREFIX, dict_len);
	printf("| certificate | JCS bytes | zlib bytes | QR chars | QR version "
	       "| zlib bytes, dict | QR chars, dict | QR version, dict |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < nfiles; i++) {
		if (!files[i] || one(files[i], outdir) != ECERT_OK)
			status = 1;
		ecert_free(files[i]);
	}
	return status;
}
