/* cmocka: the pattern matcher of JSON Schema "pattern" (pattern.c).
 *
 * Every pattern of the embedded schemas with strings it must and must not match; the
 * matcher against glibc's regexec (REG_EXTENDED, the C locale, as the regcomp-based
 * validator ran) on many generated strings — the schemas' patterns on mutations of those
 * strings, a corpus of corner cases on random strings, each character class on every
 * byte; what the subset refuses and why; and subjects that make a backtracking matcher
 * take exponential time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "ecert/alloc.h"
#include "ecert/data.h"
#include "ecert/pattern.h"

#define SAMPLES_MAX 8
#define SUBJECT_MAX 256
#define PATTERNS_MAX 128
/* generated subjects per pattern */
#define RANDOM_ROUNDS 3000
#define MUTATION_ROUNDS 400
#define RANDOM_LEN_MAX 12
/* a subject long enough to show exponential backtracking many times over */
#define LONG_SUBJECT 100000

/* Strings a pattern must match and must not match. Multi-byte characters: U+3000
 * (ideographic space), U+0085 (next line, a C1 control) and U+00A0 are neither space
 * nor control for a byte-wise C-locale matcher, as for regexec before. */
struct sample {
	const char *pattern;
	const char *yes[SAMPLES_MAX];
	const char *no[SAMPLES_MAX];
};

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TEXT "^[^[:space:][:cntrl:]]([^[:cntrl:]]*[^[:space:][:cntrl:]])?$"
#define DIDKEY "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"

static const struct sample schema_patterns[] = {
    {"^(0|[1-9][0-9]{0,9})$",
     {"0", "7", "1587", "1234567890"},
     {"", "01", "12345678901", "1a", " 1", "-1", "1\n"}},
    {"^(urn:uscc:[0-9A-HJ-NPQRTUWXY]{18}#[A-Za-z0-9_-]{11}|"
     "did:key:z[1-9A-HJ-NP-Za-km-z]+#z[1-9A-HJ-NP-Za-km-z]+)$",
     {"urn:uscc:11220000013544525W#volII2kdCIc", "did:key:" DIDKEY "#" DIDKEY, "did:key:z1#z2"},
     {"urn:uscc:11220000013544525W", "urn:uscc:1122000001354452IW#volII2kdCIc",
      "urn:uscc:11220000013544525W#volII2kdCI", "did:key:z6Mk0#z6Mk", "did:key:z#z",
      "did:key:" DIDKEY "#z6Mkl", "urn:uscc:11220000013544525W#volII2kdCIc "}},
    {"^-----BEGIN PUBLIC KEY-----",
     {"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
      "-----BEGIN PUBLIC KEY-----"},
     {" -----BEGIN PUBLIC KEY-----", "-----BEGIN PRIVATE KEY-----", "----BEGIN PUBLIC KEY-----"}},
    {"^[0-9]+\\.[0-9]+\\.[0-9]+$",
     {"1.2.3", "10.0.255"},
     {"1.2", "1.2.3.", "1x2.3", "a.b.c", "1..3"}},
    {"^[0-9]{17}[0-9X]$",
     {"22010419900101202X", "220104199001012025"},
     {"22010419900101202x", "2201041990010120", "2201041990010120255", "22010419900101202Y"}},
    {"^[0-9]{17}[0-9Xx]$",
     {"22010419900101202x", "22010419900101202X", "220104199001012025"},
     {"2201041990010120", "22010419900101202Y", "A20104199001012025"}},
    {"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
     {"2024-12-20", "0000-00-00"},
     {"2024-1-20", "2024-12-201", "２０24-12-20", "2024/12/20"}},
    {"^[0-9]{6}[*]{8}[0-9]{3}[0-9X]$",
     {"220102********462X", "220104********2025"},
     {"220102*******462X", "220102********462x", "220102********46X"}},
    {"^[1-8](-[0-9]{2}){0,3}$",
     {"6", "6-18", "6-18-01", "6-18-01-01"},
     {"9", "0", "6-18-01-01-01", "6-1", "6-"}},
    {"^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$",
     {"6-18-01-01", "1-00-00-00"},
     {"6-18-01", "0-18-01-01", "6-18-01-01-01"}},
    {"^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}(-[0-9]{2})?$",
     {"6-18-01-01", "6-18-01-01-02"},
     {"6-18-01-01-", "6-18-01-01-2", "6-18-01"}},
    {"^[A-Za-z0-9-]{1,40}$",
     {"JL-T-2024-001587", "a", "0123456789012345678901234567890123456789"},
     {"", "JL T", "JL_T", "01234567890123456789012345678901234567890"}},
    {"^[A-Za-z0-9_-]{11}$",
     {"volII2kdCIc", "Ab3dE_g-1Xz"},
     {"volII2kdCI", "volII2kdCIc1", "volII2kdCI="}},
    {TEXT,
     {"王淑芬", "a", "a b", "吉人社职字〔2024〕112号",
      "a\xe3\x80\x80"
      "b",
      "\xe3\x80\x80x", "x\xc2\x85", "\xc2\xa0"},
     {"", " a", "a ", "a\tb", "a\x7f", "\n", "王\n", "a\x1b"}},
    {"^[^[:space:][:cntrl:]]+$",
     {"urn:ecert:status:11220000013544525W:1", "吉", "\xe3\x80\x80"},
     {"a b", "", "a\n", "\t"}},
    {"^[a-z0-9-]{1,48}$", {"skill-to-title", "a"}, {"Skill", "", "a_b"}},
    {"^[a-z0-9-]{1,64}$", {"correspondence-trial", "0"}, {"a.b", "", "A"}},
    {"^sm3:[0-9a-f]{64}$",
     {"sm3:" HEX64},
     {"sm3:" HEX64 "0", "sm3:0123", "SM3:" HEX64, "sm3:" HEX64 "\n"}},
    {"^sm3:[A-Za-z0-9_-]{22}:[0-9a-f]{64}$",
     {"sm3:26Qftg4EZ1104OpDhOCvyA:" HEX64},
     {"sm3:26Qftg4EZ1104OpDhOCvy:" HEX64, "sm3:26Qftg4EZ1104OpDhOCvyA=:" HEX64, "sm3:" HEX64}},
    {"^urn:ecert:[A-Za-z0-9-]{1,40}$",
     {"urn:ecert:JL-T-2024-001587", "urn:ecert:S000022000001192000001"},
     {"urn:ecert:", "urn:ecert:JL GC", "urn:ecert:JL_GC", "urn:uscc:JL"}},
    {"^urn:ecert:root#[A-Za-z0-9_-]{11}$",
     {"urn:ecert:root#Ab3dE_g-1Xz"},
     {"urn:ecert:root#Ab3dE_g-1X", "urn:ecert:root:Ab3dE_g-1Xz"}},
    {"^urn:ecert:trustlist:[A-Za-z0-9._:-]{1,64}$",
     {"urn:ecert:trustlist:jl.2024:1", "urn:ecert:trustlist:x"},
     {"urn:ecert:trustlist:", "urn:ecert:trustlist:a b", "urn:ecert:trustlist:a/b"}},
    {"^urn:uscc:[0-9A-HJ-NPQRTUWXY]{18}$",
     {"urn:uscc:11220000013544525W", "urn:uscc:52220000MJ09277315"},
     {"urn:uscc:11220000013544525I", "urn:uscc:1122000001354452", "urn:uscc:11220000013544525w"}},
    {"^z[1-9A-HJ-NP-Za-km-z]+$",
     {"z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKVi7", "z1"},
     {"z", "z0", "zl", "zO", "uAAAA", "z3FXQ "}},
};

/* Patterns outside the schemas, each accepted by regcomp and by us: compared on random
 * strings. */
static const char *const corner_cases[] = {
    "",
    "a",
    "^$",
    "^",
    "$",
    "a|b",
    "a||b",
    "|a",
    "(|a)b",
    "()",
    "()*x",
    "(a*)*",
    "(a*)+$",
    "a**",
    "a+?",
    "a{2}{3}",
    "a{0}",
    "a{0,0}b",
    "x{0,3}$",
    "^x{2,}$",
    "a{01}",
    "^(ab|a)(bc|c)?$",
    "(a|ab)(c|bcd)(d*)",
    "x*y*z*",
    "[]a]",
    "[]-a]+",
    "[^]a]+",
    "[a-]",
    "[-a]",
    "^[--/]+$",
    "[!--]",
    "[a-c-]",
    "[\\]]",
    "[\\\\d]",
    "a\\.b",
    "\\(\\)",
    "a\\{2\\}",
    "\\\\",
    "\\|\\*\\+\\?\\^\\$\\[",
    "a^b",
    "$a",
    "(^a|b$)",
    "^(^a)",
    "a$|^b",
    "(a$)|b",
    "(^|x)y",
    "a$|\nb",
    "\n(a|b)^",
    "$a\n",
    "x^\n",
    "y(x|$)",
    ".",
    "^.$",
    "^..$",
    "^(..)+$",
    "^[^a]$",
    "a.c",
    "}",
    "]",
    "a}",
    "^吉林",
    "吉林$",
    "(吉)+",
    "^[[:alpha:]]+$",
    "[[:digit:]][[:xdigit:]]",
    "^[[:print:]]*$",
    "[[:punct:]]",
    "[[:graph:]][[:blank:]]",
    "[^[:alnum:]]",
    "^[[:upper:][:lower:]]*$",
    "[[]",
    "[a[:digit:]b]",
    "(a|b)*a(a|b){8}",
    "(a|b)*a(a|b){12}",
    "^(a|b|c){2,5}(x|y)?$",
};

/* Refused by us (and by regcomp where the reason is a syntax error), with the part of
 * the message that says why. */
static const struct {
	const char *pattern;
	const char *why;
	int regcomp_refuses;
} refused[] = {
    {"^\\d+$", "uses an escape POSIX regular expressions lack", 0},
    {"[\\d]", "uses an escape POSIX regular expressions lack", 0},
    {"\\p{L}", "uses an escape POSIX regular expressions lack", 0},
    {"\\w+", "outside the subset", 0},
    {"\\s", "outside the subset", 0},
    {"\\bx", "outside the subset", 0},
    {"\\<x", "outside the subset", 0},
    {"(a)\\1", "outside the subset", 0},
    {"\\n", "outside the subset", 0},
    {"[[.a.]]", "outside the subset", 0},
    {"[[=a=]]", "outside the subset", 0},
    {"[吉林]", "non-ASCII byte in a bracket", 0},
    {"[a-\xc3\xa9]", "non-ASCII byte in a bracket", 0},
    {"吉+", "quantifier after a non-ASCII byte", 0},
    {"a{,3}", "{,m}", 0},
    {"a{,}", "{,m}", 0},
    {"a)", "unmatched \")\"", 0},
    {")", "unmatched \")\"", 0},
    {"a$\nb", "newline-matching atom right after $", 0},
    {"a$.b", "newline-matching atom right after $", 0},
    {"($)[^a]", "newline-matching atom right after $", 0},
    {"a\n^b", "newline-matching atom right after $ or before ^", 0},
    {"[[:space:]](^)b", "newline-matching atom right after $ or before ^", 0},
    {"x{256}", "above 255", 0},
    {"x{0,300}", "above 255", 0},
    {"(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))", "nesting", 0},
    {"([0-9]{255}){255}", "too large", 0},
    {"(){255}{255}{255}{255}", "too large", 0},
    {"([", "not a POSIX extended regular expression", 1},
    {"(", "not a POSIX extended regular expression", 1},
    {"[a", "not a POSIX extended regular expression", 1},
    {"[]", "not a POSIX extended regular expression", 1},
    {"[^]", "not a POSIX extended regular expression", 1},
    {"*a", "not a POSIX extended regular expression", 1},
    {"a|*b", "not a POSIX extended regular expression", 1},
    {"(+a)", "not a POSIX extended regular expression", 1},
    {"^*", "not a POSIX extended regular expression", 1},
    {"$?", "not a POSIX extended regular expression", 1},
    {"{1}", "not a POSIX extended regular expression", 1},
    {"{}", "not a POSIX extended regular expression", 1},
    {"a{1", "not a POSIX extended regular expression", 1},
    {"a{1,2", "not a POSIX extended regular expression", 1},
    {"a{x}", "not a POSIX extended regular expression", 1},
    {"a{}", "not a POSIX extended regular expression", 1},
    {"a{3,2}", "not a POSIX extended regular expression", 1},
    {"[z-a]", "not a POSIX extended regular expression", 1},
    {"[a-z-9]", "not a POSIX extended regular expression", 1},
    {"[[:foo:]]", "not a POSIX extended regular expression", 1},
    {"[[:alpha:]-z]", "not a POSIX extended regular expression", 1},
    {"[a-[:alpha:]]", "not a POSIX extended regular expression", 1},
    {"a\\", "not a POSIX extended regular expression", 1},
};

static const char *const classes[] = {"alpha", "digit", "alnum", "upper", "lower", "space",
                                      "blank", "punct", "print", "graph", "cntrl", "xdigit"};

/* xorshift64*: reproducible subjects */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static struct ecert_pattern *compile_ok(const char *pat)
{
	struct ecert_pattern *p = NULL;
	struct ecert_error e;

	ecert_error_clear(&e);
	if (ecert_pattern_compile(pat, &p, &e) != ECERT_OK)
		fail_msg("pattern %s refused: %s", pat, e.msg);
	return p;
}

static int posix_match(const regex_t *re, const char *s)
{
	return regexec(re, s, 0, NULL, 0) == 0;
}

/* The bytes subjects are made of: the pattern's own, and some that classes and anchors
 * care about (space, tab, newline, DEL, UTF-8 lead and continuation bytes, 0xFF). */
static size_t alphabet_of(const char *pat, char *alpha, size_t cap)
{
	static const char extra[] = "aAzZ09-_:.#* X\t\n\x7f\x80\x85\xc2\xe3\xff";
	size_t n = 0;

	for (const char *s = pat; *s && n + 1 < cap; s++) {
		if (!memchr(alpha, *s, n))
			alpha[n++] = *s;
	}
	for (const char *s = extra; *s && n + 1 < cap; s++) {
		if (!memchr(alpha, *s, n))
			alpha[n++] = *s;
	}
	return n;
}

static void expect_same(const struct ecert_pattern *p, const regex_t *re, const char *pat,
                        const char *s)
{
	int ours = ecert_pattern_match(p, s), theirs = posix_match(re, s);

	if (ours != theirs) {
		char shown[4 * SUBJECT_MAX + 1];
		size_t n = 0;

		for (const unsigned char *c = (const unsigned char *)s; *c; c++)
			n += (size_t)snprintf(shown + n, sizeof(shown) - n,
			                      *c >= 0x20 && *c < 0x7f ? "%c" : "\\x%02x", *c);
		fail_msg("pattern %s on \"%s\": ours %d, regexec %d", pat, shown, ours, theirs);
	}
}

/* Random subjects over the pattern's alphabet. */
static void differential_random(const char *pat, const struct ecert_pattern *p, const regex_t *re)
{
	char alpha[64], s[SUBJECT_MAX];
	size_t na = alphabet_of(pat, alpha, sizeof(alpha));

	expect_same(p, re, pat, "");
	for (int r = 0; r < RANDOM_ROUNDS; r++) {
		unsigned len = rnd(RANDOM_LEN_MAX + 1);

		for (unsigned i = 0; i < len; i++)
			s[i] = alpha[rnd((unsigned)na)];
		s[len] = '\0';
		expect_same(p, re, pat, s);
	}
}

/* Subjects one to three edits away from a sample: where a pattern's answer changes. */
static void differential_mutations(const char *pat, const struct ecert_pattern *p,
                                   const regex_t *re, const char *sample)
{
	char alpha[64], s[SUBJECT_MAX];
	size_t na = alphabet_of(pat, alpha, sizeof(alpha));

	for (int r = 0; r < MUTATION_ROUNDS; r++) {
		size_t len = strlen(sample);
		unsigned edits = 1 + rnd(3);

		assert_true(len + 4 < sizeof(s));
		memcpy(s, sample, len + 1);
		for (unsigned k = 0; k < edits; k++) {
			size_t at = len ? rnd((unsigned)len + 1) : 0;

			switch (rnd(4)) {
			case 0: /* replace */
				if (at < len)
					s[at] = alpha[rnd((unsigned)na)];
				break;
			case 1: /* insert */
				if (len + 1 < sizeof(s) - 1) {
					memmove(s + at + 1, s + at, len - at + 1);
					s[at] = alpha[rnd((unsigned)na)];
					len++;
				}
				break;
			case 2: /* delete */
				if (at < len) {
					memmove(s + at, s + at + 1, len - at);
					len--;
				}
				break;
			default: /* cut */
				s[at] = '\0';
				len = at;
				break;
			}
		}
		expect_same(p, re, pat, s);
	}
}

static void test_schema_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(schema_patterns) / sizeof(schema_patterns[0]); i++) {
		const struct sample *t = &schema_patterns[i];
		struct ecert_pattern *p = compile_ok(t->pattern);
		regex_t re;

		assert_int_equal(regcomp(&re, t->pattern, REG_EXTENDED | REG_NOSUB), 0);
		for (int k = 0; k < SAMPLES_MAX && t->yes[k]; k++) {
			if (!ecert_pattern_match(p, t->yes[k]))
				fail_msg("%s does not match \"%s\"", t->pattern, t->yes[k]);
			assert_true(posix_match(&re, t->yes[k]));
			differential_mutations(t->pattern, p, &re, t->yes[k]);
		}
		for (int k = 0; k < SAMPLES_MAX && t->no[k]; k++) {
			if (ecert_pattern_match(p, t->no[k]))
				fail_msg("%s matches \"%s\"", t->pattern, t->no[k]);
			assert_false(posix_match(&re, t->no[k]));
			differential_mutations(t->pattern, p, &re, t->no[k]);
		}
		differential_random(t->pattern, p, &re);
		regfree(&re);
		ecert_pattern_free(p);
	}
}

/* Every "pattern" string in v (a parsed schema), into out. */
static void collect_patterns(const cJSON *v, const char **out, size_t *n)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, v)
	{
		if (m->string && strcmp(m->string, "pattern") == 0 && cJSON_IsString(m)) {
			assert_true(*n < PATTERNS_MAX);
			out[(*n)++] = m->valuestring;
		}
		collect_patterns(m, out, n);
	}
}

/* The table above covers every pattern the embedded schemas use: a new pattern needs
 * its samples here. */
static void test_schemas_covered(void **state)
{
	const char *found[PATTERNS_MAX];
	cJSON *trees[64];
	size_t n = 0, ntrees = 0;

	(void)state;
	for (const struct ecert_data_file *f = ecert_data_files; f->path; f++) {
		size_t len = strlen(f->path);

		if (len < 12 || strcmp(f->path + len - 12, ".schema.json") != 0)
			continue;
		assert_true(ntrees < sizeof(trees) / sizeof(trees[0]));
		trees[ntrees] = cJSON_Parse((const char *)f->data);
		assert_non_null(trees[ntrees]);
		collect_patterns(trees[ntrees++], found, &n);
	}
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < sizeof(schema_patterns) / sizeof(schema_patterns[0]) &&
		       strcmp(schema_patterns[k].pattern, found[i]) != 0)
			k++;
		if (k == sizeof(schema_patterns) / sizeof(schema_patterns[0]))
			fail_msg("schema pattern %s has no samples in test_pattern.c", found[i]);
	}
	for (size_t i = 0; i < ntrees; i++)
		cJSON_Delete(trees[i]);
}

static void test_corner_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(corner_cases) / sizeof(corner_cases[0]); i++) {
		const char *pat = corner_cases[i];
		struct ecert_pattern *p = compile_ok(pat);
		regex_t re;

		if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
			fail_msg("regcomp refuses %s, which we accept", pat);
		differential_random(pat, p, &re);
		regfree(&re);
		ecert_pattern_free(p);
	}
}

/* Each class and its complement on every byte, "." too. */
static void test_classes(void **state)
{
	char pat[32];

	(void)state;
	for (size_t i = 0; i <= 2 * (sizeof(classes) / sizeof(classes[0])); i++) {
		struct ecert_pattern *p;
		regex_t re;

		if (i == 2 * (sizeof(classes) / sizeof(classes[0])))
			snprintf(pat, sizeof(pat), ".");
		else
			snprintf(pat, sizeof(pat), "[%s[:%s:]]", i % 2 ? "^" : "", classes[i / 2]);
		p = compile_ok(pat);
		assert_int_equal(regcomp(&re, pat, REG_EXTENDED | REG_NOSUB), 0);
		for (unsigned b = 1; b < 256; b++) {
			char s[2] = {(char)b, '\0'};

			expect_same(p, &re, pat, s);
		}
		regfree(&re);
		ecert_pattern_free(p);
	}
}

static void test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct ecert_pattern *p = NULL;
		struct ecert_error e;
		regex_t re;
		int rc;

		ecert_error_clear(&e);
		rc = ecert_pattern_compile(refused[i].pattern, &p, &e);
		if (rc != ECERT_ERR_UNSUPPORTED)
			fail_msg("pattern %s: rc %d, want refused", refused[i].pattern, rc);
		assert_null(p);
		if (!strstr(e.msg, refused[i].why))
			fail_msg("pattern %s: message \"%s\" lacks \"%s\"", refused[i].pattern,
			         e.msg, refused[i].why);
		assert_non_null(strstr(e.msg, "pattern "));
		/* (the others regcomp may accept, or expand at length) */
		if (refused[i].regcomp_refuses &&
		    regcomp(&re, refused[i].pattern, REG_EXTENDED | REG_NOSUB) == 0)
			fail_msg("regcomp accepts %s", refused[i].pattern);
	}
	/* the size bounds */
	{
		char big[ECERT_PATTERN_SRC_MAX + 2];
		struct ecert_pattern *p = NULL;
		struct ecert_error e;

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(ecert_pattern_compile(big, &p, &e), ECERT_ERR_UNSUPPORTED);
		assert_non_null(strstr(e.msg, "1024 bytes"));
		big[ECERT_PATTERN_SRC_MAX] = '\0';
		p = compile_ok(big);
		assert_true(ecert_pattern_match(p, big));
		ecert_pattern_free(p);
	}
	assert_int_equal(ecert_pattern_compile(NULL, NULL, NULL), ECERT_ERR_ARG);
	ecert_pattern_free(NULL);
}

/* Subjects on which a backtracking matcher takes exponential time finish at once; the
 * NFA simulation (a pattern whose DFA is too large) is linear too. */
static void test_linear_time(void **state)
{
	static const char *const evil[] = {"(a*)*b", "(a|aa)*c", "^(a+)+$x", "(x+x+)+y",
	                                   "^(a|a?)+$b"};
	char *s = malloc(LONG_SUBJECT + 1);
	struct ecert_pattern *p;
	int want;

	(void)state;
	assert_non_null(s);
	memset(s, 'a', LONG_SUBJECT);
	s[LONG_SUBJECT] = '\0';
	for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		p = compile_ok(evil[i]);
		assert_false(ecert_pattern_match(p, s));
		ecert_pattern_free(p);
	}
	/* 2^13 DFA states: the NFA is simulated. Matches iff the 13th byte from the end
	 * is an a. */
	p = compile_ok("^(a|b)*a(a|b){12}$");
	for (size_t i = 0; i < LONG_SUBJECT; i++)
		s[i] = rnd(2) ? 'a' : 'b';
	want = s[LONG_SUBJECT - 13] == 'a';
	assert_int_equal(ecert_pattern_match(p, s), want);
	s[LONG_SUBJECT - 13] = want ? 'b' : 'a';
	assert_int_equal(ecert_pattern_match(p, s), !want);
	ecert_pattern_free(p);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schema_samples), cmocka_unit_test(test_schemas_covered),
	    cmocka_unit_test(test_corner_cases),   cmocka_unit_test(test_classes),
	    cmocka_unit_test(test_refused),        cmocka_unit_test(test_linear_time),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
