/* ecert — a growable byte buffer. The caller owns `data` and frees it with
 * ecert_buf_free(). Appends keep the buffer NUL-terminated (not counted in len), so
 * text can be used as a C string. A failed append sets `oom` and later appends do
 * nothing; check once at the end with ecert_buf_ok(). */
#ifndef ECERT_BUF_H
#define ECERT_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ecert_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	size_t max;  /* 0 = unbounded; otherwise appends beyond max fail (sets oom) */
	int oom;
};

#define ECERT_BUF_INIT {NULL, 0, 0, 0, 0}

int ecert_buf_reserve(struct ecert_buf *b, size_t extra);
int ecert_buf_append(struct ecert_buf *b, const void *p, size_t n);
int ecert_buf_putc(struct ecert_buf *b, int c);
int ecert_buf_puts(struct ecert_buf *b, const char *s);
int ecert_buf_printf(struct ecert_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ECERT_OK, or ECERT_ERR_NOMEM if any append failed. */
int ecert_buf_ok(const struct ecert_buf *b);
/* Zero the contents (secrets) and free. NULL is fine. */
void ecert_buf_wipe(struct ecert_buf *b);
void ecert_buf_free(struct ecert_buf *b);
/* Hand the data to the caller (NUL-terminated; caller frees with ecert_free) and reset b. */
char *ecert_buf_take(struct ecert_buf *b, size_t *len);

#endif
