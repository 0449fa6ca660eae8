/* ecert-testtool — small checks for the end-to-end tests, built on the library (test only,
 * not installed):
 *
 *   ecert-testtool qrdecode            QR text on stdin → the JSON bytes it carries
 *   ecert-testtool jcs FILE            the JCS form of a JSON file
 *   ecert-testtool verify FILE PUB     exit 0 if FILE's proof verifies with public key PUB
 *   ecert-testtool statusbit LIST INDEX [PUB]
 *                                      print bit INDEX (0/1) of a status list credential
 *                                      (its proof verified with PUB when given)
 *   ecert-testtool holder FILE ID      exit 0 if FILE's idDigest belongs to ID number ID
 *   ecert-testtool get FILE PATH       print a string member (dot path, e.g. proof.created)
 *
 * Exit status: 0 yes/done, 1 no/invalid, 2 usage or unreadable input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/file.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/qrpayload.h"
#include "ecert/statuslist.h"

#define TOOL_INPUT_MAX ((size_t)1 << 20)
#define TOOL_PATH_MAX 256

static int fail(const struct ecert_error *err, int status)
{
	fprintf(stderr, "ecert-testtool: %s: %s\n", err->where, err->msg);
	return status;
}

static int load(const char *path, cJSON **doc, struct ecert_error *err)
{
	struct ecert_json_limits lim = {ECERT_STATUSLIST_ENCODED_MAX + TOOL_INPUT_MAX, 0};

	return ecert_json_parse_file(path, &lim, doc, err);
}

static int cmd_qrdecode(struct ecert_error *err)
{
	struct ecert_buf in = ECERT_BUF_INIT, out = ECERT_BUF_INIT;
	int rc = ecert_file_read("-", TOOL_INPUT_MAX, &in, err);

	if (rc == ECERT_OK)
		rc = ecert_qr_decode((const char *)in.data, in.len, &out, err);
	if (rc == ECERT_OK && fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = ECERT_ERR_IO;
	ecert_buf_free(&in);
	ecert_buf_free(&out);
	return rc == ECERT_OK ? 0 : fail(err, 1);
}

static int cmd_jcs(const char *path, struct ecert_error *err)
{
	struct ecert_buf out = ECERT_BUF_INIT;
	cJSON *doc = NULL;
	int rc = load(path, &doc, err);

	if (rc == ECERT_OK)
		rc = ecert_jcs_serialize(doc, &out, err);
	if (rc == ECERT_OK && fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = ECERT_ERR_IO;
	cJSON_Delete(doc);
	ecert_buf_free(&out);
	return rc == ECERT_OK ? 0 : fail(err, 2);
}

static int cmd_verify(const char *path, const char *pub, struct ecert_error *err)
{
	EVP_PKEY *key = NULL;
	cJSON *doc = NULL;
	int rc = load(path, &doc, err);

	if (rc == ECERT_OK)
		rc = ecert_key_load_public(pub, &key, err);
	if (rc == ECERT_OK)
		rc = ecert_proof_verify(doc, key, err);
	cJSON_Delete(doc);
	EVP_PKEY_free(key);
	return rc == ECERT_OK ? 0 : fail(err, 1);
}

static int cmd_statusbit(const char *path, const char *index, const char *pub,
			 struct ecert_error *err)
{
	struct ecert_statuslist *sl = NULL;
	EVP_PKEY *key = NULL;
	cJSON *doc = NULL;
	int rc = load(path, &doc, err), bit = 0;

	if (rc == ECERT_OK && pub) {
		rc = ecert_key_load_public(pub, &key, err);
		if (rc == ECERT_OK)
			rc = ecert_proof_verify(doc, key, err);
	}
	if (rc == ECERT_OK)
		rc = ecert_statuslist_decode(doc, &sl, err);
	if (rc == ECERT_OK)
		rc = ecert_statuslist_get(sl, strtoull(index, NULL, 10), &bit, err);
	if (rc == ECERT_OK)
		printf("%d\n", bit);
	ecert_statuslist_free(sl);
	cJSON_Delete(doc);
	EVP_PKEY_free(key);
	return rc == ECERT_OK ? 0 : fail(err, 1);
}

static const cJSON *at(const cJSON *doc, const char *path)
{
	char copy[TOOL_PATH_MAX], *save = NULL, *tok;
	const cJSON *v = doc;

	snprintf(copy, sizeof(copy), "%s", path);
	for (tok = strtok_r(copy, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
		v = cJSON_GetObjectItemCaseSensitive(v, tok);
	return v;
}

static int cmd_holder(const char *path, const char *id, struct ecert_error *err)
{
	cJSON *doc = NULL;
	int rc = load(path, &doc, err);

	if (rc == ECERT_OK)
		rc = ecert_idnum_digest_match(
		    cJSON_GetStringValue(at(doc, "credentialSubject.idDigest")), id, err);
	cJSON_Delete(doc);
	return rc == ECERT_OK ? 0 : fail(err, 1);
}

static int cmd_get(const char *path, const char *member, struct ecert_error *err)
{
	cJSON *doc = NULL;
	const char *s;
	int rc = load(path, &doc, err);

	if (rc != ECERT_OK)
		return fail(err, 2);
	s = cJSON_GetStringValue(at(doc, member));
	if (s)
		printf("%s\n", s);
	cJSON_Delete(doc);
	return s ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct ecert_error err;

	ecert_error_clear(&err);
	if (ecert_init() != ECERT_OK)
		return 2;
	if (argc == 2 && strcmp(argv[1], "qrdecode") == 0)
		return cmd_qrdecode(&err);
	if (argc == 3 && strcmp(argv[1], "jcs") == 0)
		return cmd_jcs(argv[2], &err);
	if (argc == 4 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argv[2], argv[3], &err);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "statusbit") == 0)
		return cmd_statusbit(argv[2], argv[3], argc == 5 ? argv[4] : NULL, &err);
	if (argc == 4 && strcmp(argv[1], "holder") == 0)
		return cmd_holder(argv[2], argv[3], &err);
	if (argc == 4 && strcmp(argv[1], "get") == 0)
		return cmd_get(argv[2], argv[3], &err);
	fprintf(stderr, "usage: ecert-testtool qrdecode | jcs FILE | verify FILE PUB | "
			"statusbit LIST INDEX [PUB] | holder FILE ID | get FILE PATH\n");
	return 2;
}
