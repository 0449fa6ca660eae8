/* cmocka: base45 (RFC 9285), base58btc, multibase, base64url, hex. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
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
	    cmocka_unit_test(test_base45_rfc_vectors),   cmocka_unit_test(test_base45_edges),
	    cmocka_unit_test(test_base45_must_fail),     cmocka_unit_test(test_base45_round_trip),
	    cmocka_unit_test(test_base58_vectors),       cmocka_unit_test(test_base58_must_fail),
	    cmocka_unit_test(test_base58_round_trip),    cmocka_unit_test(test_multibase),
	    cmocka_unit_test(test_base64url_vectors),    cmocka_unit_test(test_base64url_must_fail),
	    cmocka_unit_test(test_base64url_round_trip), cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_alloc_failure),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
