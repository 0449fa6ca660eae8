/* ecert — building and changing the trust list, sign side (docs/trustlist.md). */
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"
#include "ecert/domain.h"
#include "ecert/file.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/sign.h"
#include "ecert/trustedit.h"
#include "ecert/uscc.h"
#include "../utf8clip.h"

#define ID_SIZE (sizeof(ECERT_TRUSTLIST_ID_PREFIX) - 1 + ECERT_TRUSTLIST_NAME_MAX + 1)
#define TIME_TEXT_SIZE 26
/* U+3000 IDEOGRAPHIC SPACE, which Chinese input methods produce */
#define IDEOGRAPHIC_SPACE 0x3000

struct ecert_trustedit {
	cJSON *doc;
	EVP_PKEY *root;
	char root_kid[ECERT_KID_LEN + 1];
	int committed; /* doc is signed and unchanged since */
};

void ecert_trustedit_free(struct ecert_trustedit *ed)
{
	if (!ed)
		return;
	cJSON_Delete(ed->doc);
	EVP_PKEY_free(ed->root);
	ecert_free(ed);
}

static int nomem(struct ecert_error *err)
{
	return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
}

static int session_new(EVP_PKEY *root, struct ecert_trustedit **out, struct ecert_error *err)
{
	struct ecert_trustedit *ed = ecert_calloc(1, sizeof(*ed));
	int rc;

	if (!ed)
		return nomem(err);
	rc = ecert_key_kid(root, ed->root_kid, err);
	if (rc == ECERT_OK && !ecert_suite_name(ecert_key_alg(root)))
		rc = ecert_fail(err, ECERT_ERR_KEY, "the root key is of no known type");
	if (rc == ECERT_OK && EVP_PKEY_up_ref(root) != 1)
		rc = ecert_fail(err, ECERT_ERR_CRYPTO, "cannot take a reference to the root key");
	if (rc != ECERT_OK) {
		ecert_free(ed);
		return rc;
	}
	ed->root = root;
	*out = ed;
	return ECERT_OK;
}

static int name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > ECERT_TRUSTLIST_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == ':' || c == '-'))
			return 0;
	}
	return 1;
}

/* Add a string member; 0 on out-of-memory. */
static int put_str(cJSON *obj, const char *key, const char *value)
{
	return cJSON_AddStringToObject(obj, key, value) != NULL;
}

/* Add `item` (may be NULL: a failed creation) as obj[key]; 0 on failure, and then the
 * item is freed (cJSON_AddItemToObject leaves it to the caller when copying the key
 * fails). */
static int put_item(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return 0;
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return 0;
	}
	return 1;
}

static cJSON *str_array(const char *const *items, size_t n)
{
	cJSON *a = cJSON_CreateArray(), *s;
	size_t i;

	for (i = 0; a && i < n; i++) {
		s = cJSON_CreateString(items[i]);
		if (!s || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

int ecert_trustedit_new(EVP_PKEY *root, const char *name, struct ecert_trustedit **out,
                        struct ecert_error *err)
{
	struct ecert_trustedit *ed = NULL;
	const char *ctx[] = {ECERT_TRUSTLIST_CONTEXT};
	const char *type[] = {ECERT_TRUSTLIST_TYPE};
	char id[ID_SIZE];
	cJSON *doc, *r;
	int rc;

	if (!root || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no root key");
	if (name && !name_ok(name)) {
		ecert_error_where(err, "id");
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "a list name is 1 to %d letters, digits, '.', '_', ':' or '-'",
		                  ECERT_TRUSTLIST_NAME_MAX);
	}
	rc = session_new(root, &ed, err);
	if (rc != ECERT_OK)
		return rc;
	snprintf(id, sizeof(id), "%s%s", ECERT_TRUSTLIST_ID_PREFIX, name ? name : ed->root_kid);
	doc = ed->doc = cJSON_CreateObject();
	if (!doc || !put_item(doc, "@context", str_array(ctx, 1)) ||
	    !put_item(doc, "type", str_array(type, 1)) || !put_str(doc, "id", id) ||
	    !cJSON_AddNumberToObject(doc, "version", 0) || !put_str(doc, "issued", "") ||
	    !(r = cJSON_AddObjectToObject(doc, "root")) || !put_str(r, "kid", ed->root_kid) ||
	    !put_str(r, "cryptosuite", ecert_suite_name(ecert_key_alg(root))) ||
	    !cJSON_AddArrayToObject(doc, "entries")) {
		rc = nomem(err);
		goto out;
	}
	*out = ed;
	ed = NULL;
	rc = ECERT_OK;
out:
	ecert_trustedit_free(ed);
	return rc;
}

int ecert_trustedit_open_json(const cJSON *doc, EVP_PKEY *root, struct ecert_trustedit **out,
                              struct ecert_error *err)
{
	struct ecert_trustlist *tl = NULL;
	struct ecert_trustedit *ed = NULL;
	int rc;

	if (!doc || !root || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no trust list or no root key");
	/* Never re-sign what the root did not sign: a hand edit, another root's list. */
	rc = ecert_trustlist_from_json(doc, root, &tl, err);
	ecert_trustlist_free(tl);
	if (rc != ECERT_OK)
		return rc;
	rc = session_new(root, &ed, err);
	if (rc != ECERT_OK)
		return rc;
	ed->doc = cJSON_Duplicate(doc, 1);
	if (!ed->doc) {
		ecert_trustedit_free(ed);
		return nomem(err);
	}
	ed->committed = 1;
	*out = ed;
	return ECERT_OK;
}

int ecert_trustedit_open(const char *path, EVP_PKEY *root, struct ecert_trustedit **out,
                         struct ecert_error *err)
{
	struct ecert_json_limits lim = {ECERT_TRUSTLIST_MAX_BYTES, 0};
	cJSON *doc = NULL;
	int rc;

	if (!path)
		return ecert_fail(err, ECERT_ERR_ARG, "no trust list file");
	rc = ecert_json_parse_file(path, &lim, &doc, err);
	if (rc == ECERT_OK) {
		rc = ecert_trustedit_open_json(doc, root, out, err);
		if (rc != ECERT_OK)
			ecert_error_prefix(err, "%s", path);
	}
	cJSON_Delete(doc);
	return rc;
}

const cJSON *ecert_trustedit_json(const struct ecert_trustedit *ed)
{
	return ed->doc;
}

long ecert_trustedit_version(const struct ecert_trustedit *ed)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ed->doc, "version");

	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

/* ---- checks of what goes into an entry ------------------------------------------ */

/* Length of the UTF-8 sequence at s and its code point, 0 if malformed (overlong,
 * surrogate, beyond U+10FFFF, truncated). */
static size_t utf8_next(const unsigned char *s, unsigned long *cp)
{
	size_t n, i;
	unsigned long c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07u;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0u) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static int is_space_cp(unsigned long c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == IDEOGRAPHIC_SPACE;
}

/* Text as the schema's text64/text100: valid UTF-8, 1..max code points, no control
 * characters, no space (ASCII or U+3000) at either end. */
static int text_check(const char *s, size_t max, const char *where, struct ecert_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c = 0;
	size_t count = 0, k;

	if (!s || !*s) {
		ecert_error_where(err, "%s", where);
		return ecert_fail(err, ECERT_ERR_INVALID, "must not be empty");
	}
	while (*p) {
		k = utf8_next(p, &c);
		if (k == 0) {
			ecert_error_where(err, "%s", where);
			return ecert_fail(err, ECERT_ERR_INVALID,
			                  "is not valid UTF-8 (byte %zu); convert it first, e.g. "
			                  "iconv -f GB18030 -t UTF-8",
			                  (size_t)(p - (const unsigned char *)s));
		}
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
			ecert_error_where(err, "%s", where);
			return ecert_fail(err, ECERT_ERR_INVALID, "contains a control character");
		}
		if (count == 0 && is_space_cp(c)) {
			ecert_error_where(err, "%s", where);
			return ecert_fail(err, ECERT_ERR_INVALID, "starts with a space");
		}
		p += k;
		count++;
	}
	if (is_space_cp(c)) {
		ecert_error_where(err, "%s", where);
		return ecert_fail(err, ECERT_ERR_INVALID, "ends with a space");
	}
	if (count > max) {
		ecert_error_where(err, "%s", where);
		return ecert_fail(err, ECERT_ERR_INVALID, "is %zu characters long; at most %zu",
		                  count, max);
	}
	return ECERT_OK;
}

static int check_unique(const char *const *items, size_t n, const char *where,
                        struct ecert_error *err)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(items[i], items[j]) == 0) {
				ecert_error_where(err, "%s", where);
				return ecert_fail(err, ECERT_ERR_INVALID, "\"%.*s\" is given twice",
				                  utf8_clip(items[i], 64), items[i]);
			}
	return ECERT_OK;
}

static int check_spec(const struct ecert_trustedit *ed, const struct ecert_trust_entry_spec *sp,
                      struct ecert_error *err)
{
	char code[ECERT_USCC_LEN + 1];
	struct ecert_error uerr;
	int title = 0, skill = 0, rc;
	const cJSON *entries, *e;
	const char *name;
	size_t i;

	if (!sp->key)
		return ecert_fail(err, ECERT_ERR_ARG, "no issuer public key");
	ecert_error_clear(&uerr);
	if (!sp->issuer_id || ecert_uscc_from_urn(sp->issuer_id, code, &uerr) != ECERT_OK) {
		ecert_error_where(err, "issuer.id");
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "expected urn:uscc:<统一社会信用代码> (GB 32100): %s",
		                  sp->issuer_id ? uerr.msg : "none given");
	}
	rc = text_check(sp->issuer_name, ECERT_TRUST_ISSUER_NAME_MAX, "issuer.name", err);
	if (rc != ECERT_OK)
		return rc;
	entries = ecert_json_arr(ed->doc, "entries");
	cJSON_ArrayForEach(e, entries)
	{
		const cJSON *iss = ecert_json_obj(e, "issuer");
		const char *id = ecert_json_str(iss, "id");

		name = ecert_json_str(iss, "name");
		if (id && name && strcmp(id, sp->issuer_id) == 0 &&
		    strcmp(name, sp->issuer_name) != 0) {
			ecert_error_where(err, "issuer.name");
			return ecert_fail(err, ECERT_ERR_INVALID,
			                  "%s is already listed as \"%.*s\"; use the same name",
			                  sp->issuer_id, utf8_clip(name, 200), name);
		}
	}
	if (sp->n_kinds == 0 || sp->n_kinds > 2)
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "give the kinds the key may sign: title, "
		                  "skill or both");
	for (i = 0; i < sp->n_kinds; i++) {
		if (strcmp(sp->kinds[i], ECERT_KIND_TITLE) == 0 && !title) {
			title = 1;
		} else if (strcmp(sp->kinds[i], ECERT_KIND_SKILL) == 0 && !skill) {
			skill = 1;
		} else {
			ecert_error_where(err, "scope.kinds");
			return ecert_fail(err, ECERT_ERR_INVALID,
			                  "expected title and/or skill, each once; got \"%.*s\"",
			                  utf8_clip(sp->kinds[i], 20), sp->kinds[i]);
		}
	}
	if (sp->n_series && !title)
		return ecert_fail(
		    err, ECERT_ERR_ARG,
		    "series limit what a title key signs; this key has no title kind");
	if (sp->n_occupations && !skill)
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "occupations limit what a skill key signs; "
		                  "this key has no skill kind");
	if (sp->n_series > ECERT_TRUSTLIST_SERIES_MAX ||
	    sp->n_occupations > ECERT_TRUSTLIST_OCCUPATIONS_MAX)
		return ecert_fail(err, ECERT_ERR_INVALID, "at most %d series and %d occupations",
		                  ECERT_TRUSTLIST_SERIES_MAX, ECERT_TRUSTLIST_OCCUPATIONS_MAX);
	for (i = 0; i < sp->n_series; i++) {
		rc = text_check(sp->series[i], ECERT_TRUST_SERIES_NAME_MAX, "scope.series", err);
		if (rc != ECERT_OK)
			return rc;
	}
	for (i = 0; i < sp->n_occupations; i++) {
		rc = ecert_domain_occupation_code_check(sp->occupations[i], 1, err);
		if (rc != ECERT_OK) {
			ecert_error_where(err, "scope.occupations");
			return rc;
		}
	}
	rc = check_unique(sp->series, sp->n_series, "scope.series", err);
	if (rc == ECERT_OK)
		rc = check_unique(sp->occupations, sp->n_occupations, "scope.occupations", err);
	if (rc != ECERT_OK)
		return rc;
	if (sp->has_valid_until && sp->valid_until <= sp->valid_from) {
		ecert_error_where(err, "validUntil");
		return ecert_fail(err, ECERT_ERR_INVALID, "must be after validFrom");
	}
	return ECERT_OK;
}

static cJSON *find_entry(cJSON *doc, const char *kid)
{
	cJSON *e;
	const char *k;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "entries"))
	{
		k = ecert_json_str(e, "kid");
		if (k && strcmp(k, kid) == 0)
			return e;
	}
	return NULL;
}

static int put_time(cJSON *obj, const char *key, int64_t t)
{
	char text[TIME_TEXT_SIZE];

	ecert_time_format(t, 0, text);
	return put_str(obj, key, text);
}

static int build_entry(const struct ecert_trust_entry_spec *sp, const char *kid, cJSON **out,
                       struct ecert_error *err)
{
	struct ecert_buf pk = ECERT_BUF_INIT;
	cJSON *e = NULL, *iss, *scope;
	int rc;

	rc = sp->multibase ? ecert_key_to_multikey(sp->key, &pk, err)
	                   : ecert_key_to_pem(sp->key, &pk, err);
	if (rc == ECERT_OK)
		rc = ecert_buf_ok(&pk);
	if (rc != ECERT_OK)
		goto out;
	rc = ECERT_ERR_NOMEM;
	e = cJSON_CreateObject();
	if (!e || !put_str(e, "kid", kid) ||
	    !put_str(e, "cryptosuite", ecert_suite_name(ecert_key_alg(sp->key))) ||
	    !put_str(e, sp->multibase ? "publicKeyMultibase" : "publicKeyPem",
	             (const char *)pk.data) ||
	    !(iss = cJSON_AddObjectToObject(e, "issuer")) || !put_str(iss, "id", sp->issuer_id) ||
	    !put_str(iss, "name", sp->issuer_name) || !put_time(e, "validFrom", sp->valid_from) ||
	    (sp->has_valid_until && !put_time(e, "validUntil", sp->valid_until)) ||
	    !put_str(e, "status", "active") || !(scope = cJSON_AddObjectToObject(e, "scope")) ||
	    !put_item(scope, "kinds", str_array(sp->kinds, sp->n_kinds)) ||
	    (sp->n_series && !put_item(scope, "series", str_array(sp->series, sp->n_series))) ||
	    (sp->n_occupations &&
	     !put_item(scope, "occupations", str_array(sp->occupations, sp->n_occupations)))) {
		rc = nomem(err);
		goto out;
	}
	*out = e;
	e = NULL;
	rc = ECERT_OK;
out:
	cJSON_Delete(e);
	ecert_buf_free(&pk);
	return rc;
}

int ecert_trustedit_add(struct ecert_trustedit *ed, const struct ecert_trust_entry_spec *spec,
                        struct ecert_error *err)
{
	char kid[ECERT_KID_LEN + 1];
	cJSON *entries, *e = NULL;
	int rc;

	if (!ed || !spec)
		return ecert_fail(err, ECERT_ERR_ARG, "no list or no entry");
	rc = check_spec(ed, spec, err);
	if (rc != ECERT_OK)
		return rc;
	if (ecert_suite_name(ecert_key_alg(spec->key)) == NULL)
		return ecert_fail(err, ECERT_ERR_KEY,
		                  "the issuer key must be SM2, Ed25519 or P-256");
	rc = ecert_key_kid(spec->key, kid, err);
	if (rc != ECERT_OK)
		return rc;
	if (strcmp(kid, ed->root_kid) == 0) {
		ecert_error_where(err, "kid");
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "%s is the root key; the root signs only the trust list — "
		                  "generate a separate key for the issuer",
		                  kid);
	}
	if (find_entry(ed->doc, kid)) {
		ecert_error_where(err, "kid");
		return ecert_fail(err, ECERT_ERR_EXISTS, "key %s is already in the list", kid);
	}
	entries = cJSON_GetObjectItemCaseSensitive(ed->doc, "entries");
	if (cJSON_GetArraySize(entries) >= ECERT_TRUSTLIST_ENTRIES_MAX)
		return ecert_fail(err, ECERT_ERR_INVALID, "the list already has %d entries",
		                  ECERT_TRUSTLIST_ENTRIES_MAX);
	rc = build_entry(spec, kid, &e, err);
	if (rc != ECERT_OK)
		return rc;
	if (!cJSON_AddItemToArray(entries, e)) {
		cJSON_Delete(e);
		return nomem(err);
	}
	ed->committed = 0;
	return ECERT_OK;
}

/* Set obj[key] = a time string, placed right after member `after` (for a reader of the
 * file; order does not matter to the signature, which is over the JCS form). cJSON has
 * no "insert after" for objects (and cJSON_InsertItemInArray refuses object members in
 * some builds), so the item is linked in by hand: children form a list whose head's
 * prev points at the tail. */
static int set_time_after(cJSON *obj, const char *after, const char *key, int64_t t)
{
	char text[TIME_TEXT_SIZE];
	cJSON *item, *at;

	ecert_time_format(t, 0, text);
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	item = cJSON_CreateString(text);
	if (!item || !cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return 0;
	}
	at = cJSON_GetObjectItemCaseSensitive(obj, after);
	if (!at || at->next == item)
		return 1;
	cJSON_DetachItemViaPointer(obj, item);
	item->prev = at;
	item->next = at->next;
	if (at->next)
		at->next->prev = item;
	else
		obj->child->prev = item;
	at->next = item;
	return 1;
}

/* Set an entry's status and since, all or nothing: the change is made on a copy that
 * replaces the entry only once complete (relinking, which cannot fail). cJSON's
 * Replace…InObject is avoided: when copying the key fails it still links the item in,
 * nameless. */
static int set_status(cJSON *doc, cJSON *e, const char *status, int64_t since)
{
	cJSON *copy = cJSON_Duplicate(e, 1);
	cJSON *st = cJSON_GetObjectItemCaseSensitive(copy, "status");

	if (!cJSON_IsString(st) || !cJSON_SetValuestring(st, status)) {
		cJSON_Delete(copy);
		return 0;
	}
	if (!set_time_after(copy, "status", "since", since)) {
		cJSON_Delete(copy);
		return 0;
	}
	return cJSON_ReplaceItemViaPointer(cJSON_GetObjectItemCaseSensitive(doc, "entries"), e,
	                                   copy);
}

static int entry_status(const cJSON *e, int64_t *since)
{
	const char *s = ecert_json_str(e, "status");
	const char *t = ecert_json_str(e, "since");

	*since = 0;
	if (t && ecert_time_parse(t, since, NULL) != ECERT_OK)
		*since = 0;
	if (s && strcmp(s, "retired") == 0)
		return ECERT_KEY_RETIRED;
	if (s && strcmp(s, "compromised") == 0)
		return ECERT_KEY_COMPROMISED;
	return ECERT_KEY_ACTIVE;
}

static cJSON *entry_for_change(struct ecert_trustedit *ed, const char *kid, struct ecert_error *err)
{
	cJSON *e;

	if (!ed || !kid) {
		ecert_fail(err, ECERT_ERR_ARG, "no list or no kid");
		return NULL;
	}
	e = find_entry(ed->doc, kid);
	if (!e) {
		ecert_error_where(err, "kid");
		ecert_fail(err, ECERT_ERR_ARG,
		           "no key %.*s in the list (see ecert-keys trust show)",
		           utf8_clip(kid, 20), kid);
	}
	return e;
}

int ecert_trustedit_retire(struct ecert_trustedit *ed, const char *kid, int64_t since,
                           struct ecert_error *err)
{
	char t[TIME_TEXT_SIZE];
	const char *from;
	int64_t old, valid_from;
	cJSON *e = entry_for_change(ed, kid, err);
	int st;

	if (!e)
		return err ? err->code : ECERT_ERR_ARG;
	st = entry_status(e, &old);
	if (st != ECERT_KEY_ACTIVE) {
		ecert_time_format(old, 0, t);
		ecert_error_where(err, "status");
		return ecert_fail(err, ECERT_ERR_INVALID, "key %s is already %s (since %s)", kid,
		                  ecert_key_status_name((enum ecert_key_status)st), t);
	}
	/* Retiring before the key ever became valid is a slip of the date; withdrawing
	 * everything a key signed is what `compromised` is for. */
	from = ecert_json_str(e, "validFrom");
	if (from && ecert_time_parse(from, &valid_from, NULL) == ECERT_OK && since < valid_from) {
		ecert_error_where(err, "since");
		return ecert_fail(
		    err, ECERT_ERR_INVALID,
		    "the key only became valid at %s; to refuse everything it signed, "
		    "mark it compromised instead",
		    from);
	}
	if (!set_status(ed->doc, e, "retired", since))
		return nomem(err);
	ed->committed = 0;
	return ECERT_OK;
}

int ecert_trustedit_compromised(struct ecert_trustedit *ed, const char *kid, int64_t since,
                                int64_t *effective, struct ecert_error *err)
{
	char t[TIME_TEXT_SIZE];
	int64_t old;
	cJSON *e = entry_for_change(ed, kid, err);
	int st;

	if (!e)
		return err ? err->code : ECERT_ERR_ARG;
	st = entry_status(e, &old);
	if (st == ECERT_KEY_COMPROMISED && old <= since) {
		ecert_time_format(old, 0, t);
		ecert_error_where(err, "since");
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "key %s is already compromised since %s; since can only move "
		                  "earlier",
		                  kid, t);
	}
	/* A retired key signs nothing after its retirement; marking it compromised later
	 * must not make those later signatures acceptable again. */
	if (st == ECERT_KEY_RETIRED && old < since)
		since = old;
	if (!set_status(ed->doc, e, "compromised", since))
		return nomem(err);
	if (effective)
		*effective = since;
	ed->committed = 0;
	return ECERT_OK;
}

int ecert_trustedit_commit(struct ecert_trustedit *ed, int64_t now, struct ecert_error *err)
{
	struct ecert_trustlist *tl = NULL;
	char issued[TIME_TEXT_SIZE];
	char vm[ECERT_TRUSTLIST_ROOT_VM_SIZE];
	cJSON *doc = NULL;
	long version;
	int rc;

	if (!ed)
		return ecert_fail(err, ECERT_ERR_ARG, "no list");
	version = ecert_trustedit_version(ed);
	if (version >= ECERT_TRUSTLIST_VERSION_MAX) {
		ecert_error_where(err, "version");
		return ecert_fail(err, ECERT_ERR_INVALID, "the version is at its maximum");
	}
	/* Work on a copy, so that a failure leaves the session as it was. */
	doc = cJSON_Duplicate(ed->doc, 1);
	ecert_time_format(now, 0, issued);
	if (!doc || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "version")) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "issued")) ||
	    !cJSON_SetValuestring(cJSON_GetObjectItemCaseSensitive(doc, "issued"), issued)) {
		rc = nomem(err);
		goto out;
	}
	cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "version"),
	                     (double)(version + 1));
	snprintf(vm, sizeof(vm), "%s%s", ECERT_TRUSTLIST_ROOT_VM, ed->root_kid);
	rc = ecert_proof_sign(doc, ed->root, vm, issued, err);
	if (rc != ECERT_OK)
		goto out;
	/* Load it back exactly as a verifier will, schema and all, before it can be
	 * written anywhere. */
	rc = ecert_trustlist_from_json(doc, ed->root, &tl, err);
	ecert_trustlist_free(tl);
	if (rc != ECERT_OK) {
		ecert_error_prefix(err, "the changed list");
		goto out;
	}
	cJSON_Delete(ed->doc);
	ed->doc = doc;
	doc = NULL;
	ed->committed = 1;
out:
	cJSON_Delete(doc);
	return rc;
}

int ecert_trustedit_serialize(const struct ecert_trustedit *ed, struct ecert_buf *out,
                              struct ecert_error *err)
{
	char *text;
	int rc;

	if (!ed || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no list");
	if (!ed->committed)
		return ecert_fail(err, ECERT_ERR_ARG, "the list has changes that are not signed");
	text = cJSON_Print(ed->doc);
	if (!text)
		return nomem(err);
	ecert_buf_puts(out, text);
	ecert_buf_putc(out, '\n');
	cJSON_free(text);
	rc = ecert_buf_ok(out);
	return rc == ECERT_OK ? rc : nomem(err);
}

int ecert_trustedit_write(const struct ecert_trustedit *ed, const char *path, int exclusive,
                          struct ecert_error *err)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	int rc;

	if (!path)
		return ecert_fail(err, ECERT_ERR_ARG, "no output file");
	rc = ecert_trustedit_serialize(ed, &b, err);
	if (rc == ECERT_OK)
		rc = ecert_file_write_atomic(path, b.data, b.len, ECERT_TRUSTLIST_FILE_MODE,
		                             exclusive, err);
	ecert_buf_free(&b);
	return rc;
}
