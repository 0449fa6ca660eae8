/* ecert — the trust list, verify side (DESIGN §4, docs/trustlist.md).
 *
 * Order of work when loading: strict JSON, then the root proof (so that a list edited
 * after signing or signed by another key is always ECERT_ERR_TRUST, whatever the edit),
 * then the schema, then what the schema cannot say. Only then are the entries copied
 * into C structures; the cJSON tree is not kept. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/schema.h"
#include "ecert/trustlist.h"
#include "trustlist_internal.h"
#include "utf8clip.h"

#define KIND_TITLE_BIT 1u
#define KIND_SKILL_BIT 2u

struct ecert_trust_entry {
	char kid[ECERT_KID_LEN + 1];
	char *suite;
	EVP_PKEY *key;
	char *issuer_id;
	char *issuer_name;
	int64_t valid_from;
	int64_t valid_until;
	int has_valid_until;
	enum ecert_key_status status;
	int64_t since;
	unsigned kinds;
	char **series;
	size_t n_series;
	char **occupations;
	size_t n_occupations;
};

struct trust_issuer {
	const char *id;   /* borrowed from an entry */
	const char *name; /* borrowed from an entry */
};

struct ecert_trustlist {
	char *id;
	long version;
	int64_t issued;
	char *issued_text;
	char root_kid[ECERT_KID_LEN + 1];
	struct ecert_trust_entry *entries;
	size_t n;
	struct trust_issuer *issuers;
	size_t n_issuers;
};

static void entry_clear(struct ecert_trust_entry *e)
{
	size_t i;

	ecert_free(e->suite);
	EVP_PKEY_free(e->key);
	ecert_free(e->issuer_id);
	ecert_free(e->issuer_name);
	for (i = 0; i < e->n_series; i++)
		ecert_free(e->series[i]);
	ecert_free(e->series);
	for (i = 0; i < e->n_occupations; i++)
		ecert_free(e->occupations[i]);
	ecert_free(e->occupations);
	memset(e, 0, sizeof(*e));
}

void ecert_trustlist_free(struct ecert_trustlist *tl)
{
	size_t i;

	if (!tl)
		return;
	for (i = 0; i < tl->n; i++)
		entry_clear(&tl->entries[i]);
	ecert_free(tl->entries);
	ecert_free(tl->issuers);
	ecert_free(tl->id);
	ecert_free(tl->issued_text);
	ecert_free(tl);
}

/* ---- checks on the signed document --------------------------------------------- */

static int bad_shape(struct ecert_error *err, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad_shape(struct ecert_error *err, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)ecert_vfail(err, ECERT_ERR_SCHEMA, fmt, ap);
	va_end(ap);
	ecert_error_where(err, "%s", where);
	return ECERT_ERR_SCHEMA;
}

/* The members that must be right before the proof can be checked at all. */
static int check_root(const cJSON *doc, EVP_PKEY *root, char root_kid[ECERT_KID_LEN + 1],
                      struct ecert_error *err)
{
	const cJSON *r, *proof;
	const char *kid, *suite, *vm, *purpose;
	const char *root_suite;
	char want_vm[ECERT_TRUSTLIST_ROOT_VM_SIZE];
	int rc;

	if (!cJSON_IsObject(doc))
		return ecert_fail(err, ECERT_ERR_TRUST, "a trust list is a JSON object");
	rc = ecert_key_kid(root, root_kid, err);
	if (rc != ECERT_OK)
		return rc;
	root_suite = ecert_suite_name(ecert_key_alg(root));
	if (!root_suite)
		return ecert_fail(err, ECERT_ERR_KEY,
		                  "the configured root key is of no known type");
	r = ecert_json_obj(doc, "root");
	kid = ecert_json_str(r, "kid");
	suite = ecert_json_str(r, "cryptosuite");
	if (!kid || !suite) {
		ecert_error_where(err, "root");
		return ecert_fail(err, ECERT_ERR_TRUST,
		                  "expected root {\"kid\", \"cryptosuite\"} naming the root key");
	}
	if (strcmp(kid, root_kid) != 0) {
		ecert_error_where(err, "root.kid");
		return ecert_fail(err, ECERT_ERR_TRUST,
		                  "the list names root key %.*s; the configured root key is %s",
		                  utf8_clip(kid, 40), kid, root_kid);
	}
	if (strcmp(suite, root_suite) != 0) {
		ecert_error_where(err, "root.cryptosuite");
		return ecert_fail(err, ECERT_ERR_TRUST,
		                  "the list says %.*s; the configured root key is %s",
		                  utf8_clip(suite, 40), suite, root_suite);
	}
	proof = ecert_json_obj(doc, "proof");
	if (!proof) {
		ecert_error_where(err, "proof");
		return ecert_fail(err, ECERT_ERR_TRUST, "the trust list is not signed (no proof)");
	}
	snprintf(want_vm, sizeof(want_vm), "%s%s", ECERT_TRUSTLIST_ROOT_VM, root_kid);
	vm = ecert_json_str(proof, "verificationMethod");
	if (!vm || strcmp(vm, want_vm) != 0) {
		ecert_error_where(err, "proof.verificationMethod");
		return ecert_fail(err, ECERT_ERR_TRUST, "expected \"%s\", the configured root key",
		                  want_vm);
	}
	suite = ecert_json_str(proof, "cryptosuite");
	if (!suite || strcmp(suite, root_suite) != 0) {
		ecert_error_where(err, "proof.cryptosuite");
		return ecert_fail(err, ECERT_ERR_TRUST, "expected %s, the root key's suite",
		                  root_suite);
	}
	purpose = ecert_json_str(proof, "proofPurpose");
	if (!purpose || strcmp(purpose, "assertionMethod") != 0) {
		ecert_error_where(err, "proof.proofPurpose");
		return ecert_fail(err, ECERT_ERR_TRUST, "expected \"assertionMethod\"");
	}
	return ECERT_OK;
}

static int verify_root_proof(const cJSON *doc, EVP_PKEY *root, struct ecert_error *err)
{
	char why[ECERT_ERR_MSG_MAX / 2];
	int rc = ecert_proof_verify(doc, root, err);

	if (rc == ECERT_OK || rc == ECERT_ERR_NOMEM)
		return rc;
	/* Whatever made the proof fail (altered content, another key, a mangled
	 * proofValue), the list is not the one the root signed. */
	const char *cause = err && err->msg[0] ? err->msg : ecert_strerror(rc);

	snprintf(why, sizeof(why), "%.*s", utf8_clip(cause, (int)sizeof(why) - 1), cause);
	ecert_error_where(err, "proof");
	return ecert_fail(err, ECERT_ERR_TRUST,
	                  "the root signature does not verify (%s): the list was changed after "
	                  "signing or signed by another key",
	                  why);
}

int ecert_occupation_prefix_match(const char *prefix, const char *code)
{
	size_t n;

	if (!prefix || !code)
		return 0;
	n = strlen(prefix);
	if (n == 0 || strncmp(prefix, code, n) != 0)
		return 0;
	return code[n] == '\0' || code[n] == '-';
}

static int copy_str(const char *s, char **out, struct ecert_error *err)
{
	*out = ecert_strdup(s);
	if (!*out)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	return ECERT_OK;
}

static int parse_time(const cJSON *obj, const char *key, const char *where, int64_t *t,
                      int *present, struct ecert_error *err)
{
	const char *s = ecert_json_str(obj, key);

	if (present)
		*present = s != NULL;
	if (!s) {
		if (present && !cJSON_GetObjectItemCaseSensitive(obj, key))
			return ECERT_OK;
		return bad_shape(err, where, "expected an RFC 3339 date-time");
	}
	if (ecert_time_parse(s, t, NULL) != ECERT_OK)
		return bad_shape(err, where,
		                 "expected an RFC 3339 date-time with offset, found \"%.*s\"",
		                 utf8_clip(s, 40), s);
	return ECERT_OK;
}

/* A list of strings (series, occupations): non-empty, bounded, no duplicates (which the
 * schema cannot say). Their form is the schema's business. */
static int copy_str_array(const cJSON *arr, const char *where, size_t max, char ***out,
                          size_t *n_out, struct ecert_error *err)
{
	const cJSON *it;
	size_t n = 0, i, j;
	char **v;
	int rc;

	n = (size_t)cJSON_GetArraySize(arr);
	if (n == 0 || n > max) {
		ecert_error_where(err, "%s", where);
		return ecert_fail(err, ECERT_ERR_SCHEMA, "expected 1 to %zu entries, found %zu",
		                  max, n);
	}
	v = ecert_calloc(n, sizeof(*v));
	if (!v)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	*out = v;
	*n_out = 0;
	i = 0;
	cJSON_ArrayForEach(it, arr)
	{
		if (!cJSON_IsString(it) || !it->valuestring[0]) {
			ecert_error_where(err, "%s[%zu]", where, i);
			return ecert_fail(err, ECERT_ERR_SCHEMA, "expected a non-empty string");
		}
		for (j = 0; j < i; j++) {
			if (strcmp(v[j], it->valuestring) == 0) {
				ecert_error_where(err, "%s[%zu]", where, i);
				return ecert_fail(err, ECERT_ERR_SCHEMA, "\"%.*s\" is listed twice",
				                  utf8_clip(it->valuestring, 64), it->valuestring);
			}
		}
		rc = copy_str(it->valuestring, &v[i], err);
		if (rc != ECERT_OK)
			return rc;
		*n_out = ++i;
	}
	return ECERT_OK;
}

static int parse_kinds(const cJSON *arr, const char *where, unsigned *kinds,
                       struct ecert_error *err)
{
	const cJSON *it;
	unsigned bit;
	size_t i = 0;

	*kinds = 0;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1)
		return bad_shape(err, where, "expected a non-empty array of \"title\"/\"skill\"");
	cJSON_ArrayForEach(it, arr)
	{
		if (cJSON_IsString(it) && strcmp(it->valuestring, ECERT_KIND_TITLE) == 0) {
			bit = KIND_TITLE_BIT;
		} else if (cJSON_IsString(it) && strcmp(it->valuestring, ECERT_KIND_SKILL) == 0) {
			bit = KIND_SKILL_BIT;
		} else {
			ecert_error_where(err, "%s[%zu]", where, i);
			return ecert_fail(err, ECERT_ERR_SCHEMA, "expected \"title\" or \"skill\"");
		}
		if (*kinds & bit) {
			ecert_error_where(err, "%s[%zu]", where, i);
			return ecert_fail(err, ECERT_ERR_SCHEMA, "\"%s\" is listed twice",
			                  it->valuestring);
		}
		*kinds |= bit;
		i++;
	}
	return ECERT_OK;
}

static int parse_entry_key(const cJSON *je, struct ecert_trust_entry *e, const char *where,
                           struct ecert_error *err)
{
	const char *pem = ecert_json_str(je, "publicKeyPem");
	const char *mb = ecert_json_str(je, "publicKeyMultibase");
	char kid[ECERT_KID_LEN + 1];
	int rc;

	if ((pem != NULL) == (mb != NULL))
		return bad_shape(err, where,
		                 "expected exactly one of publicKeyPem and publicKeyMultibase");
	rc = pem ? ecert_key_from_pem(pem, strlen(pem), &e->key, err)
	         : ecert_key_from_multikey(mb, &e->key, err);
	if (rc != ECERT_OK) {
		if (rc == ECERT_ERR_NOMEM)
			return rc;
		ecert_error_where(err, "%s.%s", where, pem ? "publicKeyPem" : "publicKeyMultibase");
		if (err)
			err->code = ECERT_ERR_SCHEMA;
		return ECERT_ERR_SCHEMA;
	}
	if (ecert_suite_alg(e->suite) != ecert_key_alg(e->key)) {
		ecert_error_where(err, "%s.cryptosuite", where);
		return ecert_fail(err, ECERT_ERR_SCHEMA, "%s does not go with the entry's %s key",
		                  e->suite, ecert_alg_name(ecert_key_alg(e->key)));
	}
	rc = ecert_key_kid(e->key, kid, err);
	if (rc != ECERT_OK)
		return rc;
	if (strcmp(kid, e->kid) != 0) {
		ecert_error_where(err, "%s.kid", where);
		return ecert_fail(err, ECERT_ERR_SCHEMA,
		                  "the entry says %s but its public key's kid is %s", e->kid, kid);
	}
	return ECERT_OK;
}

static int parse_entry(const cJSON *je, size_t idx, struct ecert_trust_entry *e,
                       struct ecert_error *err)
{
	char where[48];
	char sub[96];
	const cJSON *issuer, *scope, *arr;
	const char *s;
	int rc, has_since;

	snprintf(where, sizeof(where), "entries[%zu]", idx);
	if (!cJSON_IsObject(je))
		return bad_shape(err, where, "expected an object");

	s = ecert_json_str(je, "kid");
	if (!s || strlen(s) != ECERT_KID_LEN)
		return bad_shape(err, where, "expected kid, 11 characters of base64url");
	memcpy(e->kid, s, ECERT_KID_LEN + 1);

	s = ecert_json_str(je, "cryptosuite");
	if (!s || ecert_suite_alg(s) == ECERT_ALG_NONE) {
		snprintf(sub, sizeof(sub), "%s.cryptosuite", where);
		return bad_shape(err, sub, "expected %s",
		                 ECERT_SUITE_SM2 ", " ECERT_SUITE_EDDSA " or " ECERT_SUITE_ECDSA);
	}
	rc = copy_str(s, &e->suite, err);
	if (rc != ECERT_OK)
		return rc;
	rc = parse_entry_key(je, e, where, err);
	if (rc != ECERT_OK)
		return rc;

	issuer = ecert_json_obj(je, "issuer");
	if (!ecert_json_str(issuer, "id") || !ecert_json_str(issuer, "name")) {
		snprintf(sub, sizeof(sub), "%s.issuer", where);
		return bad_shape(err, sub, "expected {\"id\": \"urn:uscc:…\", \"name\": …}");
	}
	rc = copy_str(ecert_json_str(issuer, "id"), &e->issuer_id, err);
	if (rc == ECERT_OK)
		rc = copy_str(ecert_json_str(issuer, "name"), &e->issuer_name, err);
	if (rc != ECERT_OK)
		return rc;

	snprintf(sub, sizeof(sub), "%s.validFrom", where);
	rc = parse_time(je, "validFrom", sub, &e->valid_from, NULL, err);
	if (rc != ECERT_OK)
		return rc;
	snprintf(sub, sizeof(sub), "%s.validUntil", where);
	rc = parse_time(je, "validUntil", sub, &e->valid_until, &e->has_valid_until, err);
	if (rc != ECERT_OK)
		return rc;
	if (e->has_valid_until && e->valid_until <= e->valid_from)
		return bad_shape(err, sub, "expected a time after validFrom");

	s = ecert_json_str(je, "status");
	snprintf(sub, sizeof(sub), "%s.status", where);
	if (s && strcmp(s, "active") == 0)
		e->status = ECERT_KEY_ACTIVE;
	else if (s && strcmp(s, "retired") == 0)
		e->status = ECERT_KEY_RETIRED;
	else if (s && strcmp(s, "compromised") == 0)
		e->status = ECERT_KEY_COMPROMISED;
	else
		return bad_shape(err, sub, "expected \"active\", \"retired\" or \"compromised\"");
	snprintf(sub, sizeof(sub), "%s.since", where);
	rc = parse_time(je, "since", sub, &e->since, &has_since, err);
	if (rc != ECERT_OK)
		return rc;
	if (has_since != (e->status != ECERT_KEY_ACTIVE))
		return bad_shape(err, sub, "%s",
		                 has_since ? "an active key has no since"
		                           : "a retired or compromised key needs since");

	scope = ecert_json_obj(je, "scope");
	snprintf(sub, sizeof(sub), "%s.scope", where);
	if (!scope)
		return bad_shape(err, sub, "expected {\"kinds\": [...], ...}");
	snprintf(sub, sizeof(sub), "%s.scope.kinds", where);
	rc = parse_kinds(ecert_json_arr(scope, "kinds"), sub, &e->kinds, err);
	if (rc != ECERT_OK)
		return rc;
	snprintf(sub, sizeof(sub), "%s.scope.series", where);
	arr = cJSON_GetObjectItemCaseSensitive(scope, "series");
	if (arr) {
		if (!cJSON_IsArray(arr))
			return bad_shape(err, sub, "expected an array of series names");
		if (!(e->kinds & KIND_TITLE_BIT))
			return bad_shape(err, sub, "series limit title keys; kinds has no title");
		rc = copy_str_array(arr, sub, ECERT_TRUSTLIST_SERIES_MAX, &e->series, &e->n_series,
		                    err);
		if (rc != ECERT_OK)
			return rc;
	}
	snprintf(sub, sizeof(sub), "%s.scope.occupations", where);
	arr = cJSON_GetObjectItemCaseSensitive(scope, "occupations");
	if (arr) {
		if (!cJSON_IsArray(arr))
			return bad_shape(err, sub, "expected an array of occupation codes");
		if (!(e->kinds & KIND_SKILL_BIT))
			return bad_shape(err, sub,
			                 "occupations limit skill keys; kinds has no skill");
		rc = copy_str_array(arr, sub, ECERT_TRUSTLIST_OCCUPATIONS_MAX, &e->occupations,
		                    &e->n_occupations, err);
		if (rc != ECERT_OK)
			return rc;
	}
	return ECERT_OK;
}

static int parse_header(const cJSON *doc, struct ecert_trustlist *tl, struct ecert_error *err)
{
	const cJSON *v;
	const char *s;
	int rc;

	/* @context, type and the id's form: the schema has checked them */
	s = ecert_json_str(doc, "id");
	if (!s)
		return bad_shape(err, "id", "expected a string");
	rc = copy_str(s, &tl->id, err);
	if (rc != ECERT_OK)
		return rc;
	v = cJSON_GetObjectItemCaseSensitive(doc, "version");
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 1) ||
	    !(v->valuedouble <= ECERT_TRUSTLIST_VERSION_MAX) ||
	    (double)(long)v->valuedouble != v->valuedouble)
		return bad_shape(err, "version", "expected an integer from 1 to 2147483647");
	tl->version = (long)v->valuedouble;
	rc = parse_time(doc, "issued", "issued", &tl->issued, NULL, err);
	if (rc != ECERT_OK)
		return rc;
	return copy_str(ecert_json_str(doc, "issued"), &tl->issued_text, err);
}

static int collect_issuers(struct ecert_trustlist *tl, struct ecert_error *err)
{
	size_t i, j;

	if (tl->n == 0)
		return ECERT_OK;
	tl->issuers = ecert_calloc(tl->n, sizeof(*tl->issuers));
	if (!tl->issuers)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	for (i = 0; i < tl->n; i++) {
		for (j = 0; j < tl->n_issuers; j++)
			if (strcmp(tl->issuers[j].id, tl->entries[i].issuer_id) == 0)
				break;
		if (j < tl->n_issuers)
			continue;
		tl->issuers[tl->n_issuers].id = tl->entries[i].issuer_id;
		tl->issuers[tl->n_issuers].name = tl->entries[i].issuer_name;
		tl->n_issuers++;
	}
	return ECERT_OK;
}

static int parse_entries(const cJSON *doc, struct ecert_trustlist *tl, struct ecert_error *err)
{
	const cJSON *arr = ecert_json_arr(doc, "entries"), *je;
	size_t n, i, j;
	int rc;

	if (!arr)
		return bad_shape(err, "entries", "expected an array (possibly empty)");
	n = (size_t)cJSON_GetArraySize(arr);
	if (n > ECERT_TRUSTLIST_ENTRIES_MAX) {
		ecert_error_where(err, "entries");
		return ecert_fail(err, ECERT_ERR_SCHEMA, "more than %d entries",
		                  ECERT_TRUSTLIST_ENTRIES_MAX);
	}
	if (n) {
		tl->entries = ecert_calloc(n, sizeof(*tl->entries));
		if (!tl->entries)
			return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
	i = 0;
	cJSON_ArrayForEach(je, arr)
	{
		/* counted first so that a half-filled entry is freed too */
		tl->n = i + 1;
		rc = parse_entry(je, i, &tl->entries[i], err);
		if (rc != ECERT_OK)
			return rc;
		if (strcmp(tl->entries[i].kid, tl->root_kid) == 0) {
			ecert_error_where(err, "entries[%zu].kid", i);
			return ecert_fail(err, ECERT_ERR_SCHEMA,
			                  "the root key cannot also be an issuer key");
		}
		for (j = 0; j < i; j++) {
			if (strcmp(tl->entries[j].kid, tl->entries[i].kid) == 0) {
				ecert_error_where(err, "entries[%zu].kid", i);
				return ecert_fail(err, ECERT_ERR_SCHEMA,
				                  "kid %s is already listed at entries[%zu]",
				                  tl->entries[i].kid, j);
			}
		}
		i++;
	}
	return collect_issuers(tl, err);
}

/* Everything after the root proof: schema, header, entries. root_kid may be NULL (the
 * issuer's local load, trustlist_internal.h). */
static int build(const cJSON *doc, const char *root_kid, struct ecert_trustlist **out,
                 struct ecert_error *err)
{
	struct ecert_trustlist *tl = NULL;
	int rc;

	rc = ecert_schema_validate_named(ECERT_TRUSTLIST_SCHEMA, doc, err);
	if (rc != ECERT_OK)
		goto out;
	tl = ecert_calloc(1, sizeof(*tl));
	if (!tl) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (root_kid) {
		memcpy(tl->root_kid, root_kid, sizeof(tl->root_kid));
	} else {
		const char *k = ecert_json_str(ecert_json_obj(doc, "root"), "kid");

		snprintf(tl->root_kid, sizeof(tl->root_kid), "%s", k ? k : "");
	}
	rc = parse_header(doc, tl, err);
	if (rc != ECERT_OK)
		goto out;
	rc = parse_entries(doc, tl, err);
	if (rc != ECERT_OK)
		goto out;
	*out = tl;
	tl = NULL;
	rc = ECERT_OK;
out:
	ecert_trustlist_free(tl);
	return rc;
}

int ecert_trustlist_from_json(const cJSON *doc, EVP_PKEY *root, struct ecert_trustlist **out,
                              struct ecert_error *err)
{
	char root_kid[ECERT_KID_LEN + 1];
	int rc;

	if (!doc || !root || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no trust list or no root key");
	rc = check_root(doc, root, root_kid, err);
	if (rc != ECERT_OK)
		return rc;
	rc = verify_root_proof(doc, root, err);
	if (rc != ECERT_OK)
		return rc;
	/* Signed by the root: from here on a problem is the shape, not the trust. */
	return build(doc, root_kid, out, err);
}

int ecert_trustlist_from_json_unverified(const cJSON *doc, struct ecert_trustlist **out,
                                         struct ecert_error *err)
{
	if (!doc || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no trust list");
	return build(doc, NULL, out, err);
}

int ecert_trustlist_load_mem(const char *text, size_t len, EVP_PKEY *root,
                             struct ecert_trustlist **out, struct ecert_error *err)
{
	struct ecert_json_limits lim = {ECERT_TRUSTLIST_MAX_BYTES, 0};
	cJSON *doc = NULL;
	int rc;

	if (!text)
		return ecert_fail(err, ECERT_ERR_ARG, "no trust list text");
	rc = ecert_json_parse(text, len, &lim, &doc, err);
	if (rc == ECERT_OK)
		rc = ecert_trustlist_from_json(doc, root, out, err);
	cJSON_Delete(doc);
	return rc;
}

int ecert_trustlist_load(const char *path, EVP_PKEY *root, struct ecert_trustlist **out,
                         struct ecert_error *err)
{
	struct ecert_json_limits lim = {ECERT_TRUSTLIST_MAX_BYTES, 0};
	cJSON *doc = NULL;
	int rc;

	if (!path)
		return ecert_fail(err, ECERT_ERR_ARG, "no trust list file");
	rc = ecert_json_parse_file(path, &lim, &doc, err);
	if (rc == ECERT_OK) {
		rc = ecert_trustlist_from_json(doc, root, out, err);
		if (rc != ECERT_OK)
			ecert_error_prefix(err, "%s", path);
	}
	cJSON_Delete(doc);
	return rc;
}

/* ---- getters ------------------------------------------------------------------- */

const char *ecert_trustlist_id(const struct ecert_trustlist *tl)
{
	return tl->id;
}

long ecert_trustlist_version(const struct ecert_trustlist *tl)
{
	return tl->version;
}

int64_t ecert_trustlist_issued(const struct ecert_trustlist *tl)
{
	return tl->issued;
}

const char *ecert_trustlist_issued_text(const struct ecert_trustlist *tl)
{
	return tl->issued_text;
}

const char *ecert_trustlist_root_kid(const struct ecert_trustlist *tl)
{
	return tl->root_kid;
}

size_t ecert_trustlist_count(const struct ecert_trustlist *tl)
{
	return tl->n;
}

const struct ecert_trust_entry *ecert_trustlist_entry(const struct ecert_trustlist *tl, size_t i)
{
	return i < tl->n ? &tl->entries[i] : NULL;
}

const struct ecert_trust_entry *ecert_trustlist_find(const struct ecert_trustlist *tl,
                                                     const char *kid)
{
	size_t i;

	if (!tl || !kid)
		return NULL;
	for (i = 0; i < tl->n; i++)
		if (strcmp(tl->entries[i].kid, kid) == 0)
			return &tl->entries[i];
	return NULL;
}

size_t ecert_trustlist_issuer_count(const struct ecert_trustlist *tl)
{
	return tl->n_issuers;
}

int ecert_trustlist_issuer(const struct ecert_trustlist *tl, size_t i, const char **id,
                           const char **name)
{
	if (i >= tl->n_issuers)
		return ECERT_ERR_ARG;
	if (id)
		*id = tl->issuers[i].id;
	if (name)
		*name = tl->issuers[i].name;
	return ECERT_OK;
}

const char *ecert_trust_entry_kid(const struct ecert_trust_entry *e)
{
	return e->kid;
}

const char *ecert_trust_entry_cryptosuite(const struct ecert_trust_entry *e)
{
	return e->suite;
}

EVP_PKEY *ecert_trust_entry_key(const struct ecert_trust_entry *e)
{
	return e->key;
}

const char *ecert_trust_entry_issuer_id(const struct ecert_trust_entry *e)
{
	return e->issuer_id;
}

const char *ecert_trust_entry_issuer_name(const struct ecert_trust_entry *e)
{
	return e->issuer_name;
}

int64_t ecert_trust_entry_valid_from(const struct ecert_trust_entry *e)
{
	return e->valid_from;
}

int ecert_trust_entry_valid_until(const struct ecert_trust_entry *e, int64_t *until)
{
	if (!e->has_valid_until)
		return 0;
	if (until)
		*until = e->valid_until;
	return 1;
}

enum ecert_key_status ecert_trust_entry_status(const struct ecert_trust_entry *e, int64_t *since)
{
	if (since)
		*since = e->status == ECERT_KEY_ACTIVE ? 0 : e->since;
	return e->status;
}

const char *ecert_key_status_name(enum ecert_key_status s)
{
	switch (s) {
	case ECERT_KEY_ACTIVE:
		return "active";
	case ECERT_KEY_RETIRED:
		return "retired";
	case ECERT_KEY_COMPROMISED:
		return "compromised";
	}
	return "unknown";
}

static unsigned kind_bit(const char *kind)
{
	if (!kind)
		return 0;
	if (strcmp(kind, ECERT_KIND_TITLE) == 0)
		return KIND_TITLE_BIT;
	if (strcmp(kind, ECERT_KIND_SKILL) == 0)
		return KIND_SKILL_BIT;
	return 0;
}

int ecert_trust_entry_has_kind(const struct ecert_trust_entry *e, const char *kind)
{
	unsigned bit = kind_bit(kind);

	return bit && (e->kinds & bit);
}

size_t ecert_trust_entry_series_count(const struct ecert_trust_entry *e)
{
	return e->n_series;
}

const char *ecert_trust_entry_series(const struct ecert_trust_entry *e, size_t i)
{
	return i < e->n_series ? e->series[i] : NULL;
}

size_t ecert_trust_entry_occupation_count(const struct ecert_trust_entry *e)
{
	return e->n_occupations;
}

const char *ecert_trust_entry_occupation(const struct ecert_trust_entry *e, size_t i)
{
	return i < e->n_occupations ? e->occupations[i] : NULL;
}

/* ---- the scope check ----------------------------------------------------------- */

/* Append "a, b, c" (the scope's items) to a message buffer, truncating quietly. */
static void join(char *out, size_t size, char *const *items, size_t n)
{
	size_t used = 0, i;
	int k;

	out[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		k = snprintf(out + used, size - used, "%s%s", i ? ", " : "", items[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	utf8_trim_tail(out);
}

static int check_kind(const struct ecert_trust_entry *e, const char *kind, const char *series,
                      const char *occupation, struct ecert_error *err)
{
	char list[ECERT_ERR_MSG_MAX / 2];
	unsigned bit = kind_bit(kind);
	size_t i;

	if (!(e->kinds & bit)) {
		ecert_error_where(err, "type");
		return ecert_fail(err, ECERT_ERR_SCOPE, "key %s may not sign %s certificates",
		                  e->kid, kind);
	}
	if (bit == KIND_TITLE_BIT && e->n_series) {
		for (i = 0; series && i < e->n_series; i++)
			if (strcmp(e->series[i], series) == 0)
				return ECERT_OK;
		join(list, sizeof(list), e->series, e->n_series);
		ecert_error_where(err, "credentialSubject.series");
		return ecert_fail(err, ECERT_ERR_SCOPE,
		                  "key %s may sign the series %s only, not \"%.*s\"", e->kid, list,
		                  utf8_clip(series, 64), series ? series : "");
	}
	if (bit == KIND_SKILL_BIT && e->n_occupations) {
		for (i = 0; occupation && i < e->n_occupations; i++)
			if (ecert_occupation_prefix_match(e->occupations[i], occupation))
				return ECERT_OK;
		join(list, sizeof(list), e->occupations, e->n_occupations);
		ecert_error_where(err, "credentialSubject.occupationCode");
		return ecert_fail(err, ECERT_ERR_SCOPE,
		                  "key %s may sign occupations %s only, not \"%.*s\"", e->kid, list,
		                  utf8_clip(occupation, 20), occupation ? occupation : "");
	}
	return ECERT_OK;
}

static int time_fail(struct ecert_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int time_fail(struct ecert_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)ecert_vfail(err, ECERT_ERR_SCOPE, fmt, ap);
	va_end(ap);
	ecert_error_where(err, "proof.created");
	return ECERT_ERR_SCOPE;
}

static int check_time(const struct ecert_trust_entry *e, int64_t created, int64_t now,
                      struct ecert_error *err)
{
	char c[26], t[26];

	ecert_time_format(created, 0, c);
	if (created > now && created - now > ECERT_CLOCK_SKEW) {
		ecert_time_format(now, 0, t);
		return time_fail(err,
		                 "signed at %s, later than this computer's clock (%s) allows "
		                 "(%d s skew)",
		                 c, t, ECERT_CLOCK_SKEW);
	}
	if (created < e->valid_from) {
		ecert_time_format(e->valid_from, 0, t);
		return time_fail(err, "signed at %s, before key %s became valid (%s)", c, e->kid,
		                 t);
	}
	if (e->has_valid_until && created > e->valid_until) {
		ecert_time_format(e->valid_until, 0, t);
		return time_fail(err, "signed at %s, after key %s expired (validUntil %s)", c,
		                 e->kid, t);
	}
	/* A retired key may have signed up to and including the moment it was retired;
	 * a compromised key's signatures from `since` on may be the thief's. */
	if (e->status == ECERT_KEY_RETIRED && created > e->since) {
		ecert_time_format(e->since, 0, t);
		return time_fail(err, "signed at %s, after key %s was retired (%s)", c, e->kid, t);
	}
	if (e->status == ECERT_KEY_COMPROMISED && created >= e->since) {
		ecert_time_format(e->since, 0, t);
		return time_fail(err, "signed at %s; key %s is compromised since %s", c, e->kid, t);
	}
	return ECERT_OK;
}

int ecert_trustlist_check(const struct ecert_trustlist *tl, const char *issuer_id, const char *kid,
                          const char *cryptosuite, const char *kind, const char *series,
                          const char *occupation_code, int64_t created, int64_t now,
                          struct ecert_error *err)
{
	const struct ecert_trust_entry *e;
	int rc = ECERT_ERR_SCOPE;

	if (!tl || !issuer_id || !kid || !cryptosuite || !kind_bit(kind))
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "trust check needs the list, issuer, kid, cryptosuite and kind "
		                  "(title or skill)");
	e = ecert_trustlist_find(tl, kid);
	if (!e) {
		ecert_error_where(err, "proof.verificationMethod");
		return ecert_fail(err, ECERT_ERR_TRUST,
		                  "key %.*s is not in the trust list (version %ld)",
		                  utf8_clip(kid, 20), kid, tl->version);
	}
	if (strcmp(e->issuer_id, issuer_id) != 0) {
		ecert_error_where(err, "issuer.id");
		return ecert_fail(err, ECERT_ERR_TRUST, "key %s belongs to %.*s (%s), not to %.*s",
		                  e->kid, utf8_clip(e->issuer_name, 120), e->issuer_name,
		                  e->issuer_id, utf8_clip(issuer_id, 40), issuer_id);
	}
	if (strcmp(e->suite, cryptosuite) != 0) {
		ecert_error_where(err, "proof.cryptosuite");
		return ecert_fail(err, ECERT_ERR_TRUST,
		                  "the proof says %.*s; key %s is listed for %s",
		                  utf8_clip(cryptosuite, 40), cryptosuite, e->kid, e->suite);
	}
	rc = check_kind(e, kind, series, occupation_code, err);
	if (rc != ECERT_OK)
		return rc;
	return check_time(e, created, now, err);
}
