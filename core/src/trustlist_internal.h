/* ecert — internal to libecert: the trust list without its root proof checked.
 * Only the sign side's ecert_trustlist_load_local (issuer configuration) calls this; it
 * is deliberately not in a public header, so that no verifier can load an unverified
 * list. */
#ifndef ECERT_TRUSTLIST_INTERNAL_H
#define ECERT_TRUSTLIST_INTERNAL_H

#include <cjson/cJSON.h>
#include "ecert/error.h"
#include "ecert/trustlist.h"

int ecert_trustlist_from_json_unverified(const cJSON *doc, struct ecert_trustlist **out,
                                         struct ecert_error *err);

#endif
