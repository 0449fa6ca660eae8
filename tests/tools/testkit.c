/* ecert-testkit — TEST-ONLY helper for the end-to-end tests: signs certificate and
 * status-list fixtures with the library's sign side, encodes QR texts and images, and
 * edits JSON (to make tampered fixtures). Not installed; not a substitute for
 * ecert-issuer, which the tests use where it exists.
 *
 *   ecert-testkit sign KEY ISSUER_ID [--id-number N] [--status-index I] [--created T]
 *                 < template.json > signed.json
 *   ecert-testkit status KEY ISSUER_ID ISSUER_NAME [REVOKED_INDEX…] > status.json
 *   ecert-testkit qr < signed.json > qr.txt
 *   ecert-testkit png OUT.png < qr.txt
 *   ecert-testkit set PATH STRING < doc.json > doc.json    (PATH: a.b.c)
 *
 * Private keys are read with the passphrase in ECERT_PASSPHRASE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/file.h"
#include "ecert/idnum.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/qrimage.h"
#include "ecert/qrpayload.h"
#include "ecert/sign.h"
#include "ecert/statuslist.h"

#define TK_PROG "ecert-testkit"
#define TK_VM_MAX 256

static int fail(const struct ecert_error *err)
{
	fprintf(stderr, "%s: error: %s%s%s\n", TK_PROG, err->where, err->where[0] ? ": " : "",
	        err->msg[0] ? err->msg : ecert_strerror(err->code));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s sign|status|qr|png|set … (see tests/tools/testkit.c)\n",
	        TK_PROG);
	return 2;
}

static int read_stdin(struct ecert_buf *b, struct ecert_error *err)
{
	return ecert_file_read("-", ECERT_JSON_MAX_BYTES, b, err);
}

static int load_key(const char *path, EVP_PKEY **key, char vm[TK_VM_MAX], const char *issuer_id,
                    char kid[ECERT_KID_LEN + 1], struct ecert_error *err)
{
	struct ecert_passphrase pp = {NULL, 0};
	int rc;

	rc = ecert_passphrase_get(NULL, &pp, err);
	if (rc == ECERT_OK)
		rc = ecert_key_load_private(path, &pp, key, err);
	ecert_passphrase_free(&pp);
	if (rc == ECERT_OK)
		rc = ecert_key_kid(*key, kid, err);
	if (rc == ECERT_OK && (size_t)snprintf(vm, TK_VM_MAX, "%s#%s", issuer_id, kid) >= TK_VM_MAX)
		rc = ecert_fail(err, ECERT_ERR_ARG, "verification method too long");
	return rc;
}

static int print_json(const cJSON *doc)
{
	char *text = cJSON_PrintUnformatted(doc);

	if (!text)
		return 1;
	printf("%s\n", text);
	cJSON_free(text);
	return 0;
}

static cJSON *object_at(cJSON *doc, const char *name)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(doc, name);

	if (!cJSON_IsObject(o)) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
		o = cJSON_AddObjectToObject(doc, name);
	}
	return o;
}

static int set_string(cJSON *obj, const char *name, const char *value)
{
	cJSON *v = cJSON_CreateString(value);

	if (!v)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(obj, name))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, name, v);
	else
		cJSON_AddItemToObject(obj, name, v);
	return 0;
}

static int cmd_sign(int argc, char **argv)
{
	struct ecert_error err;
	struct ecert_buf in = ECERT_BUF_INIT;
	char vm[TK_VM_MAX], kid[ECERT_KID_LEN + 1], list_id[ECERT_STATUSLIST_ID_MAX + 1];
	char masked[ECERT_IDNUM_LEN + 1], digest[ECERT_ID_DIGEST_SIZE];
	const char *id_number = NULL, *created = NULL, *status_index = NULL;
	EVP_PKEY *key = NULL;
	cJSON *doc = NULL, *subject, *issuer, *entry = NULL;
	int i, rc = 1;

	if (argc < 3)
		return usage();
	for (i = 3; i < argc; i++) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--id-number") == 0)
			id_number = argv[++i];
		else if (strcmp(argv[i], "--created") == 0)
			created = argv[++i];
		else if (strcmp(argv[i], "--status-index") == 0)
			status_index = argv[++i];
		else
			return usage();
	}
	ecert_error_clear(&err);
	if (load_key(argv[1], &key, vm, argv[2], kid, &err) != ECERT_OK ||
	    read_stdin(&in, &err) != ECERT_OK ||
	    ecert_json_parse((const char *)in.data, in.len, NULL, &doc, &err) != ECERT_OK) {
		rc = fail(&err);
		goto out;
	}
	issuer = object_at(doc, "issuer");
	subject = object_at(doc, "credentialSubject");
	if (!issuer || !subject || set_string(issuer, "id", argv[2]) != 0)
		goto out;
	if (id_number) {
		if (ecert_idnum_mask(id_number, masked, &err) != ECERT_OK ||
		    ecert_idnum_digest_random(id_number, digest, &err) != ECERT_OK) {
			rc = fail(&err);
			goto out;
		}
		if (set_string(subject, "idNumberMasked", masked) != 0 ||
		    set_string(subject, "idDigest", digest) != 0)
			goto out;
	}
	if (status_index) {
		if (ecert_statuslist_make_id(argv[2], kid, list_id, &err) != ECERT_OK ||
		    ecert_statuslist_entry(list_id, strtoull(status_index, NULL, 10), &entry,
		                           &err) != ECERT_OK) {
			rc = fail(&err);
			goto out;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "credentialStatus");
		cJSON_AddItemToObject(doc, "credentialStatus", entry);
		entry = NULL;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "proof");
	if (ecert_proof_sign(doc, key, vm, created, &err) != ECERT_OK) {
		rc = fail(&err);
		goto out;
	}
	rc = print_json(doc);
out:
	cJSON_Delete(entry);
	cJSON_Delete(doc);
	EVP_PKEY_free(key);
	ecert_buf_free(&in);
	return rc;
}

static int cmd_status(int argc, char **argv)
{
	struct ecert_error err;
	struct ecert_statuslist *sl = NULL;
	char vm[TK_VM_MAX], kid[ECERT_KID_LEN + 1], list_id[ECERT_STATUSLIST_ID_MAX + 1];
	char now[32];
	time_t t = time(NULL) - 3600;
	struct tm tm;
	EVP_PKEY *key = NULL;
	cJSON *doc = NULL;
	int i, rc = 1;

	if (argc < 4)
		return usage();
	ecert_error_clear(&err);
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (load_key(argv[1], &key, vm, argv[2], kid, &err) != ECERT_OK ||
	    ecert_statuslist_new(0, &sl, &err) != ECERT_OK ||
	    ecert_statuslist_make_id(argv[2], kid, list_id, &err) != ECERT_OK) {
		rc = fail(&err);
		goto out;
	}
	for (i = 4; i < argc; i++) {
		if (ecert_statuslist_set(sl, strtoull(argv[i], NULL, 10), 1, &err) != ECERT_OK) {
			rc = fail(&err);
			goto out;
		}
	}
	if (ecert_statuslist_build(sl, list_id, argv[2], argv[3], now, NULL, &doc, &err) !=
	        ECERT_OK ||
	    ecert_proof_sign(doc, key, vm, NULL, &err) != ECERT_OK) {
		rc = fail(&err);
		goto out;
	}
	rc = print_json(doc);
out:
	cJSON_Delete(doc);
	ecert_statuslist_free(sl);
	EVP_PKEY_free(key);
	return rc;
}

static int cmd_qr(void)
{
	struct ecert_error err;
	struct ecert_buf in = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	cJSON *doc = NULL;
	int rc = 1;

	ecert_error_clear(&err);
	if (read_stdin(&in, &err) != ECERT_OK ||
	    ecert_json_parse((const char *)in.data, in.len, NULL, &doc, &err) != ECERT_OK ||
	    ecert_qr_encode(doc, &out, &err) != ECERT_OK) {
		rc = fail(&err);
		goto out;
	}
	printf("%s\n", (const char *)out.data);
	rc = 0;
out:
	cJSON_Delete(doc);
	ecert_buf_free(&in);
	ecert_buf_free(&out);
	return rc;
}

static int cmd_png(int argc, char **argv)
{
	struct ecert_error err;
	struct ecert_buf in = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	struct ecert_qrimage_opts opts = {0, 0};
	int rc = 1;

	if (argc != 2)
		return usage();
	ecert_error_clear(&err);
	if (read_stdin(&in, &err) != ECERT_OK) {
		rc = fail(&err);
		goto out;
	}
	while (in.len && (in.data[in.len - 1] == '\n' || in.data[in.len - 1] == '\r'))
		in.len--;
	if (ecert_qrimage_png((const char *)in.data, in.len, &opts, &out, &err) != ECERT_OK ||
	    ecert_file_write_atomic(argv[1], out.data, out.len, 0644, 0, &err) != ECERT_OK) {
		rc = fail(&err);
		goto out;
	}
	rc = 0;
out:
	ecert_buf_free(&in);
	ecert_buf_free(&out);
	return rc;
}

static int cmd_set(int argc, char **argv)
{
	struct ecert_error err;
	struct ecert_buf in = ECERT_BUF_INIT;
	cJSON *doc = NULL, *obj;
	char *path = NULL, *name, *dot;
	int rc = 1;

	if (argc != 3)
		return usage();
	ecert_error_clear(&err);
	if (read_stdin(&in, &err) != ECERT_OK ||
	    ecert_json_parse((const char *)in.data, in.len, NULL, &doc, &err) != ECERT_OK) {
		rc = fail(&err);
		goto out;
	}
	path = ecert_strdup(argv[1]);
	if (!path)
		goto out;
	obj = doc;
	name = path;
	while ((dot = strchr(name, '.')) != NULL) {
		*dot = '\0';
		obj = object_at(obj, name);
		if (!obj)
			goto out;
		name = dot + 1;
	}
	if (set_string(obj, name, argv[2]) != 0)
		goto out;
	rc = print_json(doc);
out:
	ecert_free(path);
	cJSON_Delete(doc);
	ecert_buf_free(&in);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2 || ecert_init() != 0)
		return usage();
	if (strcmp(argv[1], "sign") == 0)
		return cmd_sign(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "qr") == 0)
		return cmd_qr();
	if (strcmp(argv[1], "png") == 0)
		return cmd_png(argc - 1, argv + 1);
	if (strcmp(argv[1], "set") == 0)
		return cmd_set(argc - 1, argv + 1);
	return usage();
}
