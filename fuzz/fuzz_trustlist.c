/* fuzz_trustlist: loading a trust list (ecert_trustlist_load_mem, DESIGN §4) with the fixed
 * root of fixture.h (Ed25519, so a signed list is the same bytes every run).
 *
 * The input is loaded as it is:
 *   - a rejection is one of the codes trustlist.h lists (strict JSON, trust, schema),
 *     recorded in err with a message, and *out is left alone;
 *   - the signed lists of the fixture (versions 1 and 2, written as seeds) load;
 *   - nothing else does unless it is the same signed content: a list that loads has the
 *     JCS form of one of the fixture's lists (whitespace, member order and number
 *     spelling are all a mutation can change; Ed25519 signatures are not malleable and
 *     the multibase decoder is canonical). A list edited after signing never loads;
 *   - a list that loads is consistent (see check_loaded) and can be taken up again for
 *     editing: ecert_trustedit_open_json accepts it with the same id and version, a
 *     commit gives version + 1, and its serialisation loads again with the same entries.
 *
 * A fuzzer cannot sign, so a second mode reaches what lies behind the root signature
 * (the schema, the entries, their keys in PEM or multibase): an input that is a JSON
 * object without "proof" is signed with the root key (verificationMethod
 * "urn:ecert:root#<kid>") and its JCS form loaded. There a rejection can only be the
 * shape (ECERT_ERR_SCHEMA) or the root the list names (ECERT_ERR_TRUST), never a JSON
 * error (JCS output is strict JSON); a list that loads is checked as above. */
#include <string.h>

#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/proof.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"
#include "fixture.h"
#include "fuzz.h"

#define SIGNED_LISTS 2

static struct ecert_buf canon[SIGNED_LISTS]; /* JCS of versions 1 and 2 */

static void canon_of(const struct ecert_buf *text, struct ecert_buf *out)
{
	struct ecert_error err;
	cJSON *doc = NULL;

	ecert_error_clear(&err);
	FX_OK(ecert_json_parse((const char *)text->data, text->len, NULL, &doc, &err), err);
	FX_OK(ecert_jcs_serialize(doc, out, &err), err);
	cJSON_Delete(doc);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ecert_error err;
	const char *dir;
	cJSON *doc = NULL;
	size_t len;
	char *text;

	struct ecert_trustlist *tl = NULL;

	fx_setup();
	canon_of(&fx.trust_v1, &canon[0]);
	canon_of(&fx.trust_v2, &canon[1]);
	ecert_error_clear(&err);
	FX_OK(ecert_trustlist_load_mem((const char *)fx.trust_v2.data, fx.trust_v2.len,
	                               fx.key[FX_ROOT], &tl, &err),
	      err);
	ecert_trustlist_free(tl);
	dir = fx_seed_dir(*argc, *argv);
	if (!dir)
		return 0;
	fx_write_seed(dir, "v1.json", fx.trust_v1.data, fx.trust_v1.len);
	fx_write_seed(dir, "v2.json", fx.trust_v2.data, fx.trust_v2.len);
	fx_write_seed(dir, "v1-jcs.json", canon[0].data, canon[0].len);
	/* version 2 without its proof, for the signing mode */
	ecert_error_clear(&err);
	FX_OK(ecert_json_parse((const char *)fx.trust_v2.data, fx.trust_v2.len, NULL, &doc, &err),
	      err);
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "proof");
	text = fx_jcs(doc, &len);
	fx_write_seed(dir, "v2-unsigned.json", text, len);
	ecert_free(text);
	cJSON_Delete(doc);
	return 0;
}

static int known_rejection(int rc)
{
	return (rc >= ECERT_ERR_JSON_SYNTAX && rc <= ECERT_ERR_JSON_NUMBER) ||
	       rc == ECERT_ERR_TRUST || rc == ECERT_ERR_SCHEMA;
}

/* Everything a loaded list promises (trustlist.h). */
static void check_loaded(const struct ecert_trustlist *tl)
{
	const char *id = ecert_trustlist_id(tl), *iid, *iname;
	long version = ecert_trustlist_version(tl);
	size_t n = ecert_trustlist_count(tl), ni = ecert_trustlist_issuer_count(tl), i, j;

	FUZZ_CHECK(
	    id && strncmp(id, ECERT_TRUSTLIST_ID_PREFIX, strlen(ECERT_TRUSTLIST_ID_PREFIX)) == 0,
	    "loaded list id \"%s\"", id ? id : "(null)");
	FUZZ_CHECK(version >= 0 && version <= ECERT_TRUSTLIST_VERSION_MAX, "version %ld", version);
	FUZZ_CHECK(ecert_trustlist_root_kid(tl) &&
	               strcmp(ecert_trustlist_root_kid(tl), fx.kid[FX_ROOT]) == 0,
	           "root kid of a loaded list is not the configured root's");
	FUZZ_CHECK(ecert_trustlist_issued_text(tl) != NULL, "no issued text");
	FUZZ_CHECK(n <= ECERT_TRUSTLIST_ENTRIES_MAX, "%zu entries", n);
	FUZZ_CHECK(ecert_trustlist_entry(tl, n) == NULL, "entry past the end");
	FUZZ_CHECK(ni <= n, "%zu issuers for %zu entries", ni, n);
	for (i = 0; i < n; i++) {
		const struct ecert_trust_entry *e = ecert_trustlist_entry(tl, i);
		char kid[ECERT_KID_LEN + 1];
		EVP_PKEY *key;
		int64_t since;
		enum ecert_key_status st;
		const char *suite;
		int found = 0;

		FUZZ_CHECK(e, "entry %zu of %zu is NULL", i, n);
		FUZZ_CHECK(ecert_trust_entry_kid(e) &&
		               strlen(ecert_trust_entry_kid(e)) == ECERT_KID_LEN,
		           "entry %zu kid", i);
		FUZZ_CHECK(ecert_trustlist_find(tl, ecert_trust_entry_kid(e)) == e,
		           "entry %zu: find(kid) gives another entry (kids not unique)", i);
		key = ecert_trust_entry_key(e);
		FUZZ_CHECK(key && ecert_key_kid(key, kid, NULL) == ECERT_OK &&
		               strcmp(kid, ecert_trust_entry_kid(e)) == 0,
		           "entry %zu: the key is not the one its kid names", i);
		suite = ecert_trust_entry_cryptosuite(e);
		FUZZ_CHECK(suite && ecert_suite_name(ecert_key_alg(key)) &&
		               strcmp(suite, ecert_suite_name(ecert_key_alg(key))) == 0,
		           "entry %zu: cryptosuite %s for a %s key", i, suite ? suite : "(null)",
		           ecert_alg_name(ecert_key_alg(key)));
		FUZZ_CHECK(ecert_trust_entry_issuer_id(e) && ecert_trust_entry_issuer_name(e),
		           "entry %zu: no issuer", i);
		st = ecert_trust_entry_status(e, &since);
		FUZZ_CHECK(ecert_key_status_name(st) != NULL, "entry %zu: status %d", i, (int)st);
		FUZZ_CHECK(ecert_trust_entry_has_kind(e, ECERT_KIND_TITLE) ||
		               ecert_trust_entry_has_kind(e, ECERT_KIND_SKILL),
		           "entry %zu may sign nothing", i);
		FUZZ_CHECK(ecert_trust_entry_series_count(e) <= ECERT_TRUSTLIST_SERIES_MAX &&
		               ecert_trust_entry_occupation_count(e) <=
		                   ECERT_TRUSTLIST_OCCUPATIONS_MAX,
		           "entry %zu: scope over its bounds", i);
		for (j = 0; j < ecert_trust_entry_series_count(e); j++)
			FUZZ_CHECK(ecert_trust_entry_series(e, j), "entry %zu series %zu", i, j);
		for (j = 0; j < ecert_trust_entry_occupation_count(e); j++)
			FUZZ_CHECK(ecert_trust_entry_occupation(e, j), "entry %zu occupation %zu",
			           i, j);
		for (j = 0; j < ni && !found; j++)
			found = ecert_trustlist_issuer(tl, j, &iid, &iname) == ECERT_OK &&
			        strcmp(iid, ecert_trust_entry_issuer_id(e)) == 0;
		FUZZ_CHECK(found, "entry %zu: its issuer is not among the list's issuers", i);
	}
}

/* Take a loaded list up for editing, commit, serialise and load the result again. */
static void check_reedit(const cJSON *doc, const struct ecert_trustlist *tl)
{
	struct ecert_trustedit *ed = NULL;
	struct ecert_trustlist *again = NULL;
	struct ecert_buf out = ECERT_BUF_INIT;
	struct ecert_error err;
	const cJSON *edoc;
	size_t i;
	int rc;

	ecert_error_clear(&err);
	rc = ecert_trustedit_open_json(doc, fx.key[FX_ROOT], &ed, &err);
	FUZZ_CHECK(rc == ECERT_OK, "a list that loads cannot be opened for editing: %s at %s: %s",
	           ecert_errname(rc), err.where, err.msg);
	FUZZ_CHECK(ecert_trustedit_version(ed) == ecert_trustlist_version(tl),
	           "editing sees version %ld, loading %ld", ecert_trustedit_version(ed),
	           ecert_trustlist_version(tl));
	edoc = ecert_trustedit_json(ed);
	FUZZ_CHECK(ecert_json_str(edoc, "id") &&
	               strcmp(ecert_json_str(edoc, "id"), ecert_trustlist_id(tl)) == 0,
	           "editing sees another id");
	rc = ecert_trustedit_commit(ed, FX_T_NOW, &err);
	if (ecert_trustlist_version(tl) == ECERT_TRUSTLIST_VERSION_MAX) {
		FUZZ_CHECK(rc == ECERT_ERR_INVALID, "commit at the last version: %s",
		           ecert_errname(rc));
		ecert_trustedit_free(ed);
		return;
	}
	FUZZ_CHECK(rc == ECERT_OK, "re-signing a list that loads: %s at %s: %s", ecert_errname(rc),
	           err.where, err.msg);
	rc = ecert_trustedit_serialize(ed, &out, &err);
	FUZZ_CHECK(rc == ECERT_OK, "serialising: %s", ecert_errname(rc));
	rc = ecert_trustlist_load_mem((const char *)out.data, out.len, fx.key[FX_ROOT], &again,
	                              &err);
	FUZZ_CHECK(rc == ECERT_OK, "the re-signed list does not load: %s at %s: %s",
	           ecert_errname(rc), err.where, err.msg);
	FUZZ_CHECK(ecert_trustlist_version(again) == ecert_trustlist_version(tl) + 1,
	           "re-signed version %ld after %ld", ecert_trustlist_version(again),
	           ecert_trustlist_version(tl));
	FUZZ_CHECK(strcmp(ecert_trustlist_id(again), ecert_trustlist_id(tl)) == 0,
	           "re-signed list has another id");
	FUZZ_CHECK(ecert_trustlist_count(again) == ecert_trustlist_count(tl),
	           "re-signed list has %zu entries, not %zu", ecert_trustlist_count(again),
	           ecert_trustlist_count(tl));
	for (i = 0; i < ecert_trustlist_count(tl); i++)
		FUZZ_CHECK(strcmp(ecert_trust_entry_kid(ecert_trustlist_entry(again, i)),
		                  ecert_trust_entry_kid(ecert_trustlist_entry(tl, i))) == 0,
		           "re-signed list: entry %zu changed", i);
	ecert_trustlist_free(again);
	ecert_buf_free(&out);
	ecert_trustedit_free(ed);
}

/* Load text; check the error contract or the loaded list. Returns the code. */
static int load_checked(const char *text, size_t len, int is_jcs, const cJSON *doc)
{
	static char sentinel;
	struct ecert_trustlist *const untouched = (struct ecert_trustlist *)(void *)&sentinel;
	struct ecert_trustlist *tl = untouched;
	struct ecert_error err;
	int rc;

	ecert_error_clear(&err);
	rc = ecert_trustlist_load_mem(text, len, fx.key[FX_ROOT], &tl, &err);
	if (rc != ECERT_OK) {
		FUZZ_CHECK(known_rejection(rc) && err.code == rc && err.msg[0] != '\0',
		           "rejected with %s, err.code %s, message \"%s\"", ecert_errname(rc),
		           ecert_errname(err.code), err.msg);
		FUZZ_CHECK(!is_jcs || !(rc >= ECERT_ERR_JSON_SYNTAX && rc <= ECERT_ERR_JSON_NUMBER),
		           "JCS output rejected as JSON: %s at %s: %s", ecert_errname(rc),
		           err.where, err.msg);
		FUZZ_CHECK(tl == untouched, "a rejection (%s) set *out", ecert_errname(rc));
		return rc;
	}
	FUZZ_CHECK(tl && tl != untouched, "loaded, but no list");
	check_loaded(tl);
	if (doc)
		check_reedit(doc, tl);
	ecert_trustlist_free(tl);
	return rc;
}

static void sign_mode(cJSON *doc)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error err;
	char vm[ECERT_TRUSTLIST_ROOT_VM_SIZE];

	ecert_error_clear(&err);
	snprintf(vm, sizeof(vm), "%s%s", ECERT_TRUSTLIST_ROOT_VM, fx.kid[FX_ROOT]);
	if (ecert_proof_sign(doc, fx.key[FX_ROOT], vm, FX_CREATED, &err) != ECERT_OK)
		return;
	FUZZ_CHECK(ecert_jcs_serialize(doc, &text, &err) == ECERT_OK, "signed, but no JCS: %s",
	           err.msg);
	(void)load_checked((const char *)text.data, text.len, 1, doc);
	ecert_buf_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecert_json_limits lim = {ECERT_TRUSTLIST_MAX_BYTES, 0};
	struct ecert_buf jcs = ECERT_BUF_INIT;
	cJSON *doc = NULL;
	int parsed, rc;

	parsed = ecert_json_parse((const char *)data, size, &lim, &doc, NULL) == ECERT_OK;
	rc = load_checked((const char *)data, size, 0, parsed ? doc : NULL);
	if (rc == ECERT_OK) {
		FUZZ_CHECK(parsed, "loaded, but not strict JSON");
		FUZZ_CHECK(ecert_jcs_serialize(doc, &jcs, NULL) == ECERT_OK, "no JCS form");
		FUZZ_CHECK(
		    (jcs.len == canon[0].len && memcmp(jcs.data, canon[0].data, jcs.len) == 0) ||
		        (jcs.len == canon[1].len && memcmp(jcs.data, canon[1].data, jcs.len) == 0),
		    "a list that is not one the root signed loads:\n  %.*s",
		    (int)(jcs.len < 2048 ? jcs.len : 2048), (const char *)jcs.data);
		ecert_buf_free(&jcs);
	}
	if (parsed && cJSON_IsObject(doc) && !cJSON_GetObjectItemCaseSensitive(doc, "proof"))
		sign_mode(doc);
	cJSON_Delete(doc);
	return 0;
}
