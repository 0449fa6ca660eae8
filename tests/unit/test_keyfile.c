/* cmocka: key generation and encrypted private-key files (DESIGN §4) — round trips for
 * each algorithm, wrong passphrase, permissions, no overwrite without force, and the
 * PKCS#8 encryption algorithms (SM4-CBC for SM2, AES-256-CBC otherwise, PBES2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/file.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/sign.h"

#define PASSPHRASE "test-only passphrase: correct horse battery staple"

static char tmpdir[] = "/tmp/ecert-test-keyfile-XXXXXX";

static void path_in(char *out, size_t n, const char *name)
{
	int len = snprintf(out, n, "%s/%s", tmpdir, name);

	assert_true(len > 0 && (size_t)len < n);
}

static void read_file(const char *path, struct ecert_buf *b)
{
	struct ecert_error e;

	b->len = 0;
	ecert_error_clear(&e);
	if (ecert_file_read(path, 0, b, &e) != ECERT_OK)
		fail_msg("%s: %s", e.where, e.msg);
}

static void pass_of(struct ecert_passphrase *pp, const char *s)
{
	pp->data = ecert_strdup(s);
	assert_non_null(pp->data);
	pp->len = strlen(s);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Remove NAME.key and NAME.pub (and any temp file left behind would fail the test). */
static void remove_pair(const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s.key", tmpdir, name);
	unlink(p);
	snprintf(p, sizeof(p), "%s/%s.pub", tmpdir, name);
	unlink(p);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir); /* fails if a test left a file behind */
}

/* The PBES2 key-derivation and cipher OIDs of an "ENCRYPTED PRIVATE KEY" PEM file. */
static void pkcs8_algs(const char *path, int *kdf, int *cipher)
{
	FILE *f = fopen(path, "r");
	X509_SIG *p8;
	const X509_ALGOR *alg;
	const ASN1_OCTET_STRING *digest;
	const ASN1_OBJECT *oid;
	const void *param;
	int ptype;
	PBE2PARAM *pbe2;

	assert_non_null(f);
	p8 = PEM_read_PKCS8(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(p8);
	X509_SIG_get0(p8, &alg, &digest);
	X509_ALGOR_get0(&oid, &ptype, &param, alg);
	assert_int_equal(OBJ_obj2nid(oid), NID_pbes2);
	assert_int_equal(ptype, V_ASN1_SEQUENCE);
	pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
	assert_non_null(pbe2);
	*kdf = OBJ_obj2nid(pbe2->keyfunc->algorithm);
	*cipher = OBJ_obj2nid(pbe2->encryption->algorithm);
	PBE2PARAM_free(pbe2);
	X509_SIG_free(p8);
}

static void test_round_trip(void **state)
{
	static const enum ecert_alg algs[] = {ECERT_ALG_SM2, ECERT_ALG_ED25519, ECERT_ALG_P256};
	static const int ciphers[] = {NID_sm4_cbc, NID_aes_256_cbc, NID_aes_256_cbc};
	static const char *const names[] = {"sm2", "ed25519", "p256"};
	struct ecert_passphrase pp;
	struct ecert_error e;
	char name[256], keypath[512], pubpath[512];
	size_t i;
	int kdf, cipher;

	(void)state;
	pass_of(&pp, PASSPHRASE);
	for (i = 0; i < 3; i++) {
		struct ecert_buf text = ECERT_BUF_INIT;
		EVP_PKEY *k = NULL, *priv = NULL, *pub = NULL;
		unsigned char msg[64] = {1, 2, 3}, sig[ECERT_SIG_MAX];
		size_t siglen = sizeof(sig);
		char kid1[ECERT_KID_LEN + 1], kid2[ECERT_KID_LEN + 1];

		path_in(name, sizeof(name), names[i]);
		snprintf(keypath, sizeof(keypath), "%s.key", name);
		snprintf(pubpath, sizeof(pubpath), "%s.pub", name);
		assert_int_equal(ecert_key_generate(algs[i], &k, &e), ECERT_OK);
		assert_int_equal(ecert_key_alg(k), algs[i]);
		ecert_error_clear(&e);
		if (ecert_key_write_pair(name, k, &pp, 0, &e) != ECERT_OK)
			fail_msg("%s: %s", e.where, e.msg);
		assert_int_equal(mode_of(keypath), 0600);
		assert_int_equal(mode_of(pubpath), 0644);

		read_file(keypath, &text);
		assert_memory_equal(text.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38);
		assert_null(strstr((const char *)text.data, "-----BEGIN PRIVATE KEY"));
		pkcs8_algs(keypath, &kdf, &cipher);
		assert_int_equal(kdf, NID_id_scrypt);
		if (cipher != ciphers[i])
			fail_msg("%s: cipher %s, want %s", names[i], OBJ_nid2sn(cipher),
			         OBJ_nid2sn(ciphers[i]));
		read_file(pubpath, &text);
		assert_memory_equal(text.data, "-----BEGIN PUBLIC KEY-----\n", 27);

		ecert_error_clear(&e);
		if (ecert_key_load_private(keypath, &pp, &priv, &e) != ECERT_OK)
			fail_msg("%s: %s", e.where, e.msg);
		assert_int_equal(ecert_key_alg(priv), algs[i]);
		assert_int_equal(ecert_key_load_public(pubpath, &pub, &e), ECERT_OK);
		assert_int_equal(EVP_PKEY_eq(k, priv), 1);
		assert_int_equal(EVP_PKEY_eq(pub, priv), 1);
		assert_int_equal(ecert_key_kid(priv, kid1, &e), ECERT_OK);
		assert_int_equal(ecert_key_kid(pub, kid2, &e), ECERT_OK);
		assert_string_equal(kid1, kid2);
		/* the loaded private key is the signing key of the written public key */
		assert_int_equal(ecert_sig_sign(priv, msg, sizeof(msg), sig, &siglen, &e),
		                 ECERT_OK);
		assert_int_equal(ecert_sig_verify(pub, msg, sizeof(msg), sig, siglen, &e),
		                 ECERT_OK);

		EVP_PKEY_free(k);
		EVP_PKEY_free(priv);
		EVP_PKEY_free(pub);
		ecert_buf_free(&text);
		remove_pair(names[i]);
	}
	ecert_passphrase_free(&pp);
}

static void test_wrong_passphrase(void **state)
{
	struct ecert_passphrase pp, wrong, empty = {NULL, 0};
	struct ecert_error e;
	char name[256], keypath[512];
	EVP_PKEY *k = NULL, *out = NULL;

	(void)state;
	pass_of(&pp, PASSPHRASE);
	pass_of(&wrong, PASSPHRASE "!");
	path_in(name, sizeof(name), "pw");
	snprintf(keypath, sizeof(keypath), "%s.key", name);
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &k, &e), ECERT_OK);
	assert_int_equal(ecert_key_write_pair(name, k, &pp, 0, &e), ECERT_OK);
	assert_int_equal(ecert_key_load_private(keypath, &wrong, &out, &e), ECERT_ERR_PASSPHRASE);
	assert_null(out);
	assert_int_equal(ecert_key_load_private(keypath, &empty, &out, &e), ECERT_ERR_PASSPHRASE);
	assert_int_equal(ecert_key_load_private(keypath, NULL, &out, &e), ECERT_ERR_PASSPHRASE);
	assert_null(out);
	/* writing needs a passphrase too: no unencrypted key is ever written */
	remove_pair("pw");
	assert_int_equal(ecert_key_write_pair(name, k, &empty, 0, &e), ECERT_ERR_PASSPHRASE);
	assert_int_equal(access(keypath, F_OK), -1);
	EVP_PKEY_free(k);
	ecert_passphrase_free(&pp);
	ecert_passphrase_free(&wrong);
}

static void test_permissions(void **state)
{
	static const mode_t too_open[] = {0644, 0640, 0604, 0660, 0606, 0610, 0601, 0700 | 0020};
	struct ecert_passphrase pp;
	struct ecert_error e;
	char name[256], keypath[512];
	EVP_PKEY *k = NULL, *out = NULL;
	size_t i;

	(void)state;
	pass_of(&pp, PASSPHRASE);
	path_in(name, sizeof(name), "perm");
	snprintf(keypath, sizeof(keypath), "%s.key", name);
	assert_int_equal(ecert_key_generate(ECERT_ALG_ED25519, &k, &e), ECERT_OK);
	assert_int_equal(ecert_key_write_pair(name, k, &pp, 0, &e), ECERT_OK);
	for (i = 0; i < sizeof(too_open) / sizeof(too_open[0]); i++) {
		assert_int_equal(chmod(keypath, too_open[i]), 0);
		ecert_error_clear(&e);
		assert_int_equal(ecert_key_load_private(keypath, &pp, &out, &e), ECERT_ERR_PERM);
		assert_null(out);
		assert_non_null(strstr(e.msg, "chmod 600"));
	}
	assert_int_equal(chmod(keypath, 0400), 0); /* read-only for the owner is fine */
	assert_int_equal(ecert_key_load_private(keypath, &pp, &out, &e), ECERT_OK);
	EVP_PKEY_free(out);
	out = NULL;
	assert_int_equal(chmod(keypath, 0600), 0);
	assert_int_equal(ecert_key_load_private(keypath, &pp, &out, &e), ECERT_OK);
	EVP_PKEY_free(out);
	EVP_PKEY_free(k);
	remove_pair("perm");
	ecert_passphrase_free(&pp);
}

static void test_no_overwrite_without_force(void **state)
{
	struct ecert_passphrase pp;
	struct ecert_error e;
	struct ecert_buf before = ECERT_BUF_INIT, after = ECERT_BUF_INIT;
	struct ecert_buf pub_before = ECERT_BUF_INIT, pub_after = ECERT_BUF_INIT;
	char name[256], keypath[512], pubpath[512];
	EVP_PKEY *k1 = NULL, *k2 = NULL, *out = NULL;
	FILE *f;

	(void)state;
	pass_of(&pp, PASSPHRASE);
	path_in(name, sizeof(name), "exists");
	snprintf(keypath, sizeof(keypath), "%s.key", name);
	snprintf(pubpath, sizeof(pubpath), "%s.pub", name);
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &k1, &e), ECERT_OK);
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &k2, &e), ECERT_OK);
	assert_int_equal(ecert_key_write_pair(name, k1, &pp, 0, &e), ECERT_OK);
	read_file(keypath, &before);
	read_file(pubpath, &pub_before);

	ecert_error_clear(&e);
	assert_int_equal(ecert_key_write_pair(name, k2, &pp, 0, &e), ECERT_ERR_EXISTS);
	assert_non_null(strstr(e.where, "exists.key"));
	read_file(keypath, &after);
	assert_int_equal(after.len, before.len);
	assert_memory_equal(after.data, before.data, before.len);
	read_file(pubpath, &pub_after);
	assert_memory_equal(pub_after.data, pub_before.data, pub_before.len);

	/* only NAME.pub present: still refused, and no NAME.key appears */
	assert_int_equal(unlink(keypath), 0);
	assert_int_equal(ecert_key_write_pair(name, k2, &pp, 0, &e), ECERT_ERR_EXISTS);
	assert_int_equal(access(keypath, F_OK), -1);

	/* with force both are replaced, modes as for new files */
	f = fopen(keypath, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(chmod(keypath, 0644), 0);
	assert_int_equal(ecert_key_write_pair(name, k2, &pp, 1, &e), ECERT_OK);
	assert_int_equal(mode_of(keypath), 0600);
	assert_int_equal(mode_of(pubpath), 0644);
	assert_int_equal(ecert_key_load_private(keypath, &pp, &out, &e), ECERT_OK);
	assert_int_equal(EVP_PKEY_eq(out, k2), 1);
	assert_int_not_equal(EVP_PKEY_eq(out, k1), 1);
	read_file(pubpath, &pub_after);
	assert_false(pub_after.len == pub_before.len &&
	             memcmp(pub_after.data, pub_before.data, pub_before.len) == 0);

	EVP_PKEY_free(out);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	ecert_buf_free(&before);
	ecert_buf_free(&after);
	ecert_buf_free(&pub_before);
	ecert_buf_free(&pub_after);
	remove_pair("exists");
	ecert_passphrase_free(&pp);
}

/* Write a PEM made by OpenSSL directly (mode 0600) and try to load it. */
static void write_pem(const char *path, EVP_PKEY *k, const EVP_CIPHER *enc, const char *pass)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(PEM_write_PKCS8PrivateKey(f, k, enc, pass ? pass : NULL,
	                                           pass ? (int)strlen(pass) : 0, NULL, NULL),
	                 1);
	fclose(f);
}

static void test_refused_key_files(void **state)
{
	struct ecert_passphrase pp;
	struct ecert_error e;
	char path[512];
	EVP_PKEY *rsa, *p384, *sm2, *out = NULL;
	FILE *f;

	(void)state;
	pass_of(&pp, PASSPHRASE);
	path_in(path, sizeof(path), "other.key");
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &sm2, &e), ECERT_OK);
	assert_non_null(rsa);
	assert_non_null(p384);

	/* encrypted, right passphrase, but not one of our algorithms */
	write_pem(path, rsa, EVP_aes_256_cbc(), PASSPHRASE);
	assert_int_equal(ecert_key_load_private(path, &pp, &out, &e), ECERT_ERR_KEY);
	write_pem(path, p384, EVP_aes_256_cbc(), PASSPHRASE);
	assert_int_equal(ecert_key_load_private(path, &pp, &out, &e), ECERT_ERR_KEY);
	/* an unencrypted private key is refused */
	write_pem(path, sm2, NULL, NULL);
	assert_int_equal(ecert_key_load_private(path, &pp, &out, &e), ECERT_ERR_KEY);
	/* an encrypted key written by other tools (PBKDF2) loads */
	write_pem(path, sm2, EVP_aes_256_cbc(), PASSPHRASE);
	assert_int_equal(ecert_key_load_private(path, &pp, &out, &e), ECERT_OK);
	assert_int_equal(EVP_PKEY_eq(out, sm2), 1);
	EVP_PKEY_free(out);
	out = NULL;
	/* garbage, a public key, an empty file */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
	      f);
	fclose(f);
	assert_int_equal(ecert_key_load_private(path, &pp, &out, &e), ECERT_ERR_KEY);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PUBKEY(f, sm2), 1);
	fclose(f);
	assert_int_equal(ecert_key_load_private(path, &pp, &out, &e), ECERT_ERR_KEY);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(ecert_key_load_private(path, &pp, &out, &e), ECERT_ERR_KEY);
	assert_null(out);
	assert_int_equal(unlink(path), 0);
	/* missing file; a directory */
	assert_int_equal(ecert_key_load_private(path, &pp, &out, &e), ECERT_ERR_IO);
	assert_int_not_equal(ecert_key_load_private(tmpdir, &pp, &out, &e), ECERT_OK);
	assert_null(out);
	/* generation of an unknown algorithm; writing a key that is not ours */
	assert_int_equal(ecert_key_generate(ECERT_ALG_NONE, &out, &e), ECERT_ERR_ARG);
	path_in(path, sizeof(path), "rsa");
	assert_int_equal(ecert_key_write_pair(path, rsa, &pp, 0, &e), ECERT_ERR_KEY);
	assert_int_equal(ecert_key_write_pair("", sm2, &pp, 0, &e), ECERT_ERR_ARG);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(sm2);
	ecert_passphrase_free(&pp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_wrong_passphrase),
	    cmocka_unit_test(test_permissions),
	    cmocka_unit_test(test_no_overwrite_without_force),
	    cmocka_unit_test(test_refused_key_files),
	};

	ecert_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
