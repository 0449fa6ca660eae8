/* ecert-issuer — issue signed certificates from batches of records, keep the register,
 * revoke, publish the status list. This file holds the command table, the language of
 * operator messages, and the reporting helpers every command uses. */
#include <getopt.h>
#include <malloc.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/sign.h"
#include "issuer.h"

/* Memory allocator tuning: zlib (QR payload, PNG) and libpng allocate a few hundred KB per
 * call; above glibc's default mmap threshold that is fresh pages every time, and their
 * page faults cost more than the compression (bench/issue-bench --stages). Keep such
 * blocks in the heap and do not hand freed memory back after every certificate. */
#define ISSUER_MMAP_THRESHOLD (4 << 20)
#define ISSUER_TRIM_THRESHOLD (32 << 20)
/* Room for one message line. */
#define ISSUER_MSG_MAX 1024

int issuer_english;

static const struct issuer_command issuer_commands[] = {
    {"issue", "签发证书：校验一批记录，签名，写出 JSON 与二维码，登记",
     "issue certificates: validate a batch of records, sign, write JSON and QR codes, register",
     issuer_cmd_issue},
    {"revoke", "撤销一张证书（在登记簿中记录撤销及原因）",
     "revoke a certificate (recorded in the register with its reason)", issuer_cmd_revoke},
    {"status-list", "发布签名的撤销状态列表（W3C Bitstring Status List）",
     "publish the signed revocation status list (W3C Bitstring Status List)",
     issuer_cmd_status_list},
    {NULL, NULL, NULL, NULL},
};

const char *issuer_tr(const char *zh, const char *en)
{
	return issuer_english ? en : zh;
}

int issuer_set_lang(const char *value)
{
	if (!value)
		return -1;
	if (strncmp(value, "en", 2) == 0) {
		issuer_english = 1;
		return 0;
	}
	if (strncmp(value, "zh", 2) == 0) {
		issuer_english = 0;
		return 0;
	}
	return -1;
}

/* ---- masking ID numbers ---- */

static int alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

#define ID_LEN 18
#define ID_KEEP_HEAD 6
#define ID_KEEP_TAIL 4

/* Keep the first 6 and last 4 characters of a long enough ASCII value, mask the rest. */
static void mask_at(char *p, size_t n)
{
	size_t head = 0, tail = 0, i;

	for (i = 0; i < n && (unsigned char)p[i] < 0x80; i++)
		;
	if (i == n && n > ID_KEEP_HEAD + ID_KEEP_TAIL) {
		head = ID_KEEP_HEAD;
		tail = ID_KEEP_TAIL;
	}
	for (i = head; i + tail < n; i++)
		p[i] = '*';
}

void issuer_redact(char *s, const char *id)
{
	size_t n, idlen = id ? strlen(id) : 0;
	char *p;

	if (!s)
		return;
	/* the record's own value, whatever it looks like (it may be malformed) */
	if (idlen >= 4)
		for (p = strstr(s, id); p; p = strstr(p + idlen, id))
			mask_at(p, idlen);
	/* and anything shaped like a full number */
	n = strlen(s);
	for (size_t i = 0; i + ID_LEN <= n; i++) {
		size_t k;

		if (i > 0 && alnum(s[i - 1]))
			continue;
		for (k = 0; k < ID_LEN - 1 && digit(s[i + k]); k++)
			;
		if (k != ID_LEN - 1)
			continue;
		if (!(digit(s[i + k]) || s[i + k] == 'X' || s[i + k] == 'x'))
			continue;
		if (i + ID_LEN < n && alnum(s[i + ID_LEN]))
			continue;
		mask_at(s + i, ID_LEN);
		i += ID_LEN - 1;
	}
}

/* ---- reporting ---- */

static void vreport(const char *kind, const char *where, const char *fmt, va_list ap)
{
	char msg[ISSUER_MSG_MAX], w[ISSUER_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(w, sizeof(w), "%s", where ? where : "");
	issuer_redact(msg, NULL);
	issuer_redact(w, NULL);
	if (w[0])
		fprintf(stderr, "%s: %s: %s: %s\n", ISSUER_PROG, kind, w, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", ISSUER_PROG, kind, msg);
}

void issuer_error(const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(TR("错误", "error"), where, fmt, ap);
	va_end(ap);
}

void issuer_warn(const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(TR("警告", "warning"), where, fmt, ap);
	va_end(ap);
}

const char *issuer_code_text(int code)
{
	switch (code) {
	case ECERT_ERR_NOMEM:
		return TR("内存不足", "out of memory");
	case ECERT_ERR_ARG:
		return TR("参数错误", "bad argument");
	case ECERT_ERR_IO:
		return TR("无法读写文件", "cannot read or write");
	case ECERT_ERR_EXISTS:
		return TR("已存在", "already exists");
	case ECERT_ERR_PERM:
		return TR("文件权限过宽", "file permissions too open");
	case ECERT_ERR_JSON_SYNTAX:
	case ECERT_ERR_JSON_DUPKEY:
	case ECERT_ERR_JSON_UTF8:
	case ECERT_ERR_JSON_SURROGATE:
	case ECERT_ERR_JSON_DEPTH:
	case ECERT_ERR_JSON_SIZE:
	case ECERT_ERR_JSON_TRAILING:
	case ECERT_ERR_JSON_NUMBER:
		return TR("JSON 格式错误", "malformed JSON");
	case ECERT_ERR_ENCODING:
		return TR("编码错误", "bad encoding");
	case ECERT_ERR_KEY:
		return TR("密钥不可用", "unusable key");
	case ECERT_ERR_PASSPHRASE:
		return TR("口令错误或缺失", "wrong or missing passphrase");
	case ECERT_ERR_SUITE:
		return TR("密码套件不符", "cryptosuite mismatch");
	case ECERT_ERR_SIGNATURE:
		return TR("签名校验失败", "signature does not verify");
	case ECERT_ERR_SCHEMA:
		return TR("缺少字段或格式不符", "missing field or wrong form");
	case ECERT_ERR_INVALID:
		return TR("取值无效", "invalid value");
	case ECERT_ERR_TRUST:
		return TR("信任列表问题", "trust list problem");
	case ECERT_ERR_SCOPE:
		return TR("超出签发范围或密钥不可用", "outside the key's scope or validity");
	case ECERT_ERR_REVOKED:
		return TR("已撤销", "already revoked");
	case ECERT_ERR_HOLDER:
		return TR("持证人不符", "holder does not match");
	case ECERT_ERR_DB:
		return TR("登记簿错误", "register error");
	case ECERT_ERR_STATUS:
		return TR("状态列表问题", "status list problem");
	default:
		return TR("失败", "failed");
	}
}

void issuer_report(const char *cmd, const struct ecert_error *err)
{
	const char *msg = err->msg[0] ? err->msg : ecert_strerror(err->code);

	issuer_error(err->where[0] ? err->where : cmd, "%s: %s", issuer_code_text(err->code), msg);
}

int issuer_fail(const char *cmd, const struct ecert_error *err)
{
	issuer_report(cmd, err);
	return err->code == ECERT_ERR_IO ? ISSUER_EXIT_USAGE : ISSUER_EXIT_FAIL;
}

int issuer_usage(const char *cmd, const char *fmt, ...)
{
	char msg[ISSUER_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	issuer_error(cmd, "%s", msg);
	fprintf(stderr, TR("请参阅 '%s %s --help'。\n", "Try '%s %s --help'.\n"), ISSUER_PROG, cmd);
	return ISSUER_EXIT_USAGE;
}

int issuer_next_opt(const char *cmd, int argc, char **argv, const struct option *opts)
{
	int c;

	for (;;) {
		opterr = 0;
		c = getopt_long(argc, argv, ":h", opts, NULL);
		if (c == ISSUER_OPT_LANG) {
			if (issuer_set_lang(optarg) != 0) {
				issuer_usage(cmd,
				             TR("--lang 只能是 zh 或 en，而不是 '%s'",
				                "--lang: expected zh or en, not '%s'"),
				             optarg);
				return '?';
			}
			continue;
		}
		break;
	}
	if (c == '?') {
		if (optopt)
			issuer_usage(cmd, TR("未知选项 '-%c'", "unknown option '-%c'"), optopt);
		else
			issuer_usage(cmd, TR("未知选项 '%s'", "unknown option '%s'"),
			             argv[optind - 1]);
	} else if (c == ':') {
		issuer_usage(cmd, TR("选项 '%s' 需要一个值", "option '%s' needs a value"),
		             argv[optind - 1]);
		c = '?';
	} else if (c == ISSUER_OPT_PASSPHRASE) {
		issuer_usage(
		    cmd, "%s",
		    TR("口令从不在命令行上给出：请用 --passphrase-file FILE 或环境变量 "
		       "ECERT_PASSPHRASE",
		       "the passphrase is never taken from the command line: use "
		       "--passphrase-file FILE or the ECERT_PASSPHRASE environment variable"));
		c = '?';
	}
	return c;
}

int issuer_help(const char *zh, const char *en)
{
	fputs(issuer_english ? en : zh, stdout);
	return fflush(stdout) == 0 ? ISSUER_EXIT_OK : ISSUER_EXIT_FAIL;
}

static void help(FILE *f)
{
	const struct issuer_command *c;

	if (issuer_english)
		fprintf(
		    f,
		    "Usage: %s COMMAND [OPTIONS]\n\n"
		    "Issue ecert electronic certificates (title and skill certificates of the\n"
		    "Jilin skill/title pathway scheme): signed JSON documents with QR codes, a\n"
		    "register of what was issued, revocation and the status list.\n\nCommands:\n",
		    ISSUER_PROG);
	else
		fprintf(
		    f,
		    "用法: %s 命令 [选项]\n\n"
		    "签发 ecert "
		    "电子证书（吉林省技能人才与专业技术人才职业发展贯通的电子职称证书、\n"
		    "职业技能等级证书）：带二维码的签名 JSON 文档、签发登记簿、撤销与状态列表。\n\n"
		    "命令:\n",
		    ISSUER_PROG);
	for (c = issuer_commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, issuer_english ? c->summary_en : c->summary_zh);
	if (issuer_english)
		fprintf(
		    f,
		    "\n'%s COMMAND --help' explains a command. Messages are in Chinese unless\n"
		    "--lang en is given (or ECERT_LANG=en). Passphrases come from\n"
		    "--passphrase-file FILE or the ECERT_PASSPHRASE environment variable, never\n"
		    "from the command line. Full ID numbers are never printed or stored.\n\n"
		    "Exit status: 0 success; 1 a record invalid or refused, a key refused, a\n"
		    "revocation error; 2 usage error or an input that cannot be read.\n",
		    ISSUER_PROG);
	else
		fprintf(
		    f,
		    "\n'%s 命令 --help' 说明各命令。默认中文提示，--lang en（或环境变量\n"
		    "ECERT_LANG=en）改为英文。口令只从 --passphrase-file 文件或环境变量\n"
		    "ECERT_PASSPHRASE 读取，从不在命令行上给出。完整身份证号从不打印或保存。\n\n"
		    "退出码: 0 成功；1 有记录无效或被拒绝、密钥被拒绝、撤销出错；2 用法错误或\n"
		    "输入无法读取。\n",
		    ISSUER_PROG);
}

/* --lang anywhere on the command line (and ECERT_LANG) set the language before anything
 * is printed; the commands accept and skip the option again. */
static void prescan_lang(int argc, char **argv)
{
	const char *env = getenv(ISSUER_LANG_ENV);

	if (env)
		(void)issuer_set_lang(env);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			(void)issuer_set_lang(argv[i + 1]);
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			(void)issuer_set_lang(argv[i] + 7);
	}
}

int main(int argc, char **argv)
{
	const struct issuer_command *c;
	int first = 1;

	/* A file-size limit (RLIMIT_FSIZE) reached is an error like a full disk (EFBIG), which
	 * the batch reports and recovers from; the default SIGXFSZ would kill it mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	mallopt(M_MMAP_THRESHOLD, ISSUER_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, ISSUER_TRIM_THRESHOLD);
	prescan_lang(argc, argv);
	/* a leading --lang belongs to the program, not to a command */
	while (first < argc &&
	       (strcmp(argv[first], "--lang") == 0 || strncmp(argv[first], "--lang=", 7) == 0)) {
		if (strcmp(argv[first], "--lang") == 0) {
			if (first + 1 >= argc || issuer_set_lang(argv[first + 1]) != 0) {
				issuer_error(ISSUER_PROG, "--lang: expected zh or en");
				return ISSUER_EXIT_USAGE;
			}
			first += 2;
		} else {
			if (issuer_set_lang(argv[first] + 7) != 0) {
				issuer_error(ISSUER_PROG, "--lang: expected zh or en");
				return ISSUER_EXIT_USAGE;
			}
			first++;
		}
	}
	if (first >= argc) {
		help(stderr);
		return ISSUER_EXIT_USAGE;
	}
	if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0 ||
	    strcmp(argv[first], "help") == 0) {
		if (first + 1 < argc && strcmp(argv[first], "help") == 0) {
			for (c = issuer_commands; c->name; c++)
				if (strcmp(c->name, argv[first + 1]) == 0) {
					static char helpopt[] = "--help";
					char *sub[] = {argv[first + 1], helpopt, NULL};

					optind = 1;
					return c->run(2, sub);
				}
			issuer_error(ISSUER_PROG, TR("未知命令 '%s'", "unknown command '%s'"),
			             argv[first + 1]);
			return ISSUER_EXIT_USAGE;
		}
		help(stdout);
		return ISSUER_EXIT_OK;
	}
	for (c = issuer_commands; c->name; c++) {
		if (strcmp(c->name, argv[first]) == 0) {
			if (ecert_sign_init() != 0) {
				issuer_error(ISSUER_PROG, TR("无法初始化程序库",
				                             "cannot initialise the library"));
				return ISSUER_EXIT_FAIL;
			}
			optind = 1;
			return c->run(argc - first, argv + first);
		}
	}
	issuer_error(ISSUER_PROG,
	             TR("未知命令 '%s'（可用: issue, revoke, status-list）",
	                "unknown command '%s' (expected issue, revoke, status-list)"),
	             argv[first]);
	fprintf(stderr, TR("请参阅 '%s --help'。\n", "Try '%s --help'.\n"), ISSUER_PROG);
	return ISSUER_EXIT_USAGE;
}
