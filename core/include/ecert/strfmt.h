/* ecert — a small vsnprintf for messages made of strings and integers.
 *
 * glibc's vsnprintf sets up a stream for every call, which costs more than the formatting
 * of a short message; a verification writes about fifteen check details. ecert_vstrfmt
 * formats %s, %d, %ld and %zu itself and hands a format with any other conversion to
 * vsnprintf. Unlike vsnprintf, a message too long for `out` is cut at a UTF-8 character
 * boundary (a detail is shown and sent as JSON: half a character is not valid text).
 * cap must be at least 1; out is always NUL-terminated. */
#ifndef ECERT_STRFMT_H
#define ECERT_STRFMT_H

#include <stdarg.h>
#include <stddef.h>

void ecert_vstrfmt(char *out, size_t cap, const char *fmt, va_list ap);
void ecert_strfmt(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
