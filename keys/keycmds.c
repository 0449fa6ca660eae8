/* ecert-keys gen / kid / pub. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/file.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/sign.h"
#include "keys.h"

/* Key files are small; anything larger is not a key (encrypted PEM < 1 KiB). */
#define KEYS_FILE_MAX ((size_t)16384)
#define PEM_PUBLIC "-----BEGIN PUBLIC KEY-----"
#define PEM_ENCRYPTED "-----BEGIN ENCRYPTED PRIVATE KEY-----"

enum {
	OPT_ALG = 1000,
	OPT_OUT,
	OPT_FORCE,
	OPT_PASSFILE,
	OPT_PASSPHRASE, /* refused: a trap so that it is not taken as --passphrase-file */
	OPT_MULTIBASE,
	OPT_HELP
};

static const char passphrase_rule[] =
    "the passphrase is never taken from the command line: use --passphrase-file FILE "
    "or the ECERT_PASSPHRASE environment variable";

/* getopt_long with our own messages; returns the option, -1 at the end, '?' on error
 * (already reported). */
static int next_opt(const char *cmd, int argc, char **argv, const struct option *opts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, ":h", opts, NULL);
	if (c == '?') {
		if (optopt)
			keys_usage(cmd, "unknown option '-%c'", optopt);
		else
			keys_usage(cmd, "unknown or ambiguous option '%s'", argv[optind - 1]);
	} else if (c == ':') {
		keys_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
		c = '?';
	} else if (c == OPT_PASSPHRASE) {
		keys_usage(cmd, "%s", passphrase_rule);
		c = '?';
	}
	return c;
}

static void put_help(const char *s)
{
	fputs(s, stdout);
}

/* ---- gen ---- */

static void gen_help(void)
{
	put_help(
	    "Usage: ecert-keys gen [--alg sm2|ed25519|p256] --out NAME [--force]\n"
	    "                      [--passphrase-file FILE]\n"
	    "\n"
	    "Generate a signing key pair and write two files:\n"
	    "  NAME.key  the private key, encrypted PKCS#8 PEM (\"ENCRYPTED PRIVATE KEY\"):\n"
	    "            scrypt + SM4-CBC for sm2, scrypt + AES-256-CBC otherwise; mode 0600\n"
	    "  NAME.pub  the public key, SubjectPublicKeyInfo PEM; mode 0644\n"
	    "then print the key's kid (the id that certificates and the trust list use).\n"
	    "\n"
	    "Options:\n"
	    "  --alg ALG               sm2 (default; cryptosuite sm2-jcs-2025),\n"
	    "                          ed25519 (eddsa-jcs-2022) or p256 (ecdsa-jcs-2019)\n"
	    "  --out NAME              path prefix of the two files (required)\n"
	    "  --force                 replace existing NAME.key / NAME.pub\n"
	    "  --passphrase-file FILE  read the passphrase from the first line of FILE\n"
	    "                          (- = standard input)\n"
	    "  -h, --help              show this help\n"
	    "\n"
	    "The passphrase is never accepted on the command line.\n"
	    "\n"
	    "Environment:\n"
	    "  ECERT_PASSPHRASE        the passphrase, when --passphrase-file is not given\n"
	    "\n"
	    "Examples:\n"
	    "  (umask 077; cat > pass.txt)        # type the passphrase, then Ctrl-D\n"
	    "  ecert-keys gen --out jlhrss-2025 --passphrase-file pass.txt\n"
	    "  ECERT_PASSPHRASE=\"$(cat pass.txt)\" ecert-keys gen --alg ed25519 --out test-ed\n"
	    "\n"
	    "Exit status:\n"
	    "  0  the key pair was written\n"
	    "  1  failure: a file exists (without --force), no or empty passphrase, I/O error\n"
	    "  2  usage error\n");
}

int keys_cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"alg", required_argument, NULL, OPT_ALG},
	    {"out", required_argument, NULL, OPT_OUT},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
	    {"passphrase", optional_argument, NULL, OPT_PASSPHRASE},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *cmd = "gen", *out = NULL, *ppfile = NULL;
	enum ecert_alg alg = ECERT_ALG_SM2;
	struct ecert_passphrase pp = {NULL, 0};
	struct ecert_error err;
	EVP_PKEY *key = NULL;
	char kid[ECERT_KID_LEN + 1];
	int c, force = 0, rc = KEYS_EXIT_FAIL;

	ecert_error_clear(&err);
	while ((c = next_opt(cmd, argc, argv, opts)) != -1) {
		switch (c) {
		case OPT_ALG:
			alg = ecert_alg_from_name(optarg);
			if (alg == ECERT_ALG_NONE)
				return keys_usage(
				    cmd, "--alg: expected sm2, ed25519 or p256, not '%s'", optarg);
			break;
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case OPT_PASSFILE:
			ppfile = optarg;
			break;
		case 'h':
		case OPT_HELP:
			gen_help();
			return KEYS_EXIT_OK;
		default:
			return KEYS_EXIT_USAGE;
		}
	}
	/* not echoed: it might be a passphrase typed in the wrong place */
	if (optind < argc)
		return keys_usage(cmd, "unexpected argument (gen takes options only; %s)",
		                  passphrase_rule);
	if (!out || !*out)
		return keys_usage(cmd, "--out NAME is required");
	if (ecert_passphrase_get(ppfile, &pp, &err) != ECERT_OK)
		return keys_fail(cmd, &err);
	if (ecert_key_generate(alg, &key, &err) != ECERT_OK ||
	    ecert_key_kid(key, kid, &err) != ECERT_OK ||
	    ecert_key_write_pair(out, key, &pp, force, &err) != ECERT_OK) {
		rc = keys_fail(cmd, &err);
		goto done;
	}
	printf("kid: %s\n", kid);
	printf("algorithm: %s (cryptosuite %s)\n", ecert_alg_name(alg), ecert_suite_name(alg));
	printf("private key: %s.key (encrypted, mode 0600)\n", out);
	printf("public key: %s.pub\n", out);
	rc = fflush(stdout) == 0 ? KEYS_EXIT_OK : KEYS_EXIT_FAIL;
done:
	EVP_PKEY_free(key);
	ecert_passphrase_free(&pp);
	return rc;
}

/* ---- shared by kid and pub ---- */

int keys_load_any(const char *path, const char *passphrase_file, EVP_PKEY **out,
                  struct ecert_error *err)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_passphrase pp = {NULL, 0};
	int rc;

	rc = ecert_file_read(path, KEYS_FILE_MAX, &text, err);
	if (rc == ECERT_ERR_JSON_SIZE)
		rc = ecert_fail(err, ECERT_ERR_KEY, "larger than %zu bytes: not a key file",
		                KEYS_FILE_MAX);
	if (rc != ECERT_OK)
		goto out;
	if (strstr((const char *)text.data, PEM_PUBLIC)) {
		rc = ecert_key_load_public(path, out, err);
	} else if (strstr((const char *)text.data, PEM_ENCRYPTED)) {
		rc = ecert_passphrase_get(passphrase_file, &pp, err);
		if (rc == ECERT_OK)
			rc = ecert_key_load_private(path, &pp, out, err);
	} else {
		ecert_error_where(err, "%s", path);
		rc = ecert_fail(err, ECERT_ERR_KEY,
		                "expected a PEM \"PUBLIC KEY\" or \"ENCRYPTED PRIVATE KEY\"");
	}
out:
	ecert_buf_wipe(&text);
	ecert_passphrase_free(&pp);
	return rc;
}

/* Parse `CMD FILE [--passphrase-file F] [--multibase]`; returns -1 to go on, else the
 * exit status. */
static int parse_file_cmd(const char *cmd, int argc, char **argv, int allow_multibase,
                          void (*helpfn)(void), const char **file, const char **ppfile,
                          int *multibase)
{
	static const struct option opts[] = {
	    {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
	    {"passphrase", optional_argument, NULL, OPT_PASSPHRASE},
	    {"multibase", no_argument, NULL, OPT_MULTIBASE},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = next_opt(cmd, argc, argv, opts)) != -1) {
		switch (c) {
		case OPT_PASSFILE:
			*ppfile = optarg;
			break;
		case OPT_MULTIBASE:
			if (!allow_multibase)
				return keys_usage(cmd, "unknown option '--multibase'");
			*multibase = 1;
			break;
		case 'h':
		case OPT_HELP:
			helpfn();
			return KEYS_EXIT_OK;
		default:
			return KEYS_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return keys_usage(cmd, "a key FILE is required");
	if (optind + 1 < argc) /* not echoed: it might be a misplaced passphrase */
		return keys_usage(cmd, "one key FILE only (%s)", passphrase_rule);
	*file = argv[optind];
	return -1;
}

/* ---- kid ---- */

static void kid_help(void)
{
	put_help("Usage: ecert-keys kid FILE [--passphrase-file FILE]\n"
	         "\n"
	         "Print the kid of a key: base64url of the first 8 bytes of SHA-256 over the\n"
	         "DER SubjectPublicKeyInfo (11 characters). FILE is a public key (NAME.pub) or\n"
	         "an encrypted private key (NAME.key; the passphrase is then needed, and the\n"
	         "file must be mode 0600).\n"
	         "\n"
	         "Options:\n"
	         "  --passphrase-file FILE  passphrase for an encrypted private key, first line\n"
	         "                          of FILE (- = standard input)\n"
	         "  -h, --help              show this help\n"
	         "\n"
	         "Environment:\n"
	         "  ECERT_PASSPHRASE        the passphrase, when --passphrase-file is not given\n"
	         "\n"
	         "Examples:\n"
	         "  ecert-keys kid jlhrss-2025.pub\n"
	         "  ecert-keys kid jlhrss-2025.key --passphrase-file pass.txt\n"
	         "\n"
	         "Exit status:\n"
	         "  0  the kid was printed\n"
	         "  1  the file is not a usable key, wrong passphrase, permissions too open\n"
	         "  2  usage error\n");
}

int keys_cmd_kid(int argc, char **argv)
{
	const char *cmd = "kid", *file = NULL, *ppfile = NULL;
	struct ecert_error err;
	EVP_PKEY *key = NULL;
	char kid[ECERT_KID_LEN + 1];
	int mb = 0, rc;

	ecert_error_clear(&err);
	rc = parse_file_cmd(cmd, argc, argv, 0, kid_help, &file, &ppfile, &mb);
	if (rc >= 0)
		return rc;
	if (keys_load_any(file, ppfile, &key, &err) != ECERT_OK ||
	    ecert_key_kid(key, kid, &err) != ECERT_OK) {
		rc = keys_fail(cmd, &err);
		goto done;
	}
	printf("%s\n", kid);
	rc = fflush(stdout) == 0 ? KEYS_EXIT_OK : KEYS_EXIT_FAIL;
done:
	EVP_PKEY_free(key);
	return rc;
}

/* ---- pub ---- */

static void pub_help(void)
{
	put_help("Usage: ecert-keys pub FILE [--multibase] [--passphrase-file FILE]\n"
	         "\n"
	         "Print the public part of a key, as SubjectPublicKeyInfo PEM or, with\n"
	         "--multibase, as a Multikey: multibase base58btc ('z…') of the multicodec-\n"
	         "prefixed key (ed25519-pub 0xed + 32 bytes; p256-pub 0x1200 and sm2-pub 0x1206\n"
	         "+ the 33-byte compressed point), the form used in did:key and the trust list.\n"
	         "FILE is a public key (NAME.pub) or an encrypted private key (NAME.key).\n"
	         "\n"
	         "Options:\n"
	         "  --multibase             print the Multikey instead of PEM\n"
	         "  --passphrase-file FILE  passphrase for an encrypted private key, first line\n"
	         "                          of FILE (- = standard input)\n"
	         "  -h, --help              show this help\n"
	         "\n"
	         "Environment:\n"
	         "  ECERT_PASSPHRASE        the passphrase, when --passphrase-file is not given\n"
	         "\n"
	         "Examples:\n"
	         "  ecert-keys pub jlhrss-2025.pub --multibase\n"
	         "  ecert-keys pub jlhrss-2025.key --passphrase-file pass.txt > jlhrss-2025.pub\n"
	         "\n"
	         "Exit status:\n"
	         "  0  the public key was printed\n"
	         "  1  the file is not a usable key, wrong passphrase, permissions too open\n"
	         "  2  usage error\n");
}

int keys_cmd_pub(int argc, char **argv)
{
	const char *cmd = "pub", *file = NULL, *ppfile = NULL;
	struct ecert_buf out = ECERT_BUF_INIT;
	struct ecert_error err;
	EVP_PKEY *key = NULL;
	int mb = 0, rc;

	ecert_error_clear(&err);
	rc = parse_file_cmd(cmd, argc, argv, 1, pub_help, &file, &ppfile, &mb);
	if (rc >= 0)
		return rc;
	if (keys_load_any(file, ppfile, &key, &err) != ECERT_OK ||
	    (mb ? ecert_key_to_multikey(key, &out, &err) : ecert_key_to_pem(key, &out, &err)) !=
	        ECERT_OK) {
		rc = keys_fail(cmd, &err);
		goto done;
	}
	fwrite(out.data, 1, out.len, stdout);
	if (mb)
		fputc('\n', stdout);
	rc = fflush(stdout) == 0 && !ferror(stdout) ? KEYS_EXIT_OK : KEYS_EXIT_FAIL;
done:
	ecert_buf_free(&out);
	EVP_PKEY_free(key);
	return rc;
}
