/* ecert — growable byte buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/error.h"

int ecert_buf_reserve(struct ecert_buf *b, size_t extra)
{
	size_t need, cap;
	unsigned char *p;

	if (b->oom)
		return ECERT_ERR_NOMEM;
	if (extra > SIZE_MAX - b->len - 1)
		goto fail;
	need = b->len + extra + 1; /* room for the NUL */
	if (b->max && need - 1 > b->max)
		goto fail;
	if (need <= b->cap)
		return ECERT_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = ecert_realloc(b->data, cap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = cap;
	return ECERT_OK;
fail:
	b->oom = 1;
	return ECERT_ERR_NOMEM;
}

int ecert_buf_append(struct ecert_buf *b, const void *p, size_t n)
{
	if (ecert_buf_reserve(b, n) != ECERT_OK)
		return ECERT_ERR_NOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return ECERT_OK;
}

int ecert_buf_putc(struct ecert_buf *b, int c)
{
	unsigned char ch = (unsigned char)c;

	/* room for it and the NUL: the common case, without the checks of a reserve */
	if (!b->oom && b->len + 2 <= b->cap && (!b->max || b->len < b->max)) {
		b->data[b->len++] = ch;
		b->data[b->len] = '\0';
		return ECERT_OK;
	}
	return ecert_buf_append(b, &ch, 1);
}

int ecert_buf_puts(struct ecert_buf *b, const char *s)
{
	return ecert_buf_append(b, s, strlen(s));
}

int ecert_buf_printf(struct ecert_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ecert_buf_reserve(b, (size_t)n) != ECERT_OK) {
		b->oom = 1;
		return ECERT_ERR_NOMEM;
	}
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return ECERT_OK;
}

int ecert_buf_ok(const struct ecert_buf *b)
{
	return b->oom ? ECERT_ERR_NOMEM : ECERT_OK;
}

void ecert_buf_wipe(struct ecert_buf *b)
{
	if (!b)
		return;
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	ecert_buf_free(b);
}

void ecert_buf_free(struct ecert_buf *b)
{
	if (!b)
		return;
	ecert_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

char *ecert_buf_take(struct ecert_buf *b, size_t *len)
{
	char *p;

	if (b->oom)
		return NULL;
	if (!b->data && ecert_buf_reserve(b, 0) != ECERT_OK)
		return NULL;
	b->data[b->len] = '\0';
	p = (char *)b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
