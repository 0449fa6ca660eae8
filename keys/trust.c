/* ecert-keys trust new / add / retire / compromised / show — the trust list
 * (docs/trustlist.md). The library does the work (ecert/trustedit.h, ecert/trustlist.h);
 * this file reads the command line, loads the root key and reports. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"
#include "ecert/domain.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/record.h"
#include "ecert/sign.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"
#include "ecert/uscc.h"
#include "keys.h"

/* Comma-separated lists on the command line: at most this many items. */
#define TRUST_LIST_ITEMS_MAX ECERT_TRUSTLIST_OCCUPATIONS_MAX
#define DATE_TEXT_LEN 10 /* YYYY-MM-DD */
#define SECONDS_PER_DAY 86400

enum {
	OPT_ROOT = 1000,
	OPT_OUT,
	OPT_NAME,
	OPT_FORCE,
	OPT_PASSFILE,
	OPT_PASSPHRASE, /* refused: never on the command line */
	OPT_PUB,
	OPT_ISSUER_ID,
	OPT_ISSUER_NAME,
	OPT_KINDS,
	OPT_SERIES,
	OPT_OCCUPATIONS,
	OPT_VALID_FROM,
	OPT_VALID_UNTIL,
	OPT_MULTIBASE,
	OPT_TITLES,
	OPT_KID,
	OPT_SINCE,
	OPT_JSON,
	OPT_HELP
};

static const char passphrase_rule[] =
    "the passphrase is never taken from the command line: use --passphrase-file FILE "
    "or the ECERT_PASSPHRASE environment variable";

/* The options every subcommand may see; each subcommand refuses those it does not use. */
static const struct option trust_opts[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"out", required_argument, NULL, OPT_OUT},
    {"name", required_argument, NULL, OPT_NAME},
    {"force", no_argument, NULL, OPT_FORCE},
    {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
    {"passphrase", optional_argument, NULL, OPT_PASSPHRASE},
    {"pub", required_argument, NULL, OPT_PUB},
    {"issuer-id", required_argument, NULL, OPT_ISSUER_ID},
    {"issuer-name", required_argument, NULL, OPT_ISSUER_NAME},
    {"kinds", required_argument, NULL, OPT_KINDS},
    {"series", required_argument, NULL, OPT_SERIES},
    {"occupations", required_argument, NULL, OPT_OCCUPATIONS},
    {"valid-from", required_argument, NULL, OPT_VALID_FROM},
    {"valid-until", required_argument, NULL, OPT_VALID_UNTIL},
    {"multibase", no_argument, NULL, OPT_MULTIBASE},
    {"titles", required_argument, NULL, OPT_TITLES},
    {"kid", required_argument, NULL, OPT_KID},
    {"since", required_argument, NULL, OPT_SINCE},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* Everything a subcommand may be given. */
struct trust_args {
	const char *cmd;  /* "trust add" … for messages */
	const char *file; /* the list (positional) */
	const char *root, *out, *name, *ppfile, *pub, *issuer_id, *issuer_name;
	const char *kinds, *series, *occupations, *valid_from, *valid_until, *titles;
	const char *kid, *since;
	int force, multibase, json;
};

/* One subcommand: its help, the options it accepts and what runs it. */
struct trust_sub {
	const char *name;
	const char *summary;
	const char *help;
	const int *allowed; /* OPT_* values, 0-terminated */
	int takes_file;
	int (*run)(struct trust_args *a);
};

/* ---- help ---------------------------------------------------------------------- */

static const char trust_help_head[] =
    "Usage: ecert-keys trust SUBCOMMAND [ARGS]\n"
    "\n"
    "Build and change the trust list: the JSON document, signed by the province root\n"
    "key, that tells verifiers which issuer keys they may accept — for which kinds of\n"
    "certificate, title series and occupations, and from when to when. Verifiers are\n"
    "configured with the root public key only (docs/trustlist.md).\n"
    "\n"
    "Subcommands:\n";

static const char trust_help_tail[] =
    "\n"
    "'ecert-keys trust SUBCOMMAND --help' explains one. Every change verifies the\n"
    "existing list with the root key first (a hand-edited list is refused), adds one to\n"
    "its version, re-signs it and replaces the file atomically. Root passphrases come\n"
    "from --passphrase-file FILE or ECERT_PASSPHRASE, never from the command line.\n"
    "\n"
    "A typical start:\n"
    "  ecert-keys gen --out root-2025 --passphrase-file root-pass.txt\n"
    "  ecert-keys trust new --root root-2025.key --out trust.json \\\n"
    "      --passphrase-file root-pass.txt\n"
    "  ecert-keys trust add trust.json --root root-2025.key --pub jlhrss-2025.pub \\\n"
    "      --issuer-id 11220000013544525W --issuer-name 吉林省人力资源和社会保障厅 \\\n"
    "      --kinds title --series 工程,农业 --passphrase-file root-pass.txt\n"
    "  ecert-keys trust show trust.json --root root-2025.pub\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

static const char new_help[] =
    "Usage: ecert-keys trust new --root ROOT.key --out FILE [--name NAME] [--force]\n"
    "                            [--passphrase-file FILE]\n"
    "\n"
    "Create an empty trust list (version 1, no entries), signed by the root key.\n"
    "\n"
    "Options:\n"
    "  --root ROOT.key         the root private key (encrypted PEM, mode 0600)\n"
    "  --out FILE              where to write the list; refused if FILE exists\n"
    "  --name NAME             the list's id becomes urn:ecert:trustlist:NAME (letters,\n"
    "                          digits, . _ : -); default: the root key's kid\n"
    "  --force                 replace an existing FILE\n"
    "  --passphrase-file FILE  the root key's passphrase, first line of FILE\n"
    "  -h, --help              show this help\n"
    "\n"
    "Environment:\n"
    "  ECERT_PASSPHRASE        the passphrase, when --passphrase-file is not given\n"
    "\n"
    "Example:\n"
    "  ecert-keys trust new --root root-2025.key --out trust.json --name jilin \\\n"
    "      --passphrase-file root-pass.txt\n"
    "\n"
    "Exit status: 0 written, 1 failure (FILE exists, wrong passphrase, I/O), 2 usage.\n";

static const char add_help[] =
    "Usage: ecert-keys trust add LIST --root ROOT.key --pub ISSUER.pub\n"
    "                            --issuer-id USCC --issuer-name NAME --kinds KINDS\n"
    "                            [--series S,…] [--occupations CODE,…]\n"
    "                            [--valid-from TIME] [--valid-until TIME] [--multibase]\n"
    "                            [--titles FILE] [--out FILE] [--passphrase-file FILE]\n"
    "\n"
    "Add one issuer key to the list LIST, then re-sign it (version + 1).\n"
    "\n"
    "Options:\n"
    "  --root ROOT.key         the root private key\n"
    "  --pub ISSUER.pub        the issuer's public key (SPKI PEM, from ecert-keys gen);\n"
    "                          its kid and cryptosuite are derived from it\n"
    "  --issuer-id USCC        the organisation's 统一社会信用代码, 18 characters, bare or\n"
    "                          as urn:uscc:…; the GB 32100 check character is verified\n"
    "  --issuer-name NAME      the name printed on its certificates, UTF-8 (Chinese as\n"
    "                          is); an issuer already listed must keep its name\n"
    "  --kinds KINDS           title, skill or title,skill: 电子职称证书 and/or\n"
    "                          职业技能等级证书/职业资格证书\n"
    "  --series S,…            title keys only: the title series (系列) it may sign,\n"
    "                          e.g. 工程,农业; checked against the title tables;\n"
    "                          default: any series\n"
    "  --occupations CODE,…    skill keys only: occupation codes or prefixes it may\n"
    "                          sign, e.g. 6-18,4-07-02 (6-18 covers 6-18-01-01);\n"
    "                          default: any occupation\n"
    "  --valid-from TIME       first moment the key may sign (default: now)\n"
    "  --valid-until TIME      last moment the key may sign (default: no end)\n"
    "  --multibase             store the key as publicKeyMultibase instead of PEM\n"
    "  --titles FILE           a newer title table than the built-in one\n"
    "  --out FILE              write the new version there instead of over LIST\n"
    "  --passphrase-file FILE  the root key's passphrase, first line of FILE\n"
    "  -h, --help              show this help\n"
    "\n"
    "TIME is an RFC 3339 date-time (2025-01-01T08:00:00+08:00) or a date: as\n"
    "--valid-from 2025-01-01 means 00:00:00 and --valid-until 2029-12-31 means\n"
    "23:59:59 of that day, China time (UTC+8).\n"
    "\n"
    "Example:\n"
    "  ecert-keys trust add trust.json --root root-2025.key --pub org-ed.pub \\\n"
    "      --issuer-id 91220101MA00000000 --issuer-name 长春市职业技能等级评价中心 \\\n"
    "      --kinds skill --occupations 6-18,4-07-02 --valid-until 2027-12-31 \\\n"
    "      --passphrase-file root-pass.txt\n"
    "\n"
    "Exit status: 0 added, 1 refused (bad USCC, key already listed, unknown series,\n"
    "list does not verify, wrong passphrase …), 2 usage error.\n";

static const char retire_help[] =
    "Usage: ecert-keys trust retire LIST --root ROOT.key --kid KID [--since TIME]\n"
    "                               [--out FILE] [--passphrase-file FILE]\n"
    "\n"
    "Retire an issuer key: certificates it signed up to and including --since keep\n"
    "verifying; anything it signs later is refused. Use this when a key is replaced in\n"
    "the normal course. For a lost or stolen key use 'trust compromised'.\n"
    "\n"
    "Options:\n"
    "  --root ROOT.key         the root private key\n"
    "  --kid KID               the key to retire (see 'ecert-keys trust show')\n"
    "  --since TIME            when it stops signing (default: now); RFC 3339 or a\n"
    "                          date (23:59:59 of that day, China time)\n"
    "  --out FILE              write the new version there instead of over LIST\n"
    "  --passphrase-file FILE  the root key's passphrase, first line of FILE\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 retired, 1 refused (no such kid, already retired or compromised,\n"
    "list does not verify, wrong passphrase …), 2 usage error.\n";

static const char compromised_help[] =
    "Usage: ecert-keys trust compromised LIST --root ROOT.key --kid KID --since TIME\n"
    "                                    [--out FILE] [--passphrase-file FILE]\n"
    "\n"
    "Mark an issuer key compromised: everything it signed at or after --since is\n"
    "refused; what it signed before stays valid. Choose --since as the earliest moment\n"
    "the key may have been exposed, not when the loss was noticed — a thief can\n"
    "back-date signatures. A retired key keeps the earlier of its retirement and\n"
    "--since; an already compromised key can only have --since moved earlier.\n"
    "\n"
    "Options:\n"
    "  --root ROOT.key         the root private key\n"
    "  --kid KID               the key (see 'ecert-keys trust show')\n"
    "  --since TIME            required; RFC 3339 or a date (00:00:00 of that day,\n"
    "                          China time)\n"
    "  --out FILE              write the new version there instead of over LIST\n"
    "  --passphrase-file FILE  the root key's passphrase, first line of FILE\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 marked, 1 refused, 2 usage error.\n";

static const char show_help[] =
    "Usage: ecert-keys trust show LIST --root ROOT.pub|ROOT.key [--json]\n"
    "                             [--passphrase-file FILE]\n"
    "\n"
    "Verify the list with the root key and print it: id, version, issue time, then\n"
    "each issuer key with its issuer, validity, status and what it may sign.\n"
    "\n"
    "Options:\n"
    "  --root FILE             the root public key (or the private key, which then\n"
    "                          needs its passphrase)\n"
    "  --json                  print the verified list as JSON\n"
    "  --passphrase-file FILE  passphrase, when --root is a private key\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 the list verifies and was printed, 1 it does not verify or cannot\n"
    "be read, 2 usage error.\n";

/* ---- helpers ------------------------------------------------------------------- */

static int trust_fail(const struct trust_args *a, const struct ecert_error *err)
{
	return keys_fail(a->cmd, err);
}

/* Split a comma-separated list in place (s is modified); empty items are refused. */
static int split_list(char *s, const char **items, size_t max, size_t *n)
{
	char *p = s, *comma;

	*n = 0;
	for (;;) {
		if (*n == max)
			return -1;
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!*p)
			return -1;
		items[(*n)++] = p;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* TIME: RFC 3339, or YYYY-MM-DD meaning the start (end_of_day 0) or the last second
 * (end_of_day 1) of that day in China time. */
static int parse_when(const char *s, int end_of_day, int64_t *t)
{
	if (ecert_record_time_parse(s, t, NULL) != ECERT_OK)
		return -1;
	if (end_of_day && strlen(s) == DATE_TEXT_LEN)
		*t += SECONDS_PER_DAY - 1;
	return 0;
}

static int load_root_private(const struct trust_args *a, EVP_PKEY **root, struct ecert_error *err)
{
	struct ecert_passphrase pp = {NULL, 0};
	int rc;

	rc = ecert_passphrase_get(a->ppfile, &pp, err);
	if (rc == ECERT_OK)
		rc = ecert_key_load_private(a->root, &pp, root, err);
	ecert_passphrase_free(&pp);
	if (rc != ECERT_OK && !err->where[0])
		ecert_error_where(err, "%s", a->root);
	return rc;
}

/* Commit the session and write it to --out or over the list; report the version. */
static int commit_and_write(const struct trust_args *a, struct ecert_trustedit *ed, long before,
                            int exclusive, struct ecert_error *err)
{
	const char *path = a->out ? a->out : a->file;
	int rc;

	rc = ecert_trustedit_commit(ed, ecert_time_now(), err);
	if (rc == ECERT_OK)
		rc = ecert_trustedit_write(ed, path, exclusive, err);
	if (rc != ECERT_OK)
		return rc;
	if (before > 0)
		printf("%s: version %ld (was %ld), signed by the root key\n", path,
		       ecert_trustedit_version(ed), before);
	else
		printf("%s: version %ld, signed by the root key\n", path,
		       ecert_trustedit_version(ed));
	return ECERT_OK;
}

static void print_time(const char *label, int64_t t)
{
	char buf[26];

	ecert_time_format(t, 0, buf);
	printf("  %-11s %s\n", label, buf);
}

static void print_entry(const struct ecert_trust_entry *e)
{
	int64_t from = ecert_trust_entry_valid_from(e), until, since;
	enum ecert_key_status st = ecert_trust_entry_status(e, &since);
	char a[26], b[26];
	size_t i, n;

	printf("\n%s  %s  %s\n", ecert_trust_entry_kid(e), ecert_trust_entry_cryptosuite(e),
	       ecert_key_status_name(st));
	printf("  %-11s %s (%s)\n", "issuer", ecert_trust_entry_issuer_name(e),
	       ecert_trust_entry_issuer_id(e));
	ecert_time_format(from, 0, a);
	if (ecert_trust_entry_valid_until(e, &until)) {
		ecert_time_format(until, 0, b);
		printf("  %-11s %s .. %s\n", "valid", a, b);
	} else {
		printf("  %-11s from %s, no end\n", "valid", a);
	}
	if (st == ECERT_KEY_RETIRED)
		print_time("retired", since);
	else if (st == ECERT_KEY_COMPROMISED)
		print_time("compromised", since);
	if (ecert_trust_entry_has_kind(e, ECERT_KIND_TITLE)) {
		printf("  %-11s title certificates, ", "may sign");
		n = ecert_trust_entry_series_count(e);
		if (n == 0)
			printf("any series\n");
		for (i = 0; i < n; i++)
			printf("%s%s", i ? ", " : "series ", ecert_trust_entry_series(e, i));
		if (n)
			putchar('\n');
	}
	if (ecert_trust_entry_has_kind(e, ECERT_KIND_SKILL)) {
		printf("  %-11s skill certificates, ", "may sign");
		n = ecert_trust_entry_occupation_count(e);
		if (n == 0)
			printf("any occupation\n");
		for (i = 0; i < n; i++)
			printf("%s%s", i ? ", " : "occupations ",
			       ecert_trust_entry_occupation(e, i));
		if (n)
			printf(" (and the codes under them)\n");
	}
}

/* ---- subcommands --------------------------------------------------------------- */

static int run_new(struct trust_args *a)
{
	struct ecert_trustedit *ed = NULL;
	struct ecert_error err;
	EVP_PKEY *root = NULL;
	int rc = KEYS_EXIT_FAIL;

	ecert_error_clear(&err);
	if (!a->root || !a->out)
		return keys_usage(a->cmd, "--root ROOT.key and --out FILE are required");
	if (a->name && strlen(a->name) == 0)
		return keys_usage(a->cmd, "--name must not be empty");
	if (load_root_private(a, &root, &err) != ECERT_OK ||
	    ecert_trustedit_new(root, a->name, &ed, &err) != ECERT_OK ||
	    commit_and_write(a, ed, 0, !a->force, &err) != ECERT_OK) {
		rc = trust_fail(a, &err);
		goto out;
	}
	printf("id: %s\n", ecert_json_str(ecert_trustedit_json(ed), "id"));
	rc = fflush(stdout) == 0 ? KEYS_EXIT_OK : KEYS_EXIT_FAIL;
out:
	ecert_trustedit_free(ed);
	EVP_PKEY_free(root);
	return rc;
}

/* Parse --kinds / --series / --occupations into the spec; returns -1 to go on, else an
 * exit status (usage errors are reported). */
static int parse_scope(struct trust_args *a, char *kinds, char *series, char *occupations,
                       const char **kv, const char **sv, const char **ov,
                       struct ecert_trust_entry_spec *sp)
{
	int title = 0, skill = 0;
	size_t i;

	if (split_list(kinds, kv, 2, &sp->n_kinds) != 0)
		return keys_usage(a->cmd, "--kinds: expected title, skill or title,skill");
	for (i = 0; i < sp->n_kinds; i++) {
		if (strcmp(kv[i], ECERT_KIND_TITLE) == 0)
			title = 1;
		else if (strcmp(kv[i], ECERT_KIND_SKILL) == 0)
			skill = 1;
		else
			return keys_usage(a->cmd, "--kinds: expected title, skill or title,skill");
	}
	sp->kinds = kv;
	if (series && !title)
		return keys_usage(a->cmd, "--series limits title keys; add title to --kinds");
	if (occupations && !skill)
		return keys_usage(a->cmd, "--occupations limits skill keys; add skill to --kinds");
	if (series) {
		if (split_list(series, sv, TRUST_LIST_ITEMS_MAX, &sp->n_series) != 0)
			return keys_usage(a->cmd, "--series: a comma-separated list of series "
			                          "names, e.g. 工程,农业");
		sp->series = sv;
	}
	if (occupations) {
		if (split_list(occupations, ov, TRUST_LIST_ITEMS_MAX, &sp->n_occupations) != 0)
			return keys_usage(a->cmd, "--occupations: a comma-separated list of codes "
			                          "or prefixes, e.g. 6-18,4-07-02");
		sp->occupations = ov;
	}
	return -1;
}

/* Every --series must be a series of the title tables (the issuer refuses others). */
static int check_series(const struct trust_args *a, const struct ecert_trust_entry_spec *sp,
                        struct ecert_error *err)
{
	const struct ecert_domain *d = NULL;
	struct ecert_domain *own = NULL;
	size_t i;
	int rc;

	if (sp->n_series == 0)
		return ECERT_OK;
	rc = a->titles ? ecert_domain_load(a->titles, NULL, &own, err)
	               : ecert_domain_default(&d, err);
	if (rc != ECERT_OK)
		return rc;
	if (own)
		d = own;
	for (i = 0; i < sp->n_series && rc == ECERT_OK; i++) {
		rc = ecert_domain_series(d, sp->series[i], NULL, err);
		if (rc != ECERT_OK)
			ecert_error_where(err, "--series");
	}
	ecert_domain_free(own);
	return rc;
}

static int run_add(struct trust_args *a)
{
	struct ecert_trust_entry_spec sp;
	struct ecert_trustedit *ed = NULL;
	struct ecert_error err;
	EVP_PKEY *root = NULL, *pub = NULL;
	char urn[ECERT_USCC_URN_SIZE], code[ECERT_USCC_LEN + 1], kid[ECERT_KID_LEN + 1];
	const char *kv[2], *sv[TRUST_LIST_ITEMS_MAX], *ov[TRUST_LIST_ITEMS_MAX];
	char *kinds = NULL, *series = NULL, *occupations = NULL;
	long before;
	int rc = KEYS_EXIT_FAIL, u;

	memset(&sp, 0, sizeof(sp));
	ecert_error_clear(&err);
	if (!a->root || !a->pub || !a->issuer_id || !a->issuer_name || !a->kinds)
		return keys_usage(a->cmd, "--root, --pub, --issuer-id, --issuer-name and --kinds "
		                          "are required");
	sp.valid_from = ecert_time_now();
	if (a->valid_from && parse_when(a->valid_from, 0, &sp.valid_from) != 0)
		return keys_usage(a->cmd, "--valid-from: expected YYYY-MM-DD or an RFC 3339 "
		                          "date-time such as 2025-01-01T08:00:00+08:00");
	if (a->valid_until) {
		if (parse_when(a->valid_until, 1, &sp.valid_until) != 0)
			return keys_usage(a->cmd, "--valid-until: expected YYYY-MM-DD or an RFC "
			                          "3339 date-time");
		sp.has_valid_until = 1;
	}
	/* Bare code or URN; either way the GB 32100 check character is checked. */
	if (strncmp(a->issuer_id, ECERT_USCC_URN_PREFIX, strlen(ECERT_USCC_URN_PREFIX)) == 0) {
		if (ecert_uscc_from_urn(a->issuer_id, code, &err) != ECERT_OK ||
		    ecert_uscc_urn(code, urn, &err) != ECERT_OK) {
			ecert_error_where(&err, "--issuer-id");
			return trust_fail(a, &err);
		}
	} else if (ecert_uscc_urn(a->issuer_id, urn, &err) != ECERT_OK) {
		ecert_error_where(&err, "--issuer-id");
		return trust_fail(a, &err);
	}
	kinds = ecert_strdup(a->kinds);
	series = a->series ? ecert_strdup(a->series) : NULL;
	occupations = a->occupations ? ecert_strdup(a->occupations) : NULL;
	if (!kinds || (a->series && !series) || (a->occupations && !occupations)) {
		keys_error(a->cmd, "out of memory");
		goto out;
	}
	u = parse_scope(a, kinds, series, occupations, kv, sv, ov, &sp);
	if (u != -1) {
		rc = u;
		goto out;
	}
	sp.issuer_id = urn;
	sp.issuer_name = a->issuer_name;
	sp.multibase = a->multibase;
	if (check_series(a, &sp, &err) != ECERT_OK ||
	    ecert_key_load_public(a->pub, &pub, &err) != ECERT_OK ||
	    load_root_private(a, &root, &err) != ECERT_OK ||
	    ecert_trustedit_open(a->file, root, &ed, &err) != ECERT_OK) {
		rc = trust_fail(a, &err);
		goto out;
	}
	sp.key = pub;
	before = ecert_trustedit_version(ed);
	if (ecert_trustedit_add(ed, &sp, &err) != ECERT_OK ||
	    ecert_key_kid(pub, kid, &err) != ECERT_OK ||
	    commit_and_write(a, ed, before, 0, &err) != ECERT_OK) {
		rc = trust_fail(a, &err);
		goto out;
	}
	printf("added %s (%s) for %s (%s)\n", kid, ecert_suite_name(ecert_key_alg(pub)),
	       a->issuer_name, urn);
	rc = fflush(stdout) == 0 ? KEYS_EXIT_OK : KEYS_EXIT_FAIL;
out:
	ecert_free(kinds);
	ecert_free(series);
	ecert_free(occupations);
	ecert_trustedit_free(ed);
	EVP_PKEY_free(root);
	EVP_PKEY_free(pub);
	return rc;
}

/* retire and compromised */
static int run_status(struct trust_args *a, int compromised)
{
	struct ecert_trustedit *ed = NULL;
	struct ecert_error err;
	EVP_PKEY *root = NULL;
	int64_t since = ecert_time_now(), eff = 0;
	char when[26];
	long before;
	int rc = KEYS_EXIT_FAIL;

	ecert_error_clear(&err);
	if (!a->root || !a->kid)
		return keys_usage(a->cmd, "--root ROOT.key and --kid KID are required");
	if (compromised && !a->since)
		return keys_usage(a->cmd, "--since TIME is required: the earliest moment the key "
		                          "may have been exposed");
	/* a date alone: a retirement lasts through the day, exposure from its start */
	if (a->since && parse_when(a->since, !compromised, &since) != 0)
		return keys_usage(a->cmd, "--since: expected YYYY-MM-DD or an RFC 3339 date-time");
	if (load_root_private(a, &root, &err) != ECERT_OK ||
	    ecert_trustedit_open(a->file, root, &ed, &err) != ECERT_OK) {
		rc = trust_fail(a, &err);
		goto out;
	}
	before = ecert_trustedit_version(ed);
	rc = compromised ? ecert_trustedit_compromised(ed, a->kid, since, &eff, &err)
	                 : ecert_trustedit_retire(ed, a->kid, since, &err);
	if (!compromised)
		eff = since;
	if (rc != ECERT_OK || commit_and_write(a, ed, before, 0, &err) != ECERT_OK) {
		rc = trust_fail(a, &err);
		goto out;
	}
	ecert_time_format(eff, 0, when);
	printf("%s %s since %s\n", a->kid, compromised ? "compromised" : "retired", when);
	rc = fflush(stdout) == 0 ? KEYS_EXIT_OK : KEYS_EXIT_FAIL;
out:
	ecert_trustedit_free(ed);
	EVP_PKEY_free(root);
	return rc;
}

static int run_retire(struct trust_args *a)
{
	return run_status(a, 0);
}

static int run_compromised(struct trust_args *a)
{
	return run_status(a, 1);
}

static int run_show(struct trust_args *a)
{
	struct ecert_json_limits lim = {ECERT_TRUSTLIST_MAX_BYTES, 0};
	struct ecert_trustlist *tl = NULL;
	struct ecert_error err;
	EVP_PKEY *root = NULL;
	cJSON *doc = NULL;
	char *text = NULL;
	size_t i, n;
	int rc = KEYS_EXIT_FAIL;

	ecert_error_clear(&err);
	if (!a->root)
		return keys_usage(a->cmd, "--root FILE (the root public key) is required");
	if (keys_load_any(a->root, a->ppfile, &root, &err) != ECERT_OK ||
	    ecert_json_parse_file(a->file, &lim, &doc, &err) != ECERT_OK) {
		rc = trust_fail(a, &err);
		goto out;
	}
	if (ecert_trustlist_from_json(doc, root, &tl, &err) != ECERT_OK) {
		ecert_error_prefix(&err, "%s", a->file);
		rc = trust_fail(a, &err);
		goto out;
	}
	if (a->json) {
		text = cJSON_Print(doc);
		if (!text) {
			keys_error(a->cmd, "out of memory");
			goto out;
		}
		printf("%s\n", text);
	} else {
		n = ecert_trustlist_count(tl);
		printf("Trust list %s\n", ecert_trustlist_id(tl));
		printf("  %-11s %ld\n", "version", ecert_trustlist_version(tl));
		printf("  %-11s %s\n", "issued", ecert_trustlist_issued_text(tl));
		printf("  %-11s %s (%s), signature verified\n", "root key",
		       ecert_trustlist_root_kid(tl), ecert_suite_name(ecert_key_alg(root)));
		printf("  %-11s %zu key%s of %zu issuer%s\n", "entries", n, n == 1 ? "" : "s",
		       ecert_trustlist_issuer_count(tl),
		       ecert_trustlist_issuer_count(tl) == 1 ? "" : "s");
		for (i = 0; i < n; i++)
			print_entry(ecert_trustlist_entry(tl, i));
	}
	rc = fflush(stdout) == 0 ? KEYS_EXIT_OK : KEYS_EXIT_FAIL;
out:
	cJSON_free(text);
	cJSON_Delete(doc);
	ecert_trustlist_free(tl);
	EVP_PKEY_free(root);
	return rc;
}

/* ---- dispatch ------------------------------------------------------------------ */

static const int new_opts[] = {OPT_ROOT, OPT_OUT, OPT_NAME, OPT_FORCE, OPT_PASSFILE, 0};
static const int add_opts[] = {OPT_ROOT,        OPT_PUB,
                               OPT_ISSUER_ID,   OPT_ISSUER_NAME,
                               OPT_KINDS,       OPT_SERIES,
                               OPT_OCCUPATIONS, OPT_VALID_FROM,
                               OPT_VALID_UNTIL, OPT_MULTIBASE,
                               OPT_TITLES,      OPT_OUT,
                               OPT_PASSFILE,    0};
static const int status_opts[] = {OPT_ROOT, OPT_KID, OPT_SINCE, OPT_OUT, OPT_PASSFILE, 0};
static const int show_opts[] = {OPT_ROOT, OPT_JSON, OPT_PASSFILE, 0};

static const struct trust_sub trust_subs[] = {
    {"new", "create an empty signed list", new_help, new_opts, 0, run_new},
    {"add", "add an issuer key with its scope", add_help, add_opts, 1, run_add},
    {"retire", "retire a key (it stops signing)", retire_help, status_opts, 1, run_retire},
    {"compromised", "mark a key compromised from a time on", compromised_help, status_opts, 1,
     run_compromised},
    {"show", "verify the list and print it", show_help, show_opts, 1, run_show},
    {NULL, NULL, NULL, NULL, 0, NULL},
};

static void trust_help(FILE *f)
{
	const struct trust_sub *s;

	fputs(trust_help_head, f);
	for (s = trust_subs; s->name; s++)
		fprintf(f, "  %-12s %s\n", s->name, s->summary);
	fputs(trust_help_tail, f);
}

static const char *option_name(int val)
{
	const struct option *o;

	for (o = trust_opts; o->name; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

static int allowed(const struct trust_sub *s, int val)
{
	const int *p;

	for (p = s->allowed; *p; p++)
		if (*p == val)
			return 1;
	return 0;
}

/* Store one option; returns -1 to go on, else an exit status. */
static int take_opt(struct trust_args *a, const struct trust_sub *s, int c, char *arg)
{
	if (c == OPT_PASSPHRASE)
		return keys_usage(a->cmd, "%s", passphrase_rule);
	if (!allowed(s, c))
		return keys_usage(a->cmd, "option --%s does not apply here", option_name(c));
	switch (c) {
	case OPT_ROOT:
		a->root = arg;
		break;
	case OPT_OUT:
		a->out = arg;
		break;
	case OPT_NAME:
		a->name = arg;
		break;
	case OPT_FORCE:
		a->force = 1;
		break;
	case OPT_PASSFILE:
		a->ppfile = arg;
		break;
	case OPT_PUB:
		a->pub = arg;
		break;
	case OPT_ISSUER_ID:
		a->issuer_id = arg;
		break;
	case OPT_ISSUER_NAME:
		a->issuer_name = arg;
		break;
	case OPT_KINDS:
		a->kinds = arg;
		break;
	case OPT_SERIES:
		a->series = arg;
		break;
	case OPT_OCCUPATIONS:
		a->occupations = arg;
		break;
	case OPT_VALID_FROM:
		a->valid_from = arg;
		break;
	case OPT_VALID_UNTIL:
		a->valid_until = arg;
		break;
	case OPT_MULTIBASE:
		a->multibase = 1;
		break;
	case OPT_TITLES:
		a->titles = arg;
		break;
	case OPT_KID:
		a->kid = arg;
		break;
	case OPT_SINCE:
		a->since = arg;
		break;
	case OPT_JSON:
		a->json = 1;
		break;
	default:
		return keys_usage(a->cmd, "unexpected option");
	}
	return -1;
}

static int run_sub(const struct trust_sub *s, int argc, char **argv)
{
	struct trust_args a;
	char cmd[32];
	int c, r;

	memset(&a, 0, sizeof(a));
	snprintf(cmd, sizeof(cmd), "trust %s", s->name);
	a.cmd = cmd;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", trust_opts, NULL)) != -1) {
		if (c == 'h' || c == OPT_HELP) {
			fputs(s->help, stdout);
			return KEYS_EXIT_OK;
		}
		if (c == '?') {
			if (optopt)
				return keys_usage(cmd, "unknown option '-%c'", optopt);
			return keys_usage(cmd, "unknown or ambiguous option '%s'",
			                  argv[optind - 1]);
		}
		if (c == ':')
			return keys_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
		r = take_opt(&a, s, c, optarg);
		if (r != -1)
			return r;
	}
	if (s->takes_file) {
		if (optind >= argc)
			return keys_usage(cmd, "the trust list FILE is required");
		a.file = argv[optind++];
	}
	/* not echoed: it might be a passphrase typed in the wrong place */
	if (optind < argc)
		return keys_usage(cmd, "unexpected argument (%s)", passphrase_rule);
	return s->run(&a);
}

int keys_cmd_trust(int argc, char **argv)
{
	const struct trust_sub *s;

	if (argc < 2) {
		trust_help(stderr);
		return KEYS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		trust_help(stdout);
		return KEYS_EXIT_OK;
	}
	for (s = trust_subs; s->name; s++)
		if (strcmp(s->name, argv[1]) == 0)
			return run_sub(s, argc - 1, argv + 1);
	return keys_usage("trust",
	                  "unknown subcommand '%s' (new, add, retire, compromised, "
	                  "show)",
	                  argv[1]);
}
