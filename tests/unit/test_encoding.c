/* cmocka: base45 (RFC 9285), base58btc, multibase, base64url, hex. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/encoding.h"
#include "ecert/error.h"

typedef int (*enc_fn)(const uint8_t *, size_t, struct ecert_buf *);
typedef int (*dec_fn)(const char *, size_t, struct ecert_buf *, struct ecert_error *);

struct pair {
	const char *plain;
	const char *encoded;
};

/* Deterministic xorshift so a failure can be replayed. */
static uint32_t rng_state = 0x2545f491u;

static uint8_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return (uint8_t)(rng_state >> 24);
}

static void check_encode(enc_fn enc, const char *plain, const char *expect)
{
	struct ecert_buf b = ECERT_BUF_INIT;

	assert_int_equal(enc((const uint8_t *)plain, strlen(plain), &b), ECERT_OK);
	assert_int_equal(b.len, strlen(expect));
	assert_memory_equal(b.data, expect, b.len);
	assert_int_equal(b.data[b.len], '\0');
	ecert_buf_free(&b);
}

static void check_decode(dec_fn dec, const char *text, const char *expect)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;

	ecert_error_clear(&e);
	assert_int_equal(dec(text, strlen(text), &b, &e), ECERT_OK);
	assert_int_equal(b.len, strlen(expect));
	if (b.len)
		assert_memory_equal(b.data, expect, b.len);
	ecert_buf_free(&b);
}

/* Must fail with ECERT_ERR_ENCODING and leave what `out` already held untouched. */
static void check_reject(dec_fn dec, const char *text, size_t len)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;

	ecert_error_clear(&e);
	assert_int_equal(ecert_buf_puts(&b, "keep"), ECERT_OK);
	assert_int_equal(dec(text, len, &b, &e), ECERT_ERR_ENCODING);
	assert_int_equal(e.code, ECERT_ERR_ENCODING);
	assert_true(e.msg[0] != '\0');
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "keep", 5);
	ecert_buf_free(&b);
}

static void check_round_trips(enc_fn enc, dec_fn dec)
{
	uint8_t data[301];
	size_t len, i;
	int rep;

	for (rep = 0; rep < 3; rep++) {
		for (len = 0; len <= 300; len++) {
			struct ecert_buf t = ECERT_BUF_INIT, d = ECERT_BUF_INIT;
			struct ecert_error e;

			for (i = 0; i < len; i++)
				data[i] = rnd();
			/* leading zero bytes matter to base58: give some inputs a run of them */
			if (rep == 1)
				for (i = 0; i < len && i < len % 5; i++)
					data[i] = 0;
			if (rep == 2 && len)
				memset(data, rep == 2 && len % 2 ? 0 : 0xff, len);
			ecert_error_clear(&e);
			assert_int_equal(enc(data, len, &t), ECERT_OK);
			assert_int_equal(dec((const char *)t.data, t.len, &d, &e), ECERT_OK);
			assert_int_equal(d.len, len);
			if (len)
				assert_memory_equal(d.data, data, len);
			ecert_buf_free(&t);
			ecert_buf_free(&d);
		}
	}
}

/* ---- base45 ---- */

static void test_base45_rfc_vectors(void **state)
{
	/* RFC 9285 §4.3 and §4.4 */
	static const struct pair v[] = {
	    {"AB", "BB8"},
	    {"Hello!!", "%69 VD92EX0"},
	    {"base-45", "UJCLQE7W581"},
	    {"ietf!", "QED8WEX0"},
	    {"", ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		check_encode(ecert_base45_encode, v[i].plain, v[i].encoded);
		check_decode(ecert_base45_decode, v[i].encoded, v[i].plain);
	}
}

static void test_base45_edges(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	static const uint8_t ff[2] = {0xff, 0xff};

	(void)state;
	/* the largest triple and pair are accepted */
	assert_int_equal(ecert_base45_encode(ff, 2, &b), ECERT_OK);
	assert_string_equal((char *)b.data, "FGW");
	ecert_buf_free(&b);
	assert_int_equal(ecert_base45_encode(ff, 1, &b), ECERT_OK);
	assert_string_equal((char *)b.data, "U5");
	ecert_buf_free(&b);
	ecert_error_clear(&e);
	assert_int_equal(ecert_base45_decode("FGWU5", 5, &b, &e), ECERT_OK);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "\xff\xff\xff", 3);
	ecert_buf_free(&b);
}

static void test_base45_must_fail(void **state)
{
	(void)state;
	check_reject(ecert_base45_decode, "GGW", 3);    /* 65536 */
	check_reject(ecert_base45_decode, "BB8GGW", 6); /* second group over */
	check_reject(ecert_base45_decode, "BB8A", 4);   /* lone trailing character */
	check_reject(ecert_base45_decode, "A", 1);
	check_reject(ecert_base45_decode, "V5", 2);    /* 31 + 5*45 = 256 */
	check_reject(ecert_base45_decode, "ZZ", 2);    /* 35 + 35*45 */
	check_reject(ecert_base45_decode, "BB8::", 5); /* final pair over 255 */
	check_reject(ecert_base45_decode, "bb8", 3);   /* lower case is not base45 */
	check_reject(ecert_base45_decode, "B#8", 3);
	check_reject(ecert_base45_decode, "B=8", 3);
	check_reject(ecert_base45_decode, "BB\0", 3);
	check_reject(ecert_base45_decode, "BB\xc3\xa9", 4); /* UTF-8 */
}

static void test_base45_round_trip(void **state)
{
	(void)state;
	check_round_trips(ecert_base45_encode, ecert_base45_decode);
}

/* ---- base58btc ---- */

static void test_base58_vectors(void **state)
{
	/* draft-msporny-base58 §5 */
	static const struct pair v[] = {
	    {"Hello World!", "2NEpo7TZRRrLZSi2U"},
	    {"The quick brown fox jumps over the lazy dog.",
	     "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
	    {"", ""},
	};
	static const uint8_t lead[] = {0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd};
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		check_encode(ecert_base58_encode, v[i].plain, v[i].encoded);
		check_decode(ecert_base58_decode, v[i].encoded, v[i].plain);
	}
	/* leading zero bytes are leading '1's */
	assert_int_equal(ecert_base58_encode(lead, sizeof(lead), &b), ECERT_OK);
	assert_string_equal((char *)b.data, "11233QC4");
	ecert_buf_free(&b);
	ecert_error_clear(&e);
	assert_int_equal(ecert_base58_decode("11233QC4", 8, &b, &e), ECERT_OK);
	assert_int_equal(b.len, sizeof(lead));
	assert_memory_equal(b.data, lead, sizeof(lead));
	ecert_buf_free(&b);
	/* all zeros: only '1's */
	assert_int_equal(ecert_base58_encode(lead, 2, &b), ECERT_OK);
	assert_string_equal((char *)b.data, "11");
	ecert_buf_free(&b);
	assert_int_equal(ecert_base58_decode("111", 3, &b, &e), ECERT_OK);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "\0\0\0", 3);
	ecert_buf_free(&b);
}

static void test_base58_must_fail(void **state)
{
	char big[ECERT_BASE58_TEXT_MAX + 2];
	uint8_t raw[ECERT_BASE58_MAX + 1];
	struct ecert_buf b = ECERT_BUF_INIT, d = ECERT_BUF_INIT;
	struct ecert_error e;

	(void)state;
	/* 0, O, I and l are not in the Bitcoin alphabet */
	check_reject(ecert_base58_decode, "2NEpo0", 6);
	check_reject(ecert_base58_decode, "2NEpoO", 6);
	check_reject(ecert_base58_decode, "I2NEpo", 6);
	check_reject(ecert_base58_decode, "2NlEpo", 6);
	check_reject(ecert_base58_decode, "2NE po", 6);
	check_reject(ecert_base58_decode, "2NE+po", 6);
	check_reject(ecert_base58_decode, "2N\0Epo", 6);
	/* bounds: too many characters, or characters that decode past the byte bound */
	memset(big, 'z', sizeof(big));
	check_reject(ecert_base58_decode, big, ECERT_BASE58_TEXT_MAX + 1);
	check_reject(ecert_base58_decode, big, ECERT_BASE58_TEXT_MAX);
	/* ... while the largest input round-trips */
	memset(raw, 0xff, sizeof(raw));
	assert_int_equal(ecert_base58_encode(raw, ECERT_BASE58_MAX + 1, &b), ECERT_ERR_ARG);
	ecert_buf_free(&b);
	assert_int_equal(ecert_base58_encode(raw, ECERT_BASE58_MAX, &b), ECERT_OK);
	assert_true(b.len <= ECERT_BASE58_TEXT_MAX);
	ecert_error_clear(&e);
	assert_int_equal(ecert_base58_decode((char *)b.data, b.len, &d, &e), ECERT_OK);
	assert_int_equal(d.len, ECERT_BASE58_MAX);
	assert_memory_equal(d.data, raw, ECERT_BASE58_MAX);
	ecert_buf_free(&b);
	ecert_buf_free(&d);
	/* ECERT_BASE58_MAX leading zero bytes: the longest text that is allowed */
	memset(raw, 0, sizeof(raw));
	assert_int_equal(ecert_base58_encode(raw, ECERT_BASE58_MAX, &b), ECERT_OK);
	assert_int_equal(b.len, ECERT_BASE58_MAX);
	assert_int_equal(ecert_base58_decode((char *)b.data, b.len, &d, &e), ECERT_OK);
	assert_int_equal(d.len, ECERT_BASE58_MAX);
	ecert_buf_free(&b);
	ecert_buf_free(&d);
	memset(big, '1', sizeof(big));
	check_reject(ecert_base58_decode, big, ECERT_BASE58_MAX + 1);
}

static void test_base58_round_trip(void **state)
{
	(void)state;
	check_round_trips(ecert_base58_encode, ecert_base58_decode);
}

/* Every byte value in each place of a base45 group: a character of the alphabet decodes to
 * its index, anything else is refused at its own offset (the decoder's lookup table agrees
 * with the alphabet). */
static void test_base45_every_byte(void **state)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	static const unsigned weight[3] = {1, 45, 45 * 45};
	struct ecert_error e;
	unsigned c, pos, v;
	char text[3], where[32];
	const char *idx;

	(void)state;
	for (c = 0; c < 256; c++) {
		idx = c ? memchr(alphabet, (int)c, sizeof(alphabet) - 1) : NULL;
		for (pos = 0; pos < 3; pos++) {
			struct ecert_buf b = ECERT_BUF_INIT;
			int rc;

			memset(text, '0', sizeof(text));
			text[pos] = (char)c;
			ecert_error_clear(&e);
			rc = ecert_base45_decode(text, 3, &b, &e);
			if (!idx) {
				assert_int_equal(rc, ECERT_ERR_ENCODING);
				snprintf(where, sizeof(where), "at offset %u is not", pos);
				assert_non_null(strstr(e.msg, where));
			} else if ((v = (unsigned)(idx - alphabet) * weight[pos]) > 0xffffu) {
				assert_int_equal(rc, ECERT_ERR_ENCODING);
				assert_non_null(strstr(e.msg, "more than 65535"));
			} else {
				assert_int_equal(rc, ECERT_OK);
				assert_int_equal(b.len, 2);
				assert_int_equal(b.data[0], v >> 8);
				assert_int_equal(b.data[1], v & 0xffu);
				assert_int_equal(b.data[2], '\0');
			}
			ecert_buf_free(&b);
		}
	}
}

/* The first error in the text is the one reported, as a left-to-right decoder finds it. */
static void test_base45_first_error(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} v[] = {
	    {"GGW#00", "group at offset 0 is 65536"},
	    {"BB8GGW#0", "group at offset 3 is 65536"},
	    {"BB8G#W", "character '#' at offset 4"},
	    {"#GGW", "character '#' at offset 0"}, /* a lone character is found first */
	    {"BB8BB8::", "final pair at offset 6 is 2024"},
	    {"BB8BB8:#", "character '#' at offset 7"},
	};
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t i;

	(void)state;
	assert_int_equal(ecert_buf_puts(&b, "keep"), ECERT_OK);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ecert_error_clear(&e);
		assert_int_equal(ecert_base45_decode(v[i].text, strlen(v[i].text), &b, &e),
		                 ECERT_ERR_ENCODING);
		if (i == 3)
			assert_non_null(strstr(e.msg, "lone character at offset 3"));
		else
			assert_non_null(strstr(e.msg, v[i].msg));
		assert_int_equal(b.len, 4);
		assert_memory_equal(b.data, "keep", 5);
	}
	ecert_buf_free(&b);
}

static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Reference base58btc decoder for the tests: a byte-at-a-time big-endian multiply-add, with
 * a zero byte for each leading '1'. `text` is all alphabet characters. */
static size_t ref_base58_decode(const char *text, size_t len, uint8_t *out, size_t cap)
{
	size_t ones = 0, n = 0, i, j;
	unsigned carry;

	while (ones < len && text[ones] == '1')
		ones++;
	for (i = ones; i < len; i++) {
		carry = (unsigned)(strchr(b58_alphabet, text[i]) - b58_alphabet);
		for (j = 0; j < n; j++) {
			carry += 58u * out[cap - 1 - j];
			out[cap - 1 - j] = (uint8_t)carry;
			carry >>= 8;
		}
		for (; carry; carry >>= 8) {
			assert_true(n < cap);
			out[cap - 1 - n++] = (uint8_t)carry;
		}
	}
	assert_true(ones + n <= cap);
	memmove(out + ones, out + cap - n, n);
	memset(out, 0, ones);
	return ones + n;
}

static void test_base58_known_answers(void **state)
{
	/* Python's int.to_bytes of the numbers; a 64-byte signature-sized value (SHA-512 of
	 * "ecert base58"), the same with three leading zero bytes, and 58^k - 1 ('z' * k)
	 * around the decoder's five-character steps. */
	static const struct {
		const char *text;
		const char *hex;
	} v[] = {
	    {"bGdjZP69gcGgqVmLfgNGRpxDsh19mGTX9CDqiJZigLfJDbt3Wf7PXFCBdyHVoty2wZZwTQDAXC2Fd31shkzwz"
	     "Tj",
	     "1d8d811311e4d8ac714d82cefe9717ec14edd28cb5d459de5ec4cf2e82350c9b"
	     "e40f75c002bd698213ae0d72e7ff52d7762aab54c9343ea05e9139084638acf2"},
	    {"111Fv8FBH4YWtJDyZG14ySuV4d3XwgHSG8y9KuszALjXMoVyVuv3PuCbgXDau6eu6xe3cuUs5wwqUTabEsP77"
	     "F",
	     "0000001311e4d8ac714d82cefe9717ec14edd28cb5d459de5ec4cf2e82350c9b"
	     "e40f75c002bd698213ae0d72e7ff52d7762aab54c9343ea05e9139084638acf2"},
	    {"z", "39"},
	    {"zzzz", "acad0f"},
	    {"zzzzz", "271f359f"},
	    {"zzzzzz", "08dd12263f"},
	    {"zzzzzzzzzz", "05fa8624c7fba3ff"},
	    {"zzzzzzzzzzz", "015ac264554f0327ff"},
	    {"1", "00"},
	    {"11111", "0000000000"},
	    {"111112", "000000000001"},
	    {"21", "3a"},
	    {"5Q", "ff"},
	    {"5R", "0100"},
	    {"LUv", "ffff"},
	    {"LUw", "010000"},
	};
	struct ecert_buf b = ECERT_BUF_INIT, hex = ECERT_BUF_INIT;
	struct ecert_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ecert_error_clear(&e);
		assert_int_equal(ecert_base58_decode(v[i].text, strlen(v[i].text), &b, &e),
		                 ECERT_OK);
		assert_int_equal(ecert_hex_encode(b.data, b.len, &hex), ECERT_OK);
		assert_string_equal((char *)hex.data, v[i].hex);
		assert_int_equal(b.data[b.len], '\0');
		b.len = hex.len = 0;
	}
	ecert_buf_free(&b);
	ecert_buf_free(&hex);
}

/* Random texts of 0..100 characters (some with a run of leading '1's) decode as the
 * reference decoder says, and encode back to themselves. */
static void test_base58_texts(void **state)
{
	char text[101];
	uint8_t want[101];
	size_t len, i, n;
	int rep;

	(void)state;
	for (rep = 0; rep < 8; rep++) {
		for (len = 0; len <= 100; len++) {
			struct ecert_buf d = ECERT_BUF_INIT, t = ECERT_BUF_INIT;
			struct ecert_error e;

			for (i = 0; i < len; i++)
				text[i] = b58_alphabet[rnd() % 58];
			for (i = 0; i < len && i < (size_t)rep; i++)
				text[i] = '1';
			/* no leading '1's after those: the number's first digit is not zero */
			if (i < len && text[i] == '1')
				text[i] = 'z';
			n = ref_base58_decode(text, len, want, sizeof(want));
			ecert_error_clear(&e);
			assert_int_equal(ecert_base58_decode(text, len, &d, &e), ECERT_OK);
			assert_int_equal(d.len, n);
			if (n)
				assert_memory_equal(d.data, want, n);
			assert_int_equal(ecert_base58_encode(d.data, d.len, &t), ECERT_OK);
			assert_int_equal(t.len, len);
			if (len)
				assert_memory_equal(t.data, text, len);
			ecert_buf_free(&d);
			ecert_buf_free(&t);
		}
	}
}

/* Every byte value as a base58 character, alone and after a digit; the first bad character
 * is the one reported; the byte bound counts the leading '1's. */
static void test_base58_every_byte(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT, big = ECERT_BUF_INIT;
	struct ecert_error e;
	uint8_t raw[ECERT_BASE58_MAX];
	unsigned c, idx;
	char text[2];
	const char *p;

	(void)state;
	for (c = 0; c < 256; c++) {
		p = c ? memchr(b58_alphabet, (int)c, sizeof(b58_alphabet) - 1) : NULL;
		text[0] = (char)c;
		text[1] = 'z';
		ecert_error_clear(&e);
		if (!p) {
			check_reject(ecert_base58_decode, text, 1);
			assert_int_equal(ecert_base58_decode(text, 2, &b, &e), ECERT_ERR_ENCODING);
			assert_non_null(strstr(e.msg, "at offset 0 is not"));
			text[0] = '2';
			text[1] = (char)c;
			assert_int_equal(ecert_base58_decode(text, 2, &b, &e), ECERT_ERR_ENCODING);
			assert_non_null(strstr(e.msg, "at offset 1 is not"));
			continue;
		}
		idx = (unsigned)(p - b58_alphabet);
		assert_int_equal(ecert_base58_decode(text, 1, &b, &e), ECERT_OK);
		assert_int_equal(b.len, 1);
		assert_int_equal(b.data[0], idx);
		b.len = 0;
		text[0] = '2';
		text[1] = (char)c;
		assert_int_equal(ecert_base58_decode(text, 2, &b, &e), ECERT_OK);
		assert_int_equal(b.len, 1 + (58 + idx > 0xff));
		assert_int_equal(b.data[b.len - 1], (58 + idx) & 0xffu);
		b.len = 0;
	}
	assert_int_equal(ecert_base58_decode("1112NEp0z0", 10, &b, &e), ECERT_ERR_ENCODING);
	assert_non_null(strstr(e.msg, "character '0' at offset 7"));
	/* a '1' in front of a 1024-byte number: one byte too many, in 1399 characters */
	memset(raw, 0xff, sizeof(raw));
	raw[0] = 0x01;
	assert_int_equal(ecert_buf_putc(&big, '1'), ECERT_OK);
	assert_int_equal(ecert_base58_encode(raw, sizeof(raw), &big), ECERT_OK);
	assert_true(big.len <= ECERT_BASE58_TEXT_MAX);
	assert_int_equal(ecert_base58_decode((char *)big.data + 1, big.len - 1, &b, &e), ECERT_OK);
	assert_int_equal(b.len, ECERT_BASE58_MAX);
	assert_int_equal(ecert_base58_decode((char *)big.data, big.len, &b, &e),
	                 ECERT_ERR_ENCODING);
	assert_non_null(strstr(e.msg, "decodes to 1025 bytes"));
	ecert_buf_free(&b);
	ecert_buf_free(&big);
}

/* ---- multibase ---- */

static void test_multibase(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;

	(void)state;
	check_encode(ecert_multibase58_encode, "Hello World!", "z2NEpo7TZRRrLZSi2U");
	check_decode(ecert_multibase58_decode, "z2NEpo7TZRRrLZSi2U", "Hello World!");
	check_encode(ecert_multibase64url_encode, "foobar", "uZm9vYmFy");
	check_decode(ecert_multibase64url_decode, "uZm9vYmFy", "foobar");
	check_encode(ecert_multibase58_encode, "", "z");
	check_decode(ecert_multibase58_decode, "z", "");
	check_decode(ecert_multibase64url_decode, "u", "");
	/* exactly the one prefix asked for */
	check_reject(ecert_multibase58_decode, "", 0);
	check_reject(ecert_multibase58_decode, "2NEpo7TZRRrLZSi2U", 17);
	check_reject(ecert_multibase58_decode, "Z2NEpo7TZRRrLZSi2U", 18);
	check_reject(ecert_multibase58_decode, "uZm9vYmFy", 9);
	check_reject(ecert_multibase58_decode, "z2NEpo0", 7);
	check_reject(ecert_multibase64url_decode, "", 0);
	check_reject(ecert_multibase64url_decode, "z2NEpo7TZRRrLZSi2U", 18);
	check_reject(ecert_multibase64url_decode, "UZm9vYmFy", 9);
	check_reject(ecert_multibase64url_decode, "mZm9vYmFy", 9); /* 'm' = padded base64 */
	check_reject(ecert_multibase64url_decode, "uZm9vYg==", 9);
	/* appends after what is there */
	assert_int_equal(ecert_buf_puts(&b, "x"), ECERT_OK);
	ecert_error_clear(&e);
	assert_int_equal(ecert_multibase58_decode("z2NEpo7TZRRrLZSi2U", 18, &b, &e), ECERT_OK);
	assert_int_equal(b.len, 13);
	assert_memory_equal(b.data, "xHello World!", 13);
	ecert_buf_free(&b);
}

/* ---- base64url ---- */

static void test_base64url_vectors(void **state)
{
	/* RFC 4648 §10, in the URL alphabet without padding */
	static const struct pair v[] = {
	    {"", ""},
	    {"f", "Zg"},
	    {"fo", "Zm8"},
	    {"foo", "Zm9v"},
	    {"foob", "Zm9vYg"},
	    {"fooba", "Zm9vYmE"},
	    {"foobar", "Zm9vYmFy"},
	    {"\xfb\xff", "-_8"},
	    {"\xff\xef\xbf", "_--_"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		check_encode(ecert_base64url_encode, v[i].plain, v[i].encoded);
		check_decode(ecert_base64url_decode, v[i].encoded, v[i].plain);
	}
}

static void test_base64url_must_fail(void **state)
{
	(void)state;
	check_reject(ecert_base64url_decode, "Zg==", 4); /* padding */
	check_reject(ecert_base64url_decode, "Zm8=", 4);
	check_reject(ecert_base64url_decode, "Zm9v=", 5);
	check_reject(ecert_base64url_decode, "Zh", 2); /* non-zero trailing bits */
	check_reject(ecert_base64url_decode, "Zm9", 3);
	check_reject(ecert_base64url_decode, "Z", 1); /* impossible lengths 4k+1 */
	check_reject(ecert_base64url_decode, "Zm9vY", 5);
	check_reject(ecert_base64url_decode, "Zm+v", 4); /* standard alphabet */
	check_reject(ecert_base64url_decode, "Zm/v", 4);
	check_reject(ecert_base64url_decode, "Zm9 v", 5);
	check_reject(ecert_base64url_decode, "Zm\nv", 4);
	check_reject(ecert_base64url_decode, "Zm\0v", 4);
}

static void test_base64url_round_trip(void **state)
{
	(void)state;
	check_round_trips(ecert_base64url_encode, ecert_base64url_decode);
}

/* ---- hex ---- */

static void test_hex(void **state)
{
	static const uint8_t raw[] = {0x00, 0xff, 0x10, 0xab, 0xcd};
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;

	(void)state;
	assert_int_equal(ecert_hex_encode(raw, sizeof(raw), &b), ECERT_OK);
	assert_string_equal((char *)b.data, "00ff10abcd");
	ecert_buf_free(&b);
	ecert_error_clear(&e);
	assert_int_equal(ecert_hex_decode("00FF10aBcD", 10, &b, &e), ECERT_OK);
	assert_int_equal(b.len, sizeof(raw));
	assert_memory_equal(b.data, raw, sizeof(raw));
	ecert_buf_free(&b);
	check_decode(ecert_hex_decode, "", "");
	check_reject(ecert_hex_decode, "abc", 3);
	check_reject(ecert_hex_decode, "0g", 2);
	check_reject(ecert_hex_decode, "g0", 2);
	check_reject(ecert_hex_decode, "00 0", 4);
	check_reject(ecert_hex_decode, "0x00", 4);
	check_reject(ecert_hex_decode,
	             "00\0"
	             "0",
	             4);
	check_round_trips(ecert_hex_encode, ecert_hex_decode);
}

/* Every allocation failure is reported as ECERT_ERR_NOMEM, never a crash or a leak. */
static void test_alloc_failure(void **state)
{
	static const enc_fn encs[] = {ecert_base45_encode,      ecert_base58_encode,
	                              ecert_base64url_encode,   ecert_hex_encode,
	                              ecert_multibase58_encode, ecert_multibase64url_encode};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		struct ecert_buf b = ECERT_BUF_INIT;

		ecert_alloc_fail_after(0);
		assert_int_equal(encs[i]((const uint8_t *)"abc", 3, &b), ECERT_ERR_NOMEM);
		ecert_alloc_fail_after(-1);
		ecert_buf_free(&b);
	}
	{
		struct ecert_buf b = ECERT_BUF_INIT;
		struct ecert_error e;

		ecert_error_clear(&e);
		ecert_alloc_fail_after(0);
		assert_int_equal(ecert_base45_decode("BB8", 3, &b, &e), ECERT_ERR_NOMEM);
		assert_int_equal(ecert_hex_decode("00", 2, &b, &e), ECERT_ERR_NOMEM);
		ecert_alloc_fail_after(-1);
		ecert_buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base45_rfc_vectors),
	    cmocka_unit_test(test_base45_edges),
	    cmocka_unit_test(test_base45_must_fail),
	    cmocka_unit_test(test_base45_round_trip),
	    cmocka_unit_test(test_base58_vectors),
	    cmocka_unit_test(test_base58_must_fail),
	    cmocka_unit_test(test_base58_round_trip),
	    cmocka_unit_test(test_multibase),
	    cmocka_unit_test(test_base45_every_byte),
	    cmocka_unit_test(test_base45_first_error),
	    cmocka_unit_test(test_base58_known_answers),
	    cmocka_unit_test(test_base58_texts),
	    cmocka_unit_test(test_base58_every_byte),
	    cmocka_unit_test(test_base64url_vectors),
	    cmocka_unit_test(test_base64url_must_fail),
	    cmocka_unit_test(test_base64url_round_trip),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_alloc_failure),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
