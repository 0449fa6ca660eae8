/* ecert-issuer issue — shared between the two passes (issue.c: options and pass 1, the
 * check of every record; batch.c: pass 2, signing and writing) and the scratch store that
 * carries what pass 1 learnt to pass 2 without holding the batch in memory. */
#ifndef ECERT_ISSUER_ISSUE_H
#define ECERT_ISSUER_ISSUE_H

#include <stdint.h>

#include "ecert/buf.h"
#include "ecert/certbuild.h"
#include "ecert/pathway.h"
#include "ecert/qrimage.h"
#include "ecert/records.h"
#include "ecert/register.h"
#include "issuer.h"

/* Most worker threads (--jobs). */
#define ISSUE_JOBS_MAX 64
/* Errors printed in full before "… and N more". */
#define ISSUE_ERRORS_SHOWN 20
/* File modes: certificates and QR images are handed out; the rejects file names people. */
#define ISSUE_FILE_MODE 0644
#define ISSUE_REJECTS_MODE 0600
#define ISSUE_DIR_MODE 0755
#define ISSUE_PATH_MAX 4096

/* --basis (basis.c): the basis certificates of a title earned through the pathway. */
struct issue_basis {
	const char *paths[ECERT_PATHWAY_BASIS_MAX];
	size_t n;
	struct ecert_rules_sources src; /* --rules, --table */
	struct ecert_rules *rules;
	struct ecert_verifier *ver;     /* over the issuer's own trust list */
	struct ecert_buf bytes[ECERT_PATHWAY_BASIS_MAX];
	int64_t now;
};

struct issue_opts {
	struct issuer_signer_args signer;
	const char *in;           /* --in, "-" = standard input */
	const char *in_path;      /* what is read: `in`, or the spooled copy of stdin */
	const char *out;          /* --out DIR */
	const char *reg_path;     /* --register, or the default beside DIR */
	const char *skip_invalid; /* --skip-invalid FILE, or NULL */
	enum ecert_records_format format;
	enum ecert_records_encoding encoding;
	unsigned qr_flags; /* ECERT_CERTBUILD_PNG | ECERT_CERTBUILD_SVG */
	struct ecert_qrimage_opts qr;
	int jobs;
	int replace_reserved;
	int progress; /* draw the progress bar (stderr is a terminal, not --quiet) */
	const struct issue_basis *basis; /* --basis given: one record, a title; else NULL */
};

/* ---- --basis (basis.c) ---- */

/* Load the rules, a verifier over the signer's trust list and the basis files. Errors:
 * those of the loaders (err->where names the file). Free with issue_basis_close. */
int issue_basis_open(struct issue_basis *b, const struct issuer_signer *s, int64_t now,
		     struct ecert_error *err);
void issue_basis_close(struct issue_basis *b);
/* Before a record is checked or hashed (both passes, main thread): with a basis (b not
 * NULL), validate the record, check the basis against the rules and set rec.pathway —
 * with `warn`, a pathway that holds on a specialty/occupation pair the table lacks is
 * reported as a warning; without a basis, a record's own pathway is kept as given (with
 * `warn`, a warning says it was not checked).
 * err->where is the field at fault ("pathway", "kind" or the record's own). */
int issue_basis_apply(const struct issue_basis *b, cJSON *rec, int only_kind, int warn,
		      struct ecert_error *err);

/* ---- scratch store (scratch.c): a private temporary SQLite database ---- */

struct issue_scratch;

int issue_scratch_open(struct issue_scratch **out, struct ecert_error *err);
void issue_scratch_close(struct issue_scratch *sc);
/* Note `number` seen on `line`: 0 if new, 1 if it was seen before (*first_line = where),
 * -1 on error (err set). */
int issue_scratch_seen(struct issue_scratch *sc, const char *number, unsigned long line,
                       unsigned long *first_line, struct ecert_error *err);
/* Record that the ordinal-th input item (from 1) is refused, with what to tell. */
int issue_scratch_reject(struct issue_scratch *sc, unsigned long ordinal, unsigned long line,
                         const char *number, const char *field, const char *reason,
                         struct ecert_error *err);
/* Whether the ordinal-th item was refused; ordinals must be asked in increasing order. */
int issue_scratch_is_rejected(struct issue_scratch *sc, unsigned long ordinal);
/* Write the refused items as CSV (line, certificateNumber, field, reason) to path. */
int issue_scratch_write_rejects(struct issue_scratch *sc, const char *path,
                                struct ecert_error *err);

/* ---- pass 2 (batch.c) ---- */

struct issue_summary {
	unsigned long issued;  /* signed and written in this run */
	unsigned long already; /* issued before from the same record */
	unsigned long failed;  /* could not be issued in this run */
	unsigned long skipped; /* refused in pass 1 (--skip-invalid) */
};

/* Sign and write the `expected` records pass 1 accepted (the others are skipped by
 * ordinal), with o->jobs worker threads. ISSUER_EXIT_OK or the exit status to return;
 * errors are reported as they happen. */
int issue_batch_run(const struct issue_opts *o, struct issuer_signer *s, struct issue_scratch *sc,
                    unsigned long expected, struct issue_summary *sum);

/* The register's record hash of a record and the holder digest it was made with: the
 * register's digest when it has the number for this holder, else a fresh one (or, with
 * `replace`, a fresh one for a reserved row of another holder). Shared by both passes so
 * that they agree. found: the register's row for the number, or NULL. */
int issue_record_hash(const cJSON *rec, int kind, const struct ecert_register_entry *found,
                      char digest[ECERT_REGISTER_DIGEST_MAX + 1],
                      char hash[ECERT_CERTBUILD_HASH_SIZE], int *same_holder,
                      struct ecert_error *err);

#endif
