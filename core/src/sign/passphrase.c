/* ecert — passphrases for private keys: from a file or ECERT_PASSPHRASE, never argv. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/crypto.h>

#include "ecert/alloc.h"
#include "ecert/file.h"
#include "ecert/sign.h"

static int take(struct ecert_passphrase *pp, const char *src, size_t len, struct ecert_error *err)
{
	while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == '\r'))
		len--;
	if (len == 0)
		return ecert_fail(err, ECERT_ERR_PASSPHRASE, "the passphrase is empty");
	if (len > ECERT_PASSPHRASE_MAX)
		return ecert_fail(err, ECERT_ERR_PASSPHRASE, "the passphrase is longer than %d bytes",
				  ECERT_PASSPHRASE_MAX);
	pp->data = ecert_malloc(len + 1);
	if (!pp->data)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	(void)mlock(pp->data, len + 1); /* best effort: keep it out of swap */
	memcpy(pp->data, src, len);
	pp->data[len] = '\0';
	pp->len = len;
	return ECERT_OK;
}

int ecert_passphrase_get(const char *file, struct ecert_passphrase *pp, struct ecert_error *err)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	const char *env;
	char *nl;
	int rc;

	pp->data = NULL;
	pp->len = 0;
	if (file) {
		rc = ecert_file_read(file, ECERT_PASSPHRASE_MAX + 2, &b, err);
		if (rc != ECERT_OK) {
			ecert_buf_wipe(&b);
			if (rc == ECERT_ERR_JSON_SIZE)
				rc = ecert_fail(err, ECERT_ERR_PASSPHRASE,
						"passphrase file longer than %d bytes", ECERT_PASSPHRASE_MAX);
			return rc;
		}
		nl = memchr(b.data, '\n', b.len); /* first line only */
		rc = take(pp, (const char *)b.data, nl ? (size_t)(nl - (char *)b.data) : b.len, err);
		if (rc != ECERT_OK)
			ecert_error_where(err, "%s", file);
		ecert_buf_wipe(&b);
		return rc;
	}
	env = getenv(ECERT_PASSPHRASE_ENV);
	if (!env)
		return ecert_fail(err, ECERT_ERR_PASSPHRASE,
				  "no passphrase: give --passphrase-file FILE or set %s",
				  ECERT_PASSPHRASE_ENV);
	return take(pp, env, strlen(env), err);
}

void ecert_passphrase_free(struct ecert_passphrase *pp)
{
	if (!pp || !pp->data)
		return;
	OPENSSL_cleanse(pp->data, pp->len + 1);
	(void)munlock(pp->data, pp->len + 1);
	ecert_free(pp->data);
	pp->data = NULL;
	pp->len = 0;
}
