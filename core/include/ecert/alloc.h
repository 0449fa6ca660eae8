/* ecert — allocation. All library allocations go through these, so that test builds can
 * make the n-th allocation fail (fault injection) and check that every path cleans up.
 * ecert_init() installs the same hooks into cJSON. */
#ifndef ECERT_ALLOC_H
#define ECERT_ALLOC_H

#include <stddef.h>

void *ecert_malloc(size_t n);
void *ecert_calloc(size_t nmemb, size_t size);
void *ecert_realloc(void *p, size_t n);
void ecert_free(void *p);
char *ecert_strdup(const char *s);
char *ecert_strndup(const char *s, size_t n);

/* Zero then free a buffer that held a secret. NULL is fine. */
void ecert_free_secret(void *p, size_t n);

/* Fault injection (test builds, ECERT_FAULT_INJECTION): after `n` more successful
 * allocations every allocation fails; n < 0 turns it off. Returns the number of
 * allocations made since the last call. Not thread-safe; for single-threaded tests. */
long ecert_alloc_fail_after(long n);

/* Fault injection, one failure only: the allocation after `n` more successful ones fails
 * and every other succeeds (a failure a caller swallows then shows, instead of being
 * masked by the failures after it). n < 0 turns it off. Returns, and resets, the count
 * as ecert_alloc_fail_after does; either call replaces the other's setting. Not
 * thread-safe. */
long ecert_alloc_fail_nth(long n);

/* One-time library setup: installs allocation hooks into cJSON and initialises OpenSSL.
 * Call once from main() before any other ecert function. Idempotent. */
int ecert_init(void);

#endif
