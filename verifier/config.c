/* ecert-verifier — loading what every command trusts: the root public key, the trust
 * list it signed, and the issuers' signed status lists. */
#include <stdlib.h>
#include <string.h>

#include "ecert/file.h"
#include "ecert/key.h"
#include "ecert/statuslist.h"
#include "verifier.h"

int vlang_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "zh") == 0 || strncmp(s, "zh_", 3) == 0 || strncmp(s, "zh-", 3) == 0)
		return VLANG_ZH;
	if (strcmp(s, "en") == 0 || strncmp(s, "en_", 3) == 0 || strncmp(s, "en-", 3) == 0)
		return VLANG_EN;
	return -1;
}

int vconfig_load(struct vconfig *c)
{
	struct ecert_error err;
	int i, rc;

	ecert_error_clear(&err);
	if (!c->root_path || !c->trust_path) {
		verr_msg("configuration", "both --root ROOT.pub and --trust trust.json are required");
		return VEXIT_USAGE;
	}
	if (ecert_key_load_public(c->root_path, &c->root, &err) != ECERT_OK) {
		verr(&err, c->root_path);
		return VEXIT_USAGE;
	}
	rc = ecert_trustlist_load(c->trust_path, c->root, &c->trust, &err);
	if (rc != ECERT_OK) {
		verr(&err, c->trust_path);
		return rc == ECERT_ERR_IO ? VEXIT_USAGE : VEXIT_INVALID;
	}
	if (ecert_verifier_new(c->trust, &c->verifier, &err) != ECERT_OK) {
		verr(&err, "verifier");
		return VEXIT_USAGE;
	}
	for (i = 0; i < c->nstatus; i++) {
		struct ecert_buf b = ECERT_BUF_INIT;

		rc = ecert_file_read(c->status_paths[i], ECERT_STATUSLIST_ENCODED_MAX + 65536, &b,
				     &err);
		if (rc == ECERT_OK)
			rc = ecert_verifier_add_status(c->verifier, (const char *)b.data, b.len,
						       c->status_paths[i], &err);
		ecert_buf_free(&b);
		if (rc != ECERT_OK) {
			verr(&err, c->status_paths[i]);
			return rc == ECERT_ERR_IO ? VEXIT_USAGE : VEXIT_INVALID;
		}
	}
	return VEXIT_VALID;
}

void vconfig_free(struct vconfig *c)
{
	ecert_verifier_free(c->verifier);
	ecert_trustlist_free(c->trust);
	EVP_PKEY_free(c->root);
	c->verifier = NULL;
	c->trust = NULL;
	c->root = NULL;
}
