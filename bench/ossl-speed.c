/* ossl-speed — see ossl-speed.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ossl-speed.h"

#define OSSL_SPEED_TOKENS_MAX 16

const char *ossl_speed_name(enum ecert_alg alg)
{
	switch (alg) {
	case ECERT_ALG_SM2:
		return "sm2";
	case ECERT_ALG_ED25519:
		return "ed25519";
	case ECERT_ALG_P256:
		return "ecdsap256";
	case ECERT_ALG_NONE:
		break;
	}
	return NULL;
}

#define OSSL_SPEED_PROGRAM_MAX 4096

/* The program to run, copied into prog (execvp wants char *). */
static int program(char prog[OSSL_SPEED_PROGRAM_MAX])
{
	const char *p = getenv("ECERT_OPENSSL");
	int n = snprintf(prog, OSSL_SPEED_PROGRAM_MAX, "%s", p && p[0] ? p : "openssl");

	return n > 0 && n < OSSL_SPEED_PROGRAM_MAX ? 0 : -1;
}

/* Start argv with its standard output on a pipe (standard error to /dev/null). */
static FILE *start(char *const argv[], pid_t *pid)
{
	int fd[2];
	FILE *f;

	if (pipe(fd) != 0)
		return NULL;
	*pid = fork();
	if (*pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return NULL;
	}
	if (*pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fd[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	if (!f) {
		close(fd[0]);
		waitpid(*pid, NULL, 0);
	}
	return f;
}

/* Close the pipe and reap the child; 0 if it exited with status 0. */
static int finish(FILE *f, pid_t pid)
{
	int status;

	fclose(f);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int alg_ok(const char *alg)
{
	size_t n = strlen(alg), i;

	if (n == 0 || n > OSSL_SPEED_ALG_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((alg[i] >= 'a' && alg[i] <= 'z') || (alg[i] >= '0' && alg[i] <= '9')))
			return 0;
	return 1;
}

/* The last two numbers of a result line such as
 * " 256 bits SM2 (CurveSM2)   0.0003s   0.0003s   3367.0   3670.0". */
static int parse_result(char *line, struct ossl_speed *out)
{
	char *tok[OSSL_SPEED_TOKENS_MAX], *save = NULL, *p, *end;
	double v[2];
	int n = 0, k;

	for (p = strtok_r(line, " \t\r\n", &save); p; p = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == OSSL_SPEED_TOKENS_MAX)
			return -1;
		tok[n++] = p;
	}
	if (n < 2)
		return -1;
	for (k = 0; k < 2; k++) {
		errno = 0;
		v[k] = strtod(tok[n - 2 + k], &end);
		if (errno || *end || !(v[k] > 0))
			return -1;
	}
	out->sign = v[0];
	out->verify = v[1];
	return 0;
}

int ossl_speed_run(const char *alg, int seconds, int elapsed, struct ossl_speed *out)
{
	char line[OSSL_SPEED_LINE_MAX], last[OSSL_SPEED_LINE_MAX] = "", secs[16];
	char prog[OSSL_SPEED_PROGRAM_MAX], a_speed[] = "speed", a_seconds[] = "-seconds",
		a_elapsed[] = "-elapsed", a_alg[OSSL_SPEED_ALG_MAX + 1];
	char *argv[] = {prog, a_speed, a_seconds, secs, a_elapsed, a_alg, NULL};
	struct ossl_speed r;
	pid_t pid;
	FILE *f;

	if (!alg || !alg_ok(alg) || seconds < 1 || seconds > OSSL_SPEED_SECONDS_MAX ||
	    program(prog) != 0)
		return -1;
	snprintf(secs, sizeof(secs), "%d", seconds);
	snprintf(a_alg, sizeof(a_alg), "%s", alg);
	if (!elapsed) {
		argv[4] = a_alg;
		argv[5] = NULL;
	}
	f = start(argv, &pid);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " bits "))
			memcpy(last, line, sizeof(last));
	if (finish(f, pid) != 0 || !last[0] || parse_result(last, &r) != 0)
		return -1;
	*out = r;
	return 0;
}

int ossl_speed_version(char *out, size_t size)
{
	char prog[OSSL_SPEED_PROGRAM_MAX], a_version[] = "version";
	char *argv[] = {prog, a_version, NULL};
	char line[OSSL_SPEED_LINE_MAX];
	size_t n;
	pid_t pid;
	FILE *f;
	int got;

	if (!out || size == 0 || program(prog) != 0)
		return -1;
	f = start(argv, &pid);
	if (!f)
		return -1;
	got = fgets(line, sizeof(line), f) != NULL;
	while (got && fgetc(f) != EOF)
		;
	if (finish(f, pid) != 0 || !got)
		return -1;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	snprintf(out, size, "%s", line);
	return 0;
}
