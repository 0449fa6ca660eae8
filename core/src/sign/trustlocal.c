/* ecert — the issuer's local trust list load (see ecert/trustlocal.h). */
#include "ecert/json.h"
#include "ecert/trustlocal.h"
#include "../trustlist_internal.h"

int ecert_trustlist_load_local(const char *path, struct ecert_trustlist **out,
                               struct ecert_error *err)
{
	struct ecert_json_limits lim = {ECERT_TRUSTLIST_MAX_BYTES, 0};
	cJSON *doc = NULL;
	int rc;

	if (!path)
		return ecert_fail(err, ECERT_ERR_ARG, "no trust list file");
	rc = ecert_json_parse_file(path, &lim, &doc, err);
	if (rc == ECERT_OK) {
		rc = ecert_trustlist_from_json_unverified(doc, out, err);
		if (rc != ECERT_OK)
			ecert_error_prefix(err, "%s", path);
	}
	cJSON_Delete(doc);
	return rc;
}
