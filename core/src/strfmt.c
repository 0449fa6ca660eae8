/* ecert — a small vsnprintf for messages made of strings and integers. See ecert/strfmt.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/strfmt.h"

/* The decimal digits of u, NUL-terminated, at the end of buf. */
static char *udec(unsigned long long u, char buf[24])
{
	char *p = buf + 23;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return p;
}

static char *sdec(long long v, char buf[24])
{
	char *p = udec(v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, buf);

	if (v < 0)
		*--p = '-';
	return p;
}

void ecert_vstrfmt(char *out, size_t cap, const char *fmt, va_list ap)
{
	char num[24];
	const char *f, *add;
	size_t len = 0, n, lead, want;
	int cut = 0;
	va_list probe;

	for (f = fmt; (f = strchr(f, '%')) != NULL; f += 2) {
		if (f[1] != 's' && f[1] != 'd' && !(f[1] == 'l' && f[2] == 'd') &&
		    !(f[1] == 'z' && f[2] == 'u')) {
			va_copy(probe, ap);
			vsnprintf(out, cap, fmt, probe);
			va_end(probe);
			return;
		}
		if (f[1] == 'l' || f[1] == 'z')
			f++;
	}
	for (f = fmt; *f && !cut;) {
		if (*f != '%') {
			add = f;
			n = strcspn(f, "%");
			f += n;
		} else {
			switch (f[1]) {
			case 's':
				add = va_arg(ap, const char *);
				if (!add)
					add = "(null)";
				break;
			case 'd':
				add = sdec(va_arg(ap, int), num);
				break;
			case 'l':
				f++;
				add = sdec(va_arg(ap, long), num);
				break;
			default: /* 'z' */
				f++;
				add = udec(va_arg(ap, size_t), num);
				break;
			}
			f += 2;
			n = strlen(add);
		}
		if (n > cap - 1 - len) {
			n = cap - 1 - len;
			cut = 1;
		}
		memcpy(out + len, add, n);
		len += n;
	}
	if (cut) {
		/* drop a character the cut left incomplete */
		for (lead = len; lead > 0 && ((unsigned char)out[lead - 1] & 0xC0) == 0x80; lead--)
			;
		if (lead > 0 && (unsigned char)out[lead - 1] >= 0xC0) {
			unsigned char b = (unsigned char)out[lead - 1];

			want = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
			if (len - (lead - 1) < want)
				len = lead - 1;
		}
	}
	out[len] = '\0';
}

void ecert_strfmt(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecert_vstrfmt(out, cap, fmt, ap);
	va_end(ap);
}
