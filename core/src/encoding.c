/* ecert — base45 (RFC 9285), base58btc, multibase, base64url (RFC 4648 §5), hex. */
#include <string.h>

#include "ecert/encoding.h"

static const char b45_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char hex_digits[] = "0123456789abcdef";

#define B45_BASE 45u
#define B58_BASE 58u
/* Work space of the base58 big number: log(256)/log(58) < 1.38 digits per byte when
 * encoding, log(58)/log(256) < 0.733 bytes per character when decoding. */
#define B58_DIGITS_MAX (ECERT_BASE58_MAX * 138 / 100 + 1)
#define B58_BYTES_MAX (ECERT_BASE58_TEXT_MAX * 733 / 1000 + 1)
/* The decoder's big number is in 32-bit limbs, and takes B58_GROUP characters per
 * multiplication: 58^5 = 656 356 768 < 2^32, so limb * 58^5 + carry fits in 64 bits. */
#define B58_LIMB_BYTES 4u
#define B58_LIMBS_MAX (B58_BYTES_MAX / B58_LIMB_BYTES + 1)
#define B58_GROUP 5u

/* Value + 1 of each character of the alphabets above; 0: not in the alphabet. The
 * decoders look characters up here (tests/unit/test_encoding.c checks every byte value
 * against the alphabet strings). */
static const uint8_t b45_rev[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    ['G'] = 17, ['H'] = 18, ['I'] = 19, ['J'] = 20, ['K'] = 21, ['L'] = 22, ['M'] = 23, ['N'] = 24,
    ['O'] = 25, ['P'] = 26, ['Q'] = 27, ['R'] = 28, ['S'] = 29, ['T'] = 30, ['U'] = 31, ['V'] = 32,
    ['W'] = 33, ['X'] = 34, ['Y'] = 35, ['Z'] = 36, [' '] = 37, ['$'] = 38, ['%'] = 39, ['*'] = 40,
    ['+'] = 41, ['-'] = 42, ['.'] = 43, ['/'] = 44, [':'] = 45,
};
static const uint8_t b58_rev[256] = {
    ['1'] = 1,  ['2'] = 2,  ['3'] = 3,  ['4'] = 4,  ['5'] = 5,  ['6'] = 6,  ['7'] = 7,  ['8'] = 8,
    ['9'] = 9,  ['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13, ['E'] = 14, ['F'] = 15, ['G'] = 16,
    ['H'] = 17, ['J'] = 18, ['K'] = 19, ['L'] = 20, ['M'] = 21, ['N'] = 22, ['P'] = 23, ['Q'] = 24,
    ['R'] = 25, ['S'] = 26, ['T'] = 27, ['U'] = 28, ['V'] = 29, ['W'] = 30, ['X'] = 31, ['Y'] = 32,
    ['Z'] = 33, ['a'] = 34, ['b'] = 35, ['c'] = 36, ['d'] = 37, ['e'] = 38, ['f'] = 39, ['g'] = 40,
    ['h'] = 41, ['i'] = 42, ['j'] = 43, ['k'] = 44, ['m'] = 45, ['n'] = 46, ['o'] = 47, ['p'] = 48,
    ['q'] = 49, ['r'] = 50, ['s'] = 51, ['t'] = 52, ['u'] = 53, ['v'] = 54, ['w'] = 55, ['x'] = 56,
    ['y'] = 57, ['z'] = 58,
};

/* Undo a partial decode: out goes back to `len0` bytes (still NUL-terminated). */
static void rollback(struct ecert_buf *out, size_t len0)
{
	if (out->data && out->len > len0) {
		memset(out->data + len0, 0, out->len - len0);
		out->len = len0;
	}
}

/* Result of an encoder/decoder: keeps the NUL terminator even when nothing was appended
 * after a reserve (empty input). */
static int finish(struct ecert_buf *out)
{
	return ecert_buf_append(out, "", 0);
}

static int b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int bad_char(struct ecert_error *err, const char *what, const char *in, size_t off)
{
	unsigned char c = (unsigned char)in[off];

	if (c >= 0x20 && c < 0x7f)
		return ecert_fail(err, ECERT_ERR_ENCODING,
		                  "%s: character '%c' at offset %zu is not in the alphabet", what,
		                  c, off);
	return ecert_fail(err, ECERT_ERR_ENCODING,
	                  "%s: byte 0x%02x at offset %zu is not in the alphabet", what, c, off);
}

/* ---- base45, RFC 9285 §4 ---- */

int ecert_base45_encode(const uint8_t *in, size_t len, struct ecert_buf *out)
{
	size_t i;
	unsigned n;
	char c[3];

	if (len / 2 > (SIZE_MAX - 2) / 3)
		return ECERT_ERR_ARG;
	if (ecert_buf_reserve(out, len / 2 * 3 + 2) != ECERT_OK)
		return ECERT_ERR_NOMEM;
	/* §4.1: two bytes [a, b] are n = a*256 + b = c + d*45 + e*45*45, written c d e. */
	for (i = 0; i + 1 < len; i += 2) {
		n = (unsigned)in[i] * 256u + in[i + 1];
		c[0] = b45_alphabet[n % B45_BASE];
		c[1] = b45_alphabet[n / B45_BASE % B45_BASE];
		c[2] = b45_alphabet[n / (B45_BASE * B45_BASE)];
		ecert_buf_append(out, c, 3);
	}
	/* An odd last byte is n = c + d*45, written c d. */
	if (i < len) {
		n = in[i];
		c[0] = b45_alphabet[n % B45_BASE];
		c[1] = b45_alphabet[n / B45_BASE];
		ecert_buf_append(out, c, 2);
	}
	return finish(out);
}

/* Undo a partial base45 decode: the `n` bytes written after the end of `out` are zeroed,
 * and so is the byte after them (the NUL terminator's place). */
static int b45_fail(unsigned char *dst, size_t n, int rc)
{
	memset(dst, 0, n + 1);
	return rc;
}

/* The group at `off` has a character outside the alphabet: report the first one. */
static int b45_bad_char(struct ecert_error *err, const char *in, size_t off)
{
	while (b45_rev[(unsigned char)in[off]])
		off++;
	return bad_char(err, "base45", in, off);
}

int ecert_base45_decode(const char *in, size_t len, struct ecert_buf *out, struct ecert_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned char *dst, *d;
	size_t i, whole = len - len % 3;
	unsigned c0, c1, c2, v;

	if (len % 3 == 1)
		return ecert_fail(err, ECERT_ERR_ENCODING,
		                  "base45: length %zu leaves a lone character at offset %zu", len,
		                  len - 1);
	/* The output size is known: reserve it once and write in place; `out` only takes the
	 * bytes (len and NUL) once the whole text has decoded. */
	if (ecert_buf_reserve(out, len / 3 * 2 + 1) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	dst = d = out->data + out->len;
	/* §4: a triple c d e is n = c + d*45 + e*45*45, the two bytes n >> 8 and n & 0xff. */
	for (i = 0; i < whole; i += 3) {
		c0 = b45_rev[s[i]];
		c1 = b45_rev[s[i + 1]];
		c2 = b45_rev[s[i + 2]];
		if (!c0 || !c1 || !c2)
			return b45_fail(dst, (size_t)(d - dst), b45_bad_char(err, in, i));
		v = (c0 - 1) + (c1 - 1) * B45_BASE + (c2 - 1) * (B45_BASE * B45_BASE);
		/* §6: a triple above 65535 is not base45. */
		if (v > 0xffffu)
			return b45_fail(
			    dst, (size_t)(d - dst),
			    ecert_fail(err, ECERT_ERR_ENCODING,
			               "base45: group at offset %zu is %u, more than 65535", i, v));
		d[0] = (unsigned char)(v >> 8);
		d[1] = (unsigned char)(v & 0xffu);
		d += 2;
	}
	/* An odd last byte is a pair c d, n = c + d*45; above 255 it is not base45. */
	if (i < len) {
		c0 = b45_rev[s[i]];
		c1 = b45_rev[s[i + 1]];
		if (!c0 || !c1)
			return b45_fail(dst, (size_t)(d - dst), b45_bad_char(err, in, i));
		v = (c0 - 1) + (c1 - 1) * B45_BASE;
		if (v > 0xffu)
			return b45_fail(
			    dst, (size_t)(d - dst),
			    ecert_fail(err, ECERT_ERR_ENCODING,
			               "base45: final pair at offset %zu is %u, more than 255", i,
			               v));
		*d++ = (unsigned char)v;
	}
	out->len += (size_t)(d - dst);
	out->data[out->len] = '\0';
	return ECERT_OK;
}

/* ---- base58btc (the Bitcoin alphabet) ---- */

int ecert_base58_encode(const uint8_t *in, size_t len, struct ecert_buf *out)
{
	/* Big-endian base-58 digits of the number, filled from the end. */
	uint8_t digits[B58_DIGITS_MAX];
	size_t zeros = 0, i, j, size, high, start;
	unsigned carry;

	if (len > ECERT_BASE58_MAX)
		return ECERT_ERR_ARG;
	while (zeros < len && in[zeros] == 0)
		zeros++;
	size = (len - zeros) * 138 / 100 + 1;
	memset(digits, 0, size);
	high = size; /* digits[high..size) are in use */
	for (i = zeros; i < len; i++) {
		carry = in[i];
		for (j = size; j > 0 && (carry != 0 || j > high); j--) {
			carry += 256u * digits[j - 1];
			digits[j - 1] = (uint8_t)(carry % B58_BASE);
			carry /= B58_BASE;
		}
		high = j;
	}
	start = 0;
	while (start < size && digits[start] == 0)
		start++;
	if (ecert_buf_reserve(out, zeros + (size - start)) != ECERT_OK)
		return ECERT_ERR_NOMEM;
	/* Each leading zero byte is one leading '1'. */
	for (i = 0; i < zeros; i++)
		ecert_buf_putc(out, '1');
	for (i = start; i < size; i++)
		ecert_buf_putc(out, b58_alphabet[digits[i]]);
	return finish(out);
}

int ecert_base58_decode(const char *in, size_t len, struct ecert_buf *out, struct ecert_error *err)
{
	/* The number the characters after the leading '1's write, least significant limb
	 * first; limbs[0..used) are in use and limbs[used - 1] is not zero. */
	uint32_t limbs[B58_LIMBS_MAX];
	const unsigned char *s = (const unsigned char *)in;
	unsigned char *dst;
	size_t ones = 0, i, k, j, used = 0, nbytes, numbytes;
	uint32_t group, mul, carry, top;
	uint64_t t;
	unsigned c;

	if (len > ECERT_BASE58_TEXT_MAX)
		return ecert_fail(err, ECERT_ERR_ENCODING,
		                  "base58: %zu characters, more than the %zu allowed", len,
		                  ECERT_BASE58_TEXT_MAX);
	while (ones < len && s[ones] == '1')
		ones++;
	/* number = number * 58^k + (the next k <= B58_GROUP digits) */
	for (i = ones; i < len; i += k) {
		group = 0;
		mul = 1;
		for (k = 0; k < B58_GROUP && i + k < len; k++) {
			c = b58_rev[s[i + k]];
			if (!c)
				return bad_char(err, "base58", in, i + k);
			group = group * B58_BASE + (c - 1);
			mul *= B58_BASE;
		}
		carry = group;
		for (j = 0; j < used; j++) {
			t = (uint64_t)limbs[j] * mul + carry;
			limbs[j] = (uint32_t)t;
			carry = (uint32_t)(t >> 32);
		}
		/* 58^1399 < 2^(32 * B58_LIMBS_MAX): the bound on len keeps this inside limbs */
		if (carry != 0)
			limbs[used++] = carry;
	}
	/* Big-endian bytes of the number without leading zeros, after a zero byte for each
	 * leading '1'. */
	numbytes = 0;
	if (used > 0) {
		top = limbs[used - 1];
		numbytes = (used - 1) * B58_LIMB_BYTES + 1;
		while (top > 0xffu) {
			top >>= 8;
			numbytes++;
		}
	}
	nbytes = ones + numbytes;
	if (nbytes > ECERT_BASE58_MAX)
		return ecert_fail(err, ECERT_ERR_ENCODING,
		                  "base58: decodes to %zu bytes, more than the %zu allowed", nbytes,
		                  ECERT_BASE58_MAX);
	if (ecert_buf_reserve(out, nbytes) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	dst = out->data + out->len;
	memset(dst, 0, ones);
	dst += ones;
	for (i = 0; i < numbytes; i++) {
		k = numbytes - 1 - i; /* byte k of the number, counted from the least significant */
		dst[i] = (unsigned char)(limbs[k / B58_LIMB_BYTES] >> (k % B58_LIMB_BYTES * 8u));
	}
	out->len += nbytes;
	out->data[out->len] = '\0';
	return ECERT_OK;
}

/* ---- base64url without padding, RFC 4648 §5 ---- */

int ecert_base64url_encode(const uint8_t *in, size_t len, struct ecert_buf *out)
{
	size_t i;
	uint32_t v;
	char c[4];

	if (len / 3 >= SIZE_MAX / 4 - 1)
		return ECERT_ERR_ARG;
	if (ecert_buf_reserve(out, (len + 2) / 3 * 4) != ECERT_OK)
		return ECERT_ERR_NOMEM;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		c[0] = b64url_alphabet[v >> 18];
		c[1] = b64url_alphabet[v >> 12 & 63u];
		c[2] = b64url_alphabet[v >> 6 & 63u];
		c[3] = b64url_alphabet[v & 63u];
		ecert_buf_append(out, c, 4);
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		c[0] = b64url_alphabet[v >> 18];
		c[1] = b64url_alphabet[v >> 12 & 63u];
		ecert_buf_append(out, c, 2);
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		c[0] = b64url_alphabet[v >> 18];
		c[1] = b64url_alphabet[v >> 12 & 63u];
		c[2] = b64url_alphabet[v >> 6 & 63u];
		ecert_buf_append(out, c, 3);
	}
	return finish(out);
}

int ecert_base64url_decode(const char *in, size_t len, struct ecert_buf *out,
                           struct ecert_error *err)
{
	size_t i, len0 = out->len;
	uint32_t acc = 0;
	unsigned bits = 0;
	int v;
	uint8_t byte;

	/* 4k+1 characters carry 6 bits past a whole byte: no byte string encodes to that. */
	if (len % 4 == 1)
		return ecert_fail(err, ECERT_ERR_ENCODING,
		                  "base64url: length %zu is impossible (4k+1)", len);
	if (ecert_buf_reserve(out, len / 4 * 3 + 2) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	for (i = 0; i < len; i++) {
		v = b64url_value((unsigned char)in[i]);
		if (v < 0) {
			rollback(out, len0);
			if (in[i] == '=')
				return ecert_fail(
				    err, ECERT_ERR_ENCODING,
				    "base64url: padding '=' at offset %zu is not allowed", i);
			return bad_char(err, "base64url", in, i);
		}
		acc = (acc << 6 | (uint32_t)v) & 0xffffffu;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			byte = (uint8_t)(acc >> bits & 0xffu);
			ecert_buf_append(out, &byte, 1);
		}
	}
	/* §3.5: the unused bits of the last character must be zero (canonical form). */
	if (bits && (acc & ((1u << bits) - 1u))) {
		rollback(out, len0);
		return ecert_fail(
		    err, ECERT_ERR_ENCODING,
		    "base64url: non-zero trailing bits in the last character (offset %zu)",
		    len - 1);
	}
	if (finish(out) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	return ECERT_OK;
}

/* ---- multibase ---- */

int ecert_multibase58_encode(const uint8_t *in, size_t len, struct ecert_buf *out)
{
	size_t len0 = out->len;
	int rc;

	if (ecert_buf_putc(out, 'z') != ECERT_OK)
		return ECERT_ERR_NOMEM;
	rc = ecert_base58_encode(in, len, out);
	if (rc != ECERT_OK)
		rollback(out, len0);
	return rc;
}

int ecert_multibase58_decode(const char *in, size_t len, struct ecert_buf *out,
                             struct ecert_error *err)
{
	if (len == 0 || in[0] != 'z')
		return ecert_fail(err, ECERT_ERR_ENCODING,
		                  "multibase: expected the base58btc prefix 'z' at offset 0");
	return ecert_base58_decode(in + 1, len - 1, out, err);
}

int ecert_multibase64url_encode(const uint8_t *in, size_t len, struct ecert_buf *out)
{
	size_t len0 = out->len;
	int rc;

	if (ecert_buf_putc(out, 'u') != ECERT_OK)
		return ECERT_ERR_NOMEM;
	rc = ecert_base64url_encode(in, len, out);
	if (rc != ECERT_OK)
		rollback(out, len0);
	return rc;
}

int ecert_multibase64url_decode(const char *in, size_t len, struct ecert_buf *out,
                                struct ecert_error *err)
{
	if (len == 0 || in[0] != 'u')
		return ecert_fail(err, ECERT_ERR_ENCODING,
		                  "multibase: expected the base64url prefix 'u' at offset 0");
	return ecert_base64url_decode(in + 1, len - 1, out, err);
}

/* ---- hex ---- */

int ecert_hex_encode(const uint8_t *in, size_t len, struct ecert_buf *out)
{
	size_t i;
	char c[2];

	if (len > (SIZE_MAX - 2) / 2)
		return ECERT_ERR_ARG;
	if (ecert_buf_reserve(out, len * 2) != ECERT_OK)
		return ECERT_ERR_NOMEM;
	for (i = 0; i < len; i++) {
		c[0] = hex_digits[in[i] >> 4];
		c[1] = hex_digits[in[i] & 15u];
		ecert_buf_append(out, c, 2);
	}
	return finish(out);
}

int ecert_hex_decode(const char *in, size_t len, struct ecert_buf *out, struct ecert_error *err)
{
	size_t i, len0 = out->len;
	int hi, lo;
	uint8_t byte;

	if (len % 2)
		return ecert_fail(err, ECERT_ERR_ENCODING, "hex: odd length %zu", len);
	if (ecert_buf_reserve(out, len / 2) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	for (i = 0; i < len; i += 2) {
		hi = hex_value((unsigned char)in[i]);
		lo = hex_value((unsigned char)in[i + 1]);
		if (hi < 0 || lo < 0) {
			rollback(out, len0);
			return bad_char(err, "hex", in, hi < 0 ? i : i + 1);
		}
		byte = (uint8_t)(hi << 4 | lo);
		ecert_buf_append(out, &byte, 1);
	}
	if (finish(out) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	return ECERT_OK;
}
