/* testkit — TEST-ONLY helper of the counter service's end-to-end tests (not installed):
 * makes the tampered fixtures that no real program should make.
 *
 *   testkit qr < signed.json > qr.txt        the QR text of a document, as issued (DESIGN §5)
 *   testkit set PATH STRING < doc.json       set a string member (PATH: a.b.c) and print the
 *                                            document, its proof left as it was
 *
 * Exit status: 0 done, 1 failure, 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/file.h"
#include "ecert/json.h"
#include "ecert/qrpayload.h"

#define TK_PROG "testkit"

static int fail(const struct ecert_error *err)
{
	fprintf(stderr, "%s: error: %s%s%s\n", TK_PROG, err->where, err->where[0] ? ": " : "",
	        err->msg[0] ? err->msg : ecert_strerror(err->code));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s qr|set … (see tests/tools/testkit.c)\n", TK_PROG);
	return 2;
}

static int read_stdin(struct ecert_buf *b, struct ecert_error *err)
{
	return ecert_file_read("-", ECERT_JSON_MAX_BYTES, b, err);
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
	if (strcmp(argv[1], "qr") == 0)
		return cmd_qr();
	if (strcmp(argv[1], "set") == 0)
		return cmd_set(argc - 1, argv + 1);
	return usage();
}
