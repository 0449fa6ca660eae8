/* ecert — key generation and encrypted private-key files (DESIGN §4).
 *
 * NAME.key: PKCS#8 EncryptedPrivateKeyInfo, PEM "ENCRYPTED PRIVATE KEY", PBES2 with
 * scrypt (RFC 7914 §7) and SM4-CBC for SM2 keys (商用密码), AES-256-CBC otherwise;
 * mode 0600. NAME.pub: SubjectPublicKeyInfo PEM, mode 0644. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "ecert/alloc.h"
#include "ecert/file.h"
#include "ecert/sign.h"
#include "../ossl.h"

/* scrypt cost: N = 2^14, r = 8, p = 1 needs 16 MiB, under OpenSSL's default 32 MiB
 * limit for decryption (a larger N would not load with stock OpenSSL tools). */
#define KEYFILE_SCRYPT_N 16384
#define KEYFILE_SCRYPT_R 8
#define KEYFILE_SCRYPT_P 1
#define KEYFILE_SALT_LEN 16
/* An encrypted PKCS#8 PEM of one of our keys is well under 1 KiB. */
#define KEYFILE_MAX ((size_t)16384)
#define KEYFILE_MODE 0600
#define PUBFILE_MODE 0644
#define KEYFILE_SUFFIX ".key"
#define PUBFILE_SUFFIX ".pub"

int ecert_key_generate(enum ecert_alg alg, EVP_PKEY **out, struct ecert_error *err)
{
	EVP_PKEY *key = NULL;

	switch (alg) {
	case ECERT_ALG_SM2:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
		break;
	case ECERT_ALG_ED25519:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case ECERT_ALG_P256:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case ECERT_ALG_NONE:
	default:
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "unknown algorithm: expected sm2, ed25519 or p256");
	}
	if (!key)
		return ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "key generation failed");
	if (ecert_key_alg(key) != alg) {
		EVP_PKEY_free(key);
		return ecert_fail(err, ECERT_ERR_CRYPTO, "generated key has an unexpected type");
	}
	*out = key;
	return ECERT_OK;
}

/* Encrypted PKCS#8 PEM of key into out (which the caller wipes). */
static int encrypt_pkcs8(EVP_PKEY *key, const struct ecert_passphrase *pp, struct ecert_buf *out,
                         struct ecert_error *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *enc = NULL;
	EVP_CIPHER *cipher = NULL;
	BIO *bio = NULL;
	unsigned char salt[KEYFILE_SALT_LEN];
	char *pem = NULL;
	long n;
	int rc;

	if (!pp || !pp->data || pp->len == 0 || pp->len > ECERT_PASSPHRASE_MAX)
		return ecert_fail(err, ECERT_ERR_PASSPHRASE, "a passphrase is required");
	cipher = EVP_CIPHER_fetch(
	    NULL, ecert_key_alg(key) == ECERT_ALG_SM2 ? "SM4-CBC" : "AES-256-CBC", NULL);
	if (!cipher) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cipher not available");
		goto out;
	}
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "no random salt");
		goto out;
	}
	pbe = PKCS5_pbe2_set_scrypt(cipher, salt, sizeof(salt), NULL, KEYFILE_SCRYPT_N,
	                            KEYFILE_SCRYPT_R, KEYFILE_SCRYPT_P);
	p8 = EVP_PKEY2PKCS8(key);
	if (!pbe || !p8) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot prepare PKCS#8 encryption");
		goto out;
	}
	enc = PKCS8_set0_pbe(pp->data, (int)pp->len, p8, pbe);
	if (!enc) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "PKCS#8 encryption failed");
		goto out;
	}
	pbe = NULL; /* owned by enc */
	bio = BIO_new(BIO_s_secmem());
	if (!bio || !PEM_write_bio_PKCS8(bio, enc)) {
		rc = ecert_ossl_fail(err, ECERT_ERR_CRYPTO, "cannot write the PEM");
		goto out;
	}
	n = BIO_get_mem_data(bio, &pem);
	if (n <= 0 || ecert_buf_append(out, pem, (size_t)n) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ECERT_OK;
out:
	BIO_free(bio); /* secure memory BIO: cleared on free */
	X509_SIG_free(enc);
	X509_ALGOR_free(pbe);
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_CIPHER_free(cipher);
	return rc;
}

static int path_with(const char *name, const char *suffix, char out[PATH_MAX],
                     struct ecert_error *err)
{
	int n = snprintf(out, PATH_MAX, "%s%s", name, suffix);

	if (n < 0 || n >= PATH_MAX) {
		ecert_error_where(err, "%s", name);
		return ecert_fail(err, ECERT_ERR_ARG, "path too long");
	}
	return ECERT_OK;
}

int ecert_key_write_pair(const char *name, EVP_PKEY *key, const struct ecert_passphrase *pp,
                         int force, struct ecert_error *err)
{
	char keypath[PATH_MAX], pubpath[PATH_MAX];
	struct ecert_buf priv = ECERT_BUF_INIT, pub = ECERT_BUF_INIT;
	struct stat st;
	int rc;

	if (!name || !*name)
		return ecert_fail(err, ECERT_ERR_ARG, "no output name");
	if (ecert_key_alg(key) == ECERT_ALG_NONE)
		return ecert_fail(err, ECERT_ERR_KEY, "not an SM2, Ed25519 or P-256 key");
	if ((rc = path_with(name, KEYFILE_SUFFIX, keypath, err)) != ECERT_OK ||
	    (rc = path_with(name, PUBFILE_SUFFIX, pubpath, err)) != ECERT_OK)
		return rc;
	/* Check both before writing either, so that a refusal leaves nothing behind. */
	if (!force && (lstat(keypath, &st) == 0 || lstat(pubpath, &st) == 0)) {
		ecert_error_where(err, "%s", lstat(keypath, &st) == 0 ? keypath : pubpath);
		return ecert_fail(err, ECERT_ERR_EXISTS, "already exists (use --force to replace)");
	}
	rc = encrypt_pkcs8(key, pp, &priv, err);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_key_to_pem(key, &pub, err);
	if (rc != ECERT_OK)
		goto out;
	/* Without force the key file is created O_EXCL (via link) and never replaces. */
	rc = ecert_file_write_atomic(keypath, priv.data, priv.len, KEYFILE_MODE, !force, err);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_file_write_atomic(pubpath, pub.data, pub.len, PUBFILE_MODE, !force, err);
	if (rc != ECERT_OK && !force)
		unlink(keypath); /* we created it a moment ago: do not leave half a pair */
out:
	ecert_buf_wipe(&priv);
	ecert_buf_free(&pub);
	return rc;
}

/* Read the key file through one descriptor: the permission check and the read see the
 * same file. */
static int read_keyfile(const char *path, struct ecert_buf *out, struct ecert_error *err)
{
	unsigned char chunk[4096];
	struct stat st;
	ssize_t n;
	int fd, rc = ECERT_ERR_IO;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_IO, "cannot open: %s", strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		rc = ecert_fail(err, ECERT_ERR_IO, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ecert_fail(err, ECERT_ERR_KEY, "not a regular file");
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		rc = ecert_fail(err, ECERT_ERR_PERM,
		                "permissions %04o are too open: a private key must be accessible "
		                "by its owner only (run: chmod 600 %s)",
		                (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ecert_fail(err, ECERT_ERR_IO, "read failed: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > KEYFILE_MAX) {
			rc = ecert_fail(err, ECERT_ERR_KEY, "larger than %zu bytes: not a key file",
			                KEYFILE_MAX);
			goto out;
		}
		if (ecert_buf_append(out, chunk, (size_t)n) != ECERT_OK) {
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	if (out->len == 0) {
		rc = ecert_fail(err, ECERT_ERR_KEY, "empty file: not a key file");
		goto out;
	}
	rc = ECERT_OK;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	close(fd);
	if (rc != ECERT_OK)
		ecert_error_where(err, "%s", path);
	return rc;
}

int ecert_key_load_private(const char *path, const struct ecert_passphrase *pp, EVP_PKEY **out,
                           struct ecert_error *err)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	BIO *bio = NULL;
	X509_SIG *enc = NULL;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *key = NULL;
	int rc;

	rc = read_keyfile(path, &text, err);
	if (rc != ECERT_OK)
		goto out;
	rc = ECERT_ERR_KEY;
	bio = BIO_new_mem_buf(text.data, (int)text.len);
	if (!bio) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto where;
	}
	/* Only encrypted PKCS#8 is accepted: a plaintext private key file is refused. */
	enc = PEM_read_bio_PKCS8(bio, NULL, NULL, NULL);
	if (!enc) {
		rc =
		    ecert_ossl_fail(err, ECERT_ERR_KEY,
		                    "expected an \"ENCRYPTED PRIVATE KEY\" PEM (encrypted PKCS#8)");
		goto where;
	}
	if (!pp || !pp->data || pp->len == 0) {
		rc = ecert_fail(err, ECERT_ERR_PASSPHRASE, "a passphrase is required");
		goto where;
	}
	p8 = PKCS8_decrypt(enc, pp->data, (int)pp->len);
	if (!p8) {
		ERR_clear_error(); /* OpenSSL's padding/decoding detail says nothing more */
		rc = ecert_fail(err, ECERT_ERR_PASSPHRASE,
		                "cannot decrypt: wrong passphrase or damaged key file");
		goto where;
	}
	key = EVP_PKCS82PKEY(p8);
	if (!key) {
		rc = ecert_ossl_fail(err, ECERT_ERR_KEY, "not a usable private key");
		goto where;
	}
	if (ecert_key_alg(key) == ECERT_ALG_NONE) {
		rc = ecert_fail(err, ECERT_ERR_KEY,
		                "unsupported key type: expected SM2, Ed25519 or P-256");
		goto where;
	}
	*out = key;
	key = NULL;
	rc = ECERT_OK;
	goto out;
where:
	ecert_error_where(err, "%s", path);
out:
	EVP_PKEY_free(key);
	PKCS8_PRIV_KEY_INFO_free(p8);
	X509_SIG_free(enc);
	BIO_free(bio);
	ecert_buf_wipe(&text);
	return rc;
}
