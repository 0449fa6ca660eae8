/* ecert-verifier — shared declarations of the verifier program's commands. */
#ifndef ECERT_VERIFIER_VERIFIER_H
#define ECERT_VERIFIER_VERIFIER_H

#include <stdint.h>
#include <stdio.h>
#include "ecert/error.h"
#include "ecert/pathway.h"
#include "ecert/rules.h"
#include "ecert/trustlist.h"
#include "ecert/verify.h"

#define VERIFIER_PROG "ecert-verifier"
#define VERIFIER_STATUS_MAX 64

/* Exit codes (DESIGN §6–7): stable, pinned by the tests. */
enum {
	VEXIT_VALID = 0,        /* valid / eligible */
	VEXIT_INVALID = 1,      /* invalid / not eligible */
	VEXIT_USAGE = 2,        /* usage error or unreadable input */
	VEXIT_REVIEW = 3,       /* claim needs review */
};

enum vlang { VLANG_ZH = 0, VLANG_EN = 1 };

/* What verify, claim and serve share: the root key, the trust list and status lists. */
struct vconfig {
	const char *root_path;
	const char *trust_path;
	const char *status_paths[VERIFIER_STATUS_MAX];
	int nstatus;
	int lang;       /* enum vlang */
	int json;
	EVP_PKEY *root;
	struct ecert_trustlist *trust;
	struct ecert_verifier *verifier;
};

struct verifier_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_verify(int argc, char **argv);
int cmd_claim(int argc, char **argv);
int cmd_equivalent(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Load root, trust list and status lists named in c; on failure print the error and
 * return VEXIT_USAGE (unreadable configuration) or VEXIT_INVALID (untrusted list). */
int vconfig_load(struct vconfig *c);
void vconfig_free(struct vconfig *c);
/* Parse "zh"/"en" (also from ECERT_LANG); -1 if unknown. */
int vlang_parse(const char *s);

/* "ecert-verifier: error: WHERE: MSG" on stderr. */
void verr(const struct ecert_error *err, const char *fallback_where);
void verr_msg(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vusage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* verify --basis (basis.c): the basis certificates of a title earned through the pathway
 * and the rules to judge it by. */
struct vbasis {
	const char *paths[ECERT_PATHWAY_BASIS_MAX];
	size_t n;
	struct ecert_rules_sources src;
	struct ecert_rules *rules;
};

/* The pathway part of one verification: described (no basis) or judged. */
struct vpathway {
	int present; /* the certificate names a pathway, or a basis was given */
	struct ecert_pathway_result r;
	struct ecert_verify_result basis[ECERT_PATHWAY_BASIS_MAX];
	size_t n;
};

/* Load the rules when a basis is given; VEXIT_USAGE (error printed) if they cannot be. */
int vbasis_load(struct vbasis *vb);
void vbasis_free(struct vbasis *vb);
/* After `res` was verified with `o`: verify the basis files and judge the pathway (a
 * pathway that does not hold makes res->valid 0), or describe the pathway the certificate
 * names when no basis was given. VEXIT_USAGE (error printed) if a basis file cannot be
 * read. Free pw with vpathway_free. */
int vbasis_run(const struct vbasis *vb, const struct vconfig *c, const struct ecert_verify_opts *o,
	       struct ecert_verify_result *res, struct vpathway *pw);
void vpathway_free(struct vpathway *pw);
/* Add "pathway" (and "basisChecks") to a verify result object; -1 on allocation failure. */
int vpathway_json(const struct vpathway *pw, cJSON *root);
/* The pathway lines of the text report. */
void vpathway_text(FILE *f, const struct vpathway *pw, int lang);
/* Why the certificate is invalid when only its pathway failed (for the result line), or
 * NULL when the pathway was not judged or holds. */
const char *vpathway_failure(const struct vpathway *pw, int lang);
/* Whether the bytes are a PNG or JPEG image (a photo of a QR code). */
int verify_is_image(const unsigned char *p, size_t n);

/* Write one verification result for a counter clerk (zh or en). */
void report_verify_text(FILE *f, const struct ecert_verify_result *res, const char *why,
			int lang);
/* Short zh/en names of the checks ("签名" / "signature") and of an error code. */
const char *report_check_label(int check, int lang);
const char *report_error_words(int code, int lang);

#endif
