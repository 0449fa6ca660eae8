/* ecert-issuer — the signing identity: the issuer key and its own entry in the trust list,
 * which says who the issuer is (id, name) and what the key may sign. */
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "ecert/datetime.h"
#include "ecert/proof.h"
#include "ecert/record.h"
#include "ecert/sign.h"
#include "ecert/trustlocal.h"
#include "issuer.h"

#define TIME_SIZE 26

static int load_trust(const struct issuer_signer_args *a, struct ecert_trustlist **tl,
                      struct ecert_error *err)
{
	EVP_PKEY *root = NULL;
	int rc;

	if (!a->root_path)
		return ecert_trustlist_load_local(a->trust_path, tl, err);
	rc = ecert_key_load_public(a->root_path, &root, err);
	if (rc == ECERT_OK)
		rc = ecert_trustlist_load(a->trust_path, root, tl, err);
	EVP_PKEY_free(root);
	return rc;
}

/* Whether two keys have the same public key (SubjectPublicKeyInfo DER). EVP_PKEY_eq is
 * not used: an SM2 key can come back from a decoder as type "EC" or "SM2". */
static int same_public(const EVP_PKEY *a, const EVP_PKEY *b)
{
	unsigned char *da = NULL, *db = NULL;
	int na = i2d_PUBKEY(a, &da), nb = i2d_PUBKEY(b, &db);
	int same = na > 0 && na == nb && memcmp(da, db, (size_t)na) == 0;

	OPENSSL_free(da);
	OPENSSL_free(db);
	return same;
}

/* Is the entry usable for signing at `now`? (what a verifier will check of proof.created) */
static int usable_now(const struct ecert_trust_entry *e, const char *kid, int64_t now,
                      int status_list, struct ecert_error *err)
{
	char t[TIME_SIZE];
	int64_t since = 0, until = 0;
	enum ecert_key_status st = ecert_trust_entry_status(e, &since);

	ecert_error_where(err, "%s", kid);
	if (st == ECERT_KEY_COMPROMISED && now >= since) {
		ecert_time_format(since, 0, t);
		return ecert_fail(err, ECERT_ERR_SCOPE,
		                  "the trust list marks this key compromised since %s: it must not "
		                  "sign anything",
		                  t);
	}
	if (status_list) {
		ecert_error_clear(err);
		return ECERT_OK;
	}
	if (st == ECERT_KEY_RETIRED && now > since) {
		ecert_time_format(since, 0, t);
		return ecert_fail(err, ECERT_ERR_SCOPE,
		                  "the trust list retired this key at %s: sign with its successor",
		                  t);
	}
	if (now < ecert_trust_entry_valid_from(e)) {
		ecert_time_format(ecert_trust_entry_valid_from(e), 0, t);
		return ecert_fail(err, ECERT_ERR_SCOPE, "the key may sign only from %s on", t);
	}
	if (ecert_trust_entry_valid_until(e, &until) && now > until) {
		ecert_time_format(until, 0, t);
		return ecert_fail(err, ECERT_ERR_SCOPE, "the key's validity ended at %s", t);
	}
	ecert_error_clear(err);
	return ECERT_OK;
}

int issuer_signer_open(const struct issuer_signer_args *a, int64_t now, struct issuer_signer *s,
                       struct ecert_error *err)
{
	struct ecert_passphrase pp = {NULL, 0};
	const char *suite;
	int rc, title, skill, n;

	memset(s, 0, sizeof(*s));
	rc = load_trust(a, &s->tl, err);
	if (rc != ECERT_OK)
		goto fail;
	rc = ecert_passphrase_get(a->passphrase_file, &pp, err);
	if (rc == ECERT_OK)
		rc = ecert_key_load_private(a->key_path, &pp, &s->key, err);
	ecert_passphrase_free(&pp);
	if (rc == ECERT_OK)
		rc = ecert_key_kid(s->key, s->kid, err);
	if (rc != ECERT_OK)
		goto fail;
	s->entry = ecert_trustlist_find(s->tl, s->kid);
	if (!s->entry) {
		ecert_error_where(err, "%s", a->trust_path);
		rc = ecert_fail(
		    err, ECERT_ERR_TRUST,
		    "the key %s (%s) is not in this trust list (%s): the root key officer "
		    "must add it first",
		    s->kid, a->key_path, ecert_trustlist_id(s->tl));
		goto fail;
	}
	/* the kid is a truncated hash: make sure the listed key is this very key */
	if (!same_public(ecert_trust_entry_key(s->entry), s->key)) {
		ecert_error_where(err, "%s", s->kid);
		rc = ecert_fail(err, ECERT_ERR_TRUST,
		                "the trust list's key under this kid is not the issuer key");
		goto fail;
	}
	suite = ecert_suite_name(ecert_key_alg(s->key));
	s->suite = ecert_trust_entry_cryptosuite(s->entry);
	if (!suite || !s->suite || strcmp(suite, s->suite) != 0) {
		ecert_error_where(err, "%s", s->kid);
		rc = ecert_fail(err, ECERT_ERR_TRUST,
		                "the trust list names cryptosuite %s for this key, not %s",
		                s->suite ? s->suite : "?", suite ? suite : "?");
		goto fail;
	}
	rc = usable_now(s->entry, s->kid, now, a->status_list, err);
	if (rc != ECERT_OK)
		goto fail;
	s->issuer_id = ecert_trust_entry_issuer_id(s->entry);
	s->issuer_name = ecert_trust_entry_issuer_name(s->entry);
	rc = ecert_statuslist_make_id(s->issuer_id, s->kid, s->list_id, err);
	if (rc != ECERT_OK)
		goto fail;
	n = snprintf(s->vm, sizeof(s->vm), "%s#%s", s->issuer_id, s->kid);
	if (n < 0 || (size_t)n >= sizeof(s->vm)) {
		rc = ecert_fail(err, ECERT_ERR_TRUST, "issuer id too long");
		goto fail;
	}
	title = ecert_trust_entry_has_kind(s->entry, ECERT_KIND_TITLE);
	skill = ecert_trust_entry_has_kind(s->entry, ECERT_KIND_SKILL);
	s->only_kind = title && !skill   ? ECERT_RECORD_TITLE
	               : skill && !title ? ECERT_RECORD_SKILL
	                                 : ECERT_RECORD_ANY;
	return ECERT_OK;
fail:
	issuer_signer_close(s);
	return rc;
}

void issuer_signer_close(struct issuer_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key);
	ecert_trustlist_free(s->tl);
	memset(s, 0, sizeof(*s));
}
