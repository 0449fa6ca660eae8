/* ecert — the issuer's view of its trust list (sign side).
 *
 * An issuer is not configured with the root public key: it reads the trust list it was
 * given only to learn its own identity (issuer id and name) and scope, so that records it
 * may not sign are refused before signing. ecert_trustlist_load_local checks the list's
 * shape and that it carries a root proof, but cannot check that proof; with a root key
 * (`--root`), ecert_trustlist_load (trustlist.h) checks it in full. Verifiers never use
 * this: certificates from an issuer outside its real scope fail there. */
#ifndef ECERT_TRUSTLOCAL_H
#define ECERT_TRUSTLOCAL_H

#include "ecert/error.h"
#include "ecert/trustlist.h"

/* Load `path` (strict JSON, schema, entries). The caller owns *out (ecert_trustlist_free).
 * Errors as ecert_trustlist_load except that the root proof is not verified. */
int ecert_trustlist_load_local(const char *path, struct ecert_trustlist **out,
                               struct ecert_error *err);

#endif
