/* ecert — allocation wrappers with a fault-injection hook for tests. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "ecert/alloc.h"
#include "ecert/error.h"

#ifdef ECERT_FAULT_INJECTION
static long fail_after = -1; /* < 0: off */
static int fail_once;        /* only the allocation fail_after counts down to fails */
static long alloc_count;

static int should_fail(void)
{
	alloc_count++;
	if (fail_after < 0)
		return 0;
	if (fail_after == 0) {
		if (fail_once)
			fail_after = -1;
		return 1;
	}
	fail_after--;
	return 0;
}

static long arm(long n, int once)
{
	long made = alloc_count;

	alloc_count = 0;
	fail_after = n;
	fail_once = once;
	return made;
}

long ecert_alloc_fail_after(long n)
{
	return arm(n, 0);
}

long ecert_alloc_fail_nth(long n)
{
	return arm(n, 1);
}
#else
#define should_fail() 0
long ecert_alloc_fail_after(long n)
{
	(void)n;
	return 0;
}

long ecert_alloc_fail_nth(long n)
{
	(void)n;
	return 0;
}
#endif

void *ecert_malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *ecert_calloc(size_t nmemb, size_t size)
{
	if (should_fail())
		return NULL;
	return calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void *ecert_realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

void ecert_free(void *p)
{
	free(p);
}

char *ecert_strndup(const char *s, size_t n)
{
	char *d = ecert_malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *ecert_strdup(const char *s)
{
	return ecert_strndup(s, strlen(s));
}

void ecert_free_secret(void *p, size_t n)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, n);
	free(p);
}

static void *cjson_malloc(size_t n)
{
	return ecert_malloc(n);
}

int ecert_init(void)
{
	static int done;
	cJSON_Hooks hooks = {cjson_malloc, ecert_free};

	if (done)
		return ECERT_OK;
	cJSON_InitHooks(&hooks);
	if (!OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL))
		return ECERT_ERR_CRYPTO;
	done = 1;
	return ECERT_OK;
}
