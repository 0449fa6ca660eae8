/* ecert — the sign side's memory hygiene: every block OpenSSL frees is wiped first.
 *
 * OpenSSL cleanses what it knows to be secret (BIGNUMs of private keys, decrypted PKCS#8
 * buffers), but not every intermediate: decoding an EC private key leaves the scalar in a
 * freed ASN.1 OCTET STRING (found by tests/unit/test_keywipe.c). Rather than chase each
 * such copy, the programs that hold private keys (ecert-keys, ecert-issuer) give OpenSSL
 * allocation functions that clear a block — its whole usable size — before it goes back
 * to the C library, and a realloc that never leaves the old block behind uncleared. */
#define _GNU_SOURCE /* malloc_usable_size */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ecert/alloc.h"
#include "ecert/error.h"
#include "ecert/sign.h"

static void *wipe_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return malloc(n ? n : 1);
}

static void wipe_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (!p)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

static void *wipe_realloc(void *p, size_t n, const char *file, int line)
{
	size_t have;
	void *q;

	if (!p)
		return wipe_malloc(n, file, line);
	if (n == 0) {
		wipe_free(p, file, line);
		return NULL;
	}
	have = malloc_usable_size(p);
	if (n <= have)
		return p; /* the block stays where it is: nothing left behind */
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	wipe_free(p, file, line);
	return q;
}

int ecert_sign_init(void)
{
	static int done;

	if (!done) {
		/* Refused once OpenSSL has allocated anything: call this first in main. */
		if (!CRYPTO_set_mem_functions(wipe_malloc, wipe_realloc, wipe_free))
			return ECERT_ERR_CRYPTO;
		done = 1;
	}
	return ecert_init();
}
