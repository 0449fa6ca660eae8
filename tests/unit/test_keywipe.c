/* cmocka: secrets do not outlive their use (issue 7, "passphrases and key bytes are wiped").
 *
 * For each suite a child process makes a key pair, writes the encrypted key file and the
 * passphrase file the issuer would use, and hands this process the passphrase and the
 * private key's bytes only XOR-masked. This process then does what ecert-issuer does —
 * reads the passphrase file, loads and decrypts the key, signs a document (with the check
 * against the public key), frees everything — and scans its own memory: every readable,
 * writable mapping in /proc/self/maps (heap, stack, anonymous and data segments). Neither
 * the passphrase nor the private key (big- or little-endian, as OpenSSL's BIGNUMs hold it)
 * may be found. The masked copies never give the cleartext a place in memory: the scan
 * unmasks one byte at a time in a register.
 *
 * Skipped under ASan (reading heap redzones is an ASan error by design) and valgrind
 * (reads of never-written bytes are its errors); the normal build runs it. Like the
 * programs, it starts with ecert_sign_init(), which makes OpenSSL wipe what it frees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ecert/alloc.h"
#include "ecert/error.h"
#include "ecert/key.h"
#include "ecert/sign.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define PASS_LEN 40
#define PRIV_LEN 32

/* What the child hands over: passphrase and private key, each XOR the mask. */
struct masked {
	unsigned char pass[PASS_LEN];
	unsigned char priv[PRIV_LEN];
};

static char tmpdir[] = "/tmp/ecert-test-keywipe-XXXXXX";
static unsigned char mask[PASS_LEN + PRIV_LEN];

static int under_valgrind(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "vgpreload") != NULL;
	fclose(f);
	return found;
}

static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* In the child: the secrets, their files under `name`, the masked copies down `fd`. */
static int child_make(enum ecert_alg alg, const char *name, const char *passfile, int fd)
{
	static const char alnum[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	struct ecert_passphrase pp = {0};
	struct ecert_error err;
	unsigned char raw[PASS_LEN], priv[PRIV_LEN];
	char text[PASS_LEN + 2];
	struct masked m;
	EVP_PKEY *key = NULL;
	BIGNUM *bn = NULL;
	size_t privlen = sizeof(priv), i;
	FILE *f;

	ecert_error_clear(&err);
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return 1;
	for (i = 0; i < PASS_LEN; i++)
		text[i] = alnum[raw[i] % (sizeof(alnum) - 1)];
	text[PASS_LEN] = '\n';
	text[PASS_LEN + 1] = '\0';
	f = fopen(passfile, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) != 0)
		return 2;
	pp.data = text;
	pp.len = PASS_LEN;
	if (ecert_key_generate(alg, &key, &err) != ECERT_OK ||
	    ecert_key_write_pair(name, key, &pp, 0, &err) != ECERT_OK) {
		fprintf(stderr, "child: %s\n", err.msg);
		return 3;
	}
	if (alg == ECERT_ALG_ED25519) {
		if (EVP_PKEY_get_raw_private_key(key, priv, &privlen) != 1 || privlen != PRIV_LEN)
			return 4;
	} else if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
		   BN_bn2binpad(bn, priv, PRIV_LEN) != PRIV_LEN) {
		return 5;
	}
	for (i = 0; i < PASS_LEN; i++)
		m.pass[i] = (unsigned char)text[i] ^ mask[i];
	for (i = 0; i < PRIV_LEN; i++)
		m.priv[i] = priv[i] ^ mask[PASS_LEN + i];
	return write_all(fd, &m, sizeof(m)) == 0 ? 0 : 6;
}

static void make_secrets(enum ecert_alg alg, const char *name, const char *passfile,
			 struct masked *m)
{
	int fds[2], status;
	size_t got = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		_exit(child_make(alg, name, passfile, fds[1]));
	}
	close(fds[1]);
	while (got < sizeof(*m)) {
		ssize_t r = read(fds[0], (unsigned char *)m + got, sizeof(*m) - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the child that makes the key failed (status %d)", status);
	assert_int_equal(got, sizeof(*m));
}

/* Is the unmasked secret (masked[i] ^ msk[i], reversed if rev) at hay[0..len)? */
static int match_at(const unsigned char *hay, const unsigned char *masked,
		    const unsigned char *msk, size_t len, int rev)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t j = rev ? len - 1 - i : i;

		if (hay[i] != (unsigned char)(masked[j] ^ msk[j]))
			return 0;
	}
	return 1;
}

struct hit {
	int count;
	char where[160];
};

static void scan_region(const unsigned char *lo, const unsigned char *hi, const char *label,
			const unsigned char *masked, const unsigned char *msk, size_t len,
			int rev, struct hit *h)
{
	const unsigned char *p;
	unsigned char first;

	if ((size_t)(hi - lo) < len)
		return;
	first = (unsigned char)((rev ? masked[len - 1] ^ msk[len - 1] : masked[0] ^ msk[0]));
	for (p = lo; p + len <= hi; p++) {
		if (*p != first || !match_at(p, masked, msk, len, rev))
			continue;
		if (h->count++ == 0)
			snprintf(h->where, sizeof(h->where), "%p in %s", (const void *)p, label);
	}
}

/* Count where the secret occurs in every readable, writable mapping of this process. */
static struct hit scan_memory(const unsigned char *masked, const unsigned char *msk, size_t len,
			      int rev)
{
	struct hit h = {0};
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned char *buf;
	size_t cap = 0;

	assert_non_null(f);
	/* Read the whole map first: reading it while scanning would allocate meanwhile. */
	buf = malloc(1 << 20);
	assert_non_null(buf);
	while (fgets(line, sizeof(line), f) && cap + strlen(line) + 1 < (1 << 20)) {
		memcpy(buf + cap, line, strlen(line));
		cap += strlen(line);
	}
	buf[cap] = '\0';
	fclose(f);
	for (char *ln = (char *)buf, *next; ln && *ln; ln = next) {
		unsigned long lo, hi;
		char perms[8] = "", label[128] = "";

		next = strchr(ln, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(ln, "%lx-%lx %7s %*s %*s %*s %127s", &lo, &hi, perms, label) < 3)
			continue;
		if (perms[0] != 'r' || perms[1] != 'w')
			continue;
		if (strcmp(label, "[vvar]") == 0 || strcmp(label, "[vsyscall]") == 0)
			continue;
		if (label[0] == '\0')
			strcpy(label, "anonymous mapping");
		/* Skip the map copy itself: it holds no secret, but it is being scanned. */
		scan_region((const unsigned char *)lo, (const unsigned char *)hi, label, masked, msk,
			    len, rev, &h);
	}
	free(buf);
	return h;
}

static void sign_and_check(enum ecert_alg alg, const char *tag)
{
	char name[256], keyfile[300], passfile[300];
	struct ecert_passphrase pp = {0};
	struct ecert_error err;
	struct masked m;
	struct hit h;
	EVP_PKEY *key = NULL;
	cJSON *doc;

	if (UNDER_ASAN || under_valgrind())
		skip();
	snprintf(name, sizeof(name), "%s/%s", tmpdir, tag);
	snprintf(keyfile, sizeof(keyfile), "%s.key", name);
	snprintf(passfile, sizeof(passfile), "%s.pass", name);
	make_secrets(alg, name, passfile, &m);

	/* What ecert-issuer does with them. */
	ecert_error_clear(&err);
	if (ecert_passphrase_get(passfile, &pp, &err) != ECERT_OK ||
	    ecert_key_load_private(keyfile, &pp, &key, &err) != ECERT_OK)
		fail_msg("%s: %s", err.where, err.msg);
	ecert_passphrase_free(&pp);
	doc = cJSON_Parse("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
			  "\"type\":[\"VerifiableCredential\"],\"issuer\":\"urn:uscc:test\","
			  "\"credentialSubject\":{\"name\":\"test only\"}}");
	assert_non_null(doc);
	for (int i = 0; i < 3; i++)
		if (ecert_proof_sign(doc, key, "urn:uscc:test#k", "2025-07-01T02:00:00Z", &err) !=
		    ECERT_OK)
			fail_msg("sign: %s", err.msg);
	cJSON_Delete(doc);
	EVP_PKEY_free(key);

	h = scan_memory(m.pass, mask, PASS_LEN, 0);
	if (h.count)
		fail_msg("%s: the passphrase is still in memory %d time(s), first at %s", tag,
			 h.count, h.where);
	h = scan_memory(m.priv, mask + PASS_LEN, PRIV_LEN, 0);
	if (h.count)
		fail_msg("%s: the private key (big-endian) is still in memory %d time(s), first at %s",
			 tag, h.count, h.where);
	h = scan_memory(m.priv, mask + PASS_LEN, PRIV_LEN, 1);
	if (h.count)
		fail_msg("%s: the private key (little-endian) is still in memory %d time(s), first at "
			 "%s",
			 tag, h.count, h.where);
	print_message("%s: passphrase and private key not found in memory after signing\n", tag);
}

/* The scan itself must find a secret that is there, or it proves nothing. */
static void test_scan_finds_a_live_secret(void **state)
{
	unsigned char masked[PASS_LEN], *live;
	struct hit h;
	size_t i;

	(void)state;
	if (UNDER_ASAN || under_valgrind())
		skip();
	live = malloc(PASS_LEN);
	assert_non_null(live);
	assert_int_equal(RAND_bytes(live, PASS_LEN), 1);
	for (i = 0; i < PASS_LEN; i++)
		masked[i] = live[i] ^ mask[i];
	h = scan_memory(masked, mask, PASS_LEN, 0);
	assert_true(h.count >= 1);
	assert_true(strstr(h.where, "heap") != NULL || strstr(h.where, "anonymous") != NULL);
	OPENSSL_cleanse(live, PASS_LEN);
	h = scan_memory(masked, mask, PASS_LEN, 0);
	assert_int_equal(h.count, 0);
	free(live);
}

static void test_sm2(void **state)
{
	(void)state;
	sign_and_check(ECERT_ALG_SM2, "sm2");
}

static void test_ed25519(void **state)
{
	(void)state;
	sign_and_check(ECERT_ALG_ED25519, "ed25519");
}

static void test_p256(void **state)
{
	(void)state;
	sign_and_check(ECERT_ALG_P256, "p256");
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	return RAND_bytes(mask, sizeof(mask)) == 1 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_finds_a_live_secret),
		cmocka_unit_test(test_sm2),
		cmocka_unit_test(test_ed25519),
		cmocka_unit_test(test_p256),
	};

	/* As ecert-keys and ecert-issuer do, first thing. */
	if (ecert_sign_init() != ECERT_OK) {
		fprintf(stderr, "ecert_sign_init failed\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
