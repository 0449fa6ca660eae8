/* ecert — the regular expressions of JSON Schema "pattern" (schema.c), matched in time
 * linear in the subject: the subjects are attacker-controlled certificate fields, so a
 * backtracking matcher is out. A pattern becomes a Thompson NFA and, when small enough
 * (as every pattern of schemas/ is), a DFA built at compile time; matching walks the DFA,
 * one table step per byte, or simulates the NFA state set byte by byte.
 *
 * Syntax: the POSIX extended regular expressions (regcomp REG_EXTENDED) that glibc
 * accepts, minus what is refused below; a pattern is searched unanchored, as in JSON
 * Schema (write ^…$).
 *   atoms        a literal byte, ., [ ], [^ ], ( ), ^ and $ (anchors anywhere, as in ERE),
 *                and \ before ASCII punctuation (. [ ] ( ) * + ? { } | ^ $ \ …) but < > ` '
 *   brackets     ASCII literals, ranges (a-z, by byte value), and the classes
 *                [:alpha:] [:digit:] [:alnum:] [:upper:] [:lower:] [:space:] [:blank:]
 *                [:punct:] [:print:] [:graph:] [:cntrl:] [:xdigit:]
 *   quantifiers  * + ? {n} {n,} {n,m} (n, m <= ECERT_PATTERN_REPEAT_MAX), also stacked
 *   branches     a|b, empty ones included
 * Refused, so that a pattern never means something other than it says: \d \D \p \P \u \x
 * \k (escapes of other dialects, which glibc would read as literal letters), every other
 * escape of a letter or digit (GNU \w \s \b \< … and back-references), [. .] and [= =],
 * non-ASCII bytes inside brackets, a quantifier right after a non-ASCII byte (it would
 * repeat the last byte of a UTF-8 character), {,m}, an unmatched ")", an atom that can
 * match a newline right after $ or before ^ (glibc's regexec lets the anchor match at a
 * newline there, POSIX does not), and patterns past the size bounds. Syntax errors
 * (unmatched "(" or "[", a quantifier with nothing before it, a reversed range, an
 * unknown class) are refused as regcomp refuses them.
 *
 * Characters are bytes, as regexec sees them in the C locale, which is the locale every
 * ecert program runs in (none calls setlocale): "." and [^…] match one byte, so they
 * match each byte of a multi-byte UTF-8 character, and the classes are the ASCII ones —
 * [:space:] is \t \n \v \f \r and space, [:cntrl:] is 0x00–0x1F and 0x7F. No byte >=
 * 0x80 is in any class, so U+0085 (C2 85), U+00A0 and U+3000 (E3 80 80) are neither
 * space nor control here, exactly as before. Unlike regexec, the result does not change
 * if a program embedding the library calls setlocale. */
#ifndef ECERT_PATTERN_H
#define ECERT_PATTERN_H

#include "ecert/error.h"

/* Longest pattern accepted, in bytes. */
#define ECERT_PATTERN_SRC_MAX 1024
/* Largest count in {n,m}: POSIX's _POSIX_RE_DUP_MAX. */
#define ECERT_PATTERN_REPEAT_MAX 255

struct ecert_pattern;

/* Compile `src`. ECERT_OK and *out (the caller frees it with ecert_pattern_free);
 * ECERT_ERR_UNSUPPORTED when src is not in the subset above, err->msg saying why
 * ("pattern ([ is not a POSIX extended regular expression"); ECERT_ERR_NOMEM. */
int ecert_pattern_compile(const char *src, struct ecert_pattern **out, struct ecert_error *err);

/* 1 if some substring of the NUL-terminated s matches p, else 0. Linear in strlen(s);
 * allocates nothing. Thread-safe: a compiled pattern is never modified. */
int ecert_pattern_match(const struct ecert_pattern *p, const char *s);

/* Free a compiled pattern. NULL is fine. */
void ecert_pattern_free(struct ecert_pattern *p);

#endif
