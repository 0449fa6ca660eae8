/* ecert-issuer status-list — publish the key's revocation list: a W3C Bitstring Status
 * List credential (GZIP bitstring of at least 16 KB, multibase base64url), built from the
 * register's revoked indexes of the key's kid and signed like a certificate. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ecert/datetime.h"
#include "ecert/file.h"
#include "ecert/jcs.h"
#include "ecert/record.h"
#include "ecert/register.h"
#include "ecert/sign.h"
#include "issuer.h"

#define TIME_SIZE 26
/* The list is public. */
#define STATUS_FILE_MODE 0644

enum {
	OPT_KEY = 1000,
	OPT_TRUST,
	OPT_ROOT,
	OPT_OUT,
	OPT_REGISTER,
	OPT_PASSFILE,
	OPT_VALID_UNTIL,
	OPT_HELP
};

static const char help_zh[] =
    "用法: ecert-issuer status-list --key ISSUER.key --trust trust.json --out status.json\n"
    "                               [--register REG.db] [--valid-until TIME]\n"
    "                               [--passphrase-file FILE] [--root ROOT.pub] [--lang en]\n"
    "\n"
    "发布本密钥的撤销状态列表（W3C Bitstring Status List v1.0）：一个位串，第 i 位为 1\n"
    "表示状态索引为 i 的证书已撤销；GZIP 压缩后以 multibase base64url 编码（至少 16 KB\n"
    "位串），作为签名的凭证写出，签名方式与证书相同。列表的 id 为\n"
    "urn:ecert:status:<统一社会信用代码>:<kid>，即本密钥签发的证书中\n"
    "credentialStatus.statusListCredential 所指。每次撤销后重新发布。\n"
    "\n"
    "选项:\n"
    "  --key FILE              签发机构私钥（与签发证书的同一把）\n"
    "  --trust FILE            信任列表\n"
    "  --root FILE             省级根公钥；给出时先验证信任列表的签名\n"
    "  --out FILE              写出的状态列表（原子替换）\n"
    "  --register FILE         登记簿（默认：当前目录下的 ecert-register.db）\n"
    "  --valid-until TIME      列表有效期至（RFC 3339 或日期）；默认不设\n"
    "  --passphrase-file FILE  私钥口令；否则取环境变量 ECERT_PASSPHRASE\n"
    "  --lang en               英文提示\n"
    "  -h, --help              显示本帮助\n"
    "\n"
    "示例:\n"
    "  ecert-issuer status-list --key org.key --trust trust.json --out status.json \\\n"
    "      --register ecert-register.db --passphrase-file org-pass.txt\n"
    "\n"
    "环境变量:\n"
    "  ECERT_PASSPHRASE        私钥口令（未给 --passphrase-file 时）\n"
    "  ECERT_LANG              en 为英文提示\n"
    "\n"
    "退出码:\n"
    "  0  已写出\n"
    "  1  密钥被拒绝（口令错误、不在信任列表、已退役或泄露）、签名或写出失败\n"
    "  2  用法错误，或登记簿、信任列表、密钥文件无法读取\n";

static const char help_en[] =
    "Usage: ecert-issuer status-list --key ISSUER.key --trust trust.json --out status.json\n"
    "                                [--register REG.db] [--valid-until TIME]\n"
    "                                [--passphrase-file FILE] [--root ROOT.pub] [--lang en]\n"
    "\n"
    "Publish the key's revocation list (W3C Bitstring Status List v1.0): a bitstring whose\n"
    "bit i is 1 when the certificate with status index i is revoked, GZIP-compressed and\n"
    "multibase base64url-encoded (a bitstring of at least 16 KB), written as a credential\n"
    "signed like a certificate. Its id is urn:ecert:status:<USCC>:<kid>, which the\n"
    "certificates of this key name in credentialStatus.statusListCredential. Publish again\n"
    "after every revocation.\n"
    "\n"
    "Options:\n"
    "  --key FILE              the issuer's private key (the one that signs certificates)\n"
    "  --trust FILE            the trust list\n"
    "  --root FILE             the province root public key: verify the trust list first\n"
    "  --out FILE              where to write the list (replaced atomically)\n"
    "  --register FILE         the register (default: ecert-register.db in the current\n"
    "                          directory)\n"
    "  --valid-until TIME      the list's validUntil (RFC 3339 or a date); default none\n"
    "  --passphrase-file FILE  the key's passphrase; else ECERT_PASSPHRASE\n"
    "  --lang zh|en            language of the messages (default Chinese)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Example:\n"
    "  ecert-issuer status-list --key org.key --trust trust.json --out status.json \\\n"
    "      --register ecert-register.db --passphrase-file org-pass.txt\n"
    "\n"
    "Environment:\n"
    "  ECERT_PASSPHRASE        the key's passphrase, when --passphrase-file is not given\n"
    "  ECERT_LANG              en for English messages\n"
    "\n"
    "Exit status:\n"
    "  0  written\n"
    "  1  the key refused (wrong passphrase, not in the trust list, compromised),\n"
    "     signing or writing failed. A retired key still publishes the status of the\n"
    "     certificates it signed.\n"
    "  2  usage error, or the register, trust list or key file cannot be read\n";

struct revoked_walk {
	struct ecert_statuslist *sl;
	unsigned long count;
	struct ecert_error *err;
};

static int set_bit(void *ctx, int64_t index)
{
	struct revoked_walk *w = ctx;

	w->count++;
	return ecert_statuslist_set(w->sl, (uint64_t)index, 1, w->err) == ECERT_OK ? 0 : -1;
}

static int check_bit(void *ctx, int64_t index)
{
	struct revoked_walk *w = ctx;
	int revoked = 0;

	if (ecert_statuslist_get(w->sl, (uint64_t)index, &revoked, w->err) != ECERT_OK || !revoked)
		return -1;
	w->count++;
	return 0;
}

/* Read the signed list back as a verifier would decode it: every revoked index of the
 * register is set, and nothing else. */
static int self_check(const cJSON *vc, struct ecert_register *reg, const char *kid,
                      unsigned long revoked, struct ecert_error *err)
{
	struct revoked_walk w = {NULL, 0, err};
	unsigned long ones = 0;
	int bit, rc;

	rc = ecert_statuslist_decode(vc, &w.sl, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_register_foreach_revoked(reg, kid, check_bit, &w, err);
	for (size_t i = 0; rc == ECERT_OK && i < ecert_statuslist_size(w.sl); i++) {
		if (ecert_statuslist_get(w.sl, i, &bit, err) != ECERT_OK)
			rc = ECERT_ERR_STATUS;
		ones += (unsigned long)bit;
	}
	if (rc == ECERT_OK && (w.count != revoked || ones != revoked))
		rc =
		    ecert_fail(err, ECERT_ERR_STATUS,
		               "the encoded list does not hold exactly the register's revocations");
	ecert_statuslist_free(w.sl);
	return rc;
}

int issuer_cmd_status_list(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"key", required_argument, NULL, OPT_KEY},
	    {"trust", required_argument, NULL, OPT_TRUST},
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"out", required_argument, NULL, OPT_OUT},
	    {"register", required_argument, NULL, OPT_REGISTER},
	    {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
	    {"passphrase", optional_argument, NULL, ISSUER_OPT_PASSPHRASE},
	    {"valid-until", required_argument, NULL, OPT_VALID_UNTIL},
	    {"lang", required_argument, NULL, ISSUER_OPT_LANG},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *cmd = "status-list", *out = NULL, *reg_path = ECERT_REGISTER_DEFAULT_NAME;
	const char *valid_until_arg = NULL;
	char from[TIME_SIZE], until[TIME_SIZE];
	struct issuer_signer_args args;
	struct issuer_signer s;
	struct ecert_register *reg = NULL;
	struct ecert_statuslist *sl = NULL;
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error err;
	struct revoked_walk w;
	cJSON *vc = NULL;
	int64_t now, end = 0, vu = 0;
	int c, status = ISSUER_EXIT_FAIL;

	memset(&args, 0, sizeof(args));
	args.status_list = 1;
	memset(&s, 0, sizeof(s));
	ecert_error_clear(&err);
	while ((c = issuer_next_opt(cmd, argc, argv, opts)) != -1) {
		switch (c) {
		case OPT_KEY:
			args.key_path = optarg;
			break;
		case OPT_TRUST:
			args.trust_path = optarg;
			break;
		case OPT_ROOT:
			args.root_path = optarg;
			break;
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_REGISTER:
			reg_path = optarg;
			break;
		case OPT_PASSFILE:
			args.passphrase_file = optarg;
			break;
		case OPT_VALID_UNTIL:
			valid_until_arg = optarg;
			break;
		case 'h':
		case OPT_HELP:
			return issuer_help(help_zh, help_en);
		default:
			return ISSUER_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return issuer_usage(cmd, TR("多余的参数 '%s'", "unexpected argument '%s'"),
		                    argv[optind]);
	if (!args.key_path || !args.trust_path || !out)
		return issuer_usage(cmd, "%s",
		                    TR("必须给出 --key、--trust 和 --out",
		                       "--key, --trust and --out are required"));
	now = ecert_time_now();
	if (valid_until_arg) {
		if (ecert_record_time_parse(valid_until_arg, &vu, &err) != ECERT_OK)
			return issuer_usage(cmd, TR("--valid-until 应为 RFC 3339 时间或日期",
			                            "--valid-until: expected an RFC 3339 time or a "
			                            "date"));
		if (vu <= now)
			return issuer_usage(
			    cmd, "%s",
			    TR("--valid-until 须晚于现在", "--valid-until must be in the future"));
		ecert_time_format(vu, 0, until);
	}
	if (access(reg_path, F_OK) != 0) {
		issuer_error(reg_path, "%s", TR("登记簿不存在", "no such register"));
		return ISSUER_EXIT_USAGE;
	}
	if (issuer_signer_open(&args, now, &s, &err) != ECERT_OK)
		return issuer_fail(cmd, &err);
	if (ecert_register_open(reg_path, 0, &reg, &err) != ECERT_OK ||
	    ecert_register_index_end(reg, s.kid, &end, &err) != ECERT_OK ||
	    ecert_statuslist_new((size_t)end, &sl, &err) != ECERT_OK) {
		status = issuer_fail(cmd, &err);
		goto out;
	}
	w.sl = sl;
	w.count = 0;
	w.err = &err;
	ecert_time_format(now, 0, from);
	if (ecert_register_foreach_revoked(reg, s.kid, set_bit, &w, &err) != ECERT_OK ||
	    ecert_statuslist_build(sl, s.list_id, s.issuer_id, s.issuer_name, from,
	                           valid_until_arg ? until : NULL, &vc, &err) != ECERT_OK ||
	    ecert_proof_sign(vc, s.key, s.vm, from, &err) != ECERT_OK ||
	    self_check(vc, reg, s.kid, w.count, &err) != ECERT_OK ||
	    ecert_jcs_serialize(vc, &text, &err) != ECERT_OK ||
	    ecert_file_write_atomic(out, text.data, text.len, STATUS_FILE_MODE, 0, &err) !=
	        ECERT_OK) {
		status = issuer_fail(cmd, &err);
		goto out;
	}
	if (issuer_english)
		printf("wrote %s: list %s, %zu bits (%lld issued), %lu revoked, signed by %s\n",
		       out, s.list_id, ecert_statuslist_size(sl), (long long)end, w.count, s.kid);
	else
		printf("已写出 %s：列表 %s，%zu 位（已分配 %lld 个索引），已撤销 %lu 张，签名密钥 "
		       "%s\n",
		       out, s.list_id, ecert_statuslist_size(sl), (long long)end, w.count, s.kid);
	status = fflush(stdout) == 0 ? ISSUER_EXIT_OK : ISSUER_EXIT_FAIL;
out:
	cJSON_Delete(vc);
	ecert_buf_free(&text);
	ecert_statuslist_free(sl);
	ecert_register_close(reg);
	issuer_signer_close(&s);
	return status;
}
