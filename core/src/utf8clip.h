/* ecert — private helpers: cutting text for error messages without splitting a UTF-8
 * character (messages end up in terminals and in JSON output, which must stay valid
 * UTF-8). Static inline so each module carries its own copy; not part of the API. */
#ifndef ECERT_UTF8CLIP_H
#define ECERT_UTF8CLIP_H

#include <string.h>

/* Number of bytes of s to print so that at most max bytes are printed and no character
 * is cut: use as printf("%.*s", utf8_clip(s, n), s). NULL prints nothing. */
static inline int utf8_clip(const char *s, int max)
{
	int n = 0;

	if (!s)
		return 0;
	while (n < max && s[n])
		n++;
	/* s[n] continues a character that started before n: end before that character */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Copy at most cap-1 bytes of s (NULL: nothing) into dst without splitting a UTF-8
 * character. */
static inline void utf8_copy(char *dst, size_t cap, const char *s)
{
	int n = utf8_clip(s, (int)cap - 1);

	memcpy(dst, s ? s : "", (size_t)n);
	dst[n] = '\0';
}

/* Drop an incomplete UTF-8 sequence at the end of buf (left by a truncating snprintf). */
static inline void utf8_trim_tail(char *buf)
{
	size_t len = strlen(buf), i = len, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)buf[i - 1];
	if (lead < 0x80)
		return;
	need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (len - (i - 1) < need)
		buf[i - 1] = '\0';
}

/* A printable stand-in for one byte of user input quoted with %c: non-ASCII bytes and
 * controls (a fragment of a character) become '?'. */
static inline char ascii_or_qmark(char c)
{
	return (c > 0x20 && c < 0x7f) ? c : '?';
}

#endif
