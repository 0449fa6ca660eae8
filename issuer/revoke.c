/* ecert-issuer revoke — record a revocation in the register. The status list that tells
 * verifiers is published afterwards with `ecert-issuer status-list`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ecert/register.h"
#include "issuer.h"

enum { OPT_REASON = 1000, OPT_REGISTER, OPT_HELP };

static const char help_zh[] =
	"用法: ecert-issuer revoke NUMBER --reason TEXT [--register REG.db] [--lang en]\n"
	"\n"
	"撤销证书 NUMBER：在登记簿中记录撤销时间与原因。撤销要在验证方生效，还须重新发布\n"
	"状态列表（ecert-issuer status-list），撤销的证书在其中对应的位被置 1。撤销不可\n"
	"取消；证书编号也不会再用于别的证书。\n"
	"\n"
	"选项:\n"
	"  --reason TEXT      撤销原因（必填，最多 256 字节），例如 \"信息有误\"、\"弄虚作假\"\n"
	"  --register FILE    登记簿（默认：当前目录下的 ecert-register.db）\n"
	"  --lang en          英文提示\n"
	"  -h, --help         显示本帮助\n"
	"\n"
	"示例:\n"
	"  ecert-issuer revoke S000022000001193000001 --reason \"证书信息有误\" \\\n"
	"      --register /data/ecert/ecert-register.db\n"
	"  ecert-issuer status-list --key org.key --trust trust.json --out status.json \\\n"
	"      --register /data/ecert/ecert-register.db\n"
	"\n"
	"环境变量:\n"
	"  ECERT_LANG         en 为英文提示\n"
	"\n"
	"退出码:\n"
	"  0  已撤销\n"
	"  1  登记簿中没有该编号、已撤销过、登记簿出错\n"
	"  2  用法错误，或登记簿不存在、无法读取\n";

static const char help_en[] =
	"Usage: ecert-issuer revoke NUMBER --reason TEXT [--register REG.db] [--lang en]\n"
	"\n"
	"Revoke certificate NUMBER: record the time and the reason in the register. For\n"
	"verifiers to learn of it, publish the status list again (ecert-issuer status-list):\n"
	"the certificate's bit is set there. A revocation cannot be undone, and the number\n"
	"is never given to another certificate.\n"
	"\n"
	"Options:\n"
	"  --reason TEXT      why (required, at most 256 bytes), e.g. \"wrong data\"\n"
	"  --register FILE    the register (default: ecert-register.db in the current\n"
	"                     directory)\n"
	"  --lang zh|en       language of the messages (default Chinese)\n"
	"  -h, --help         show this help\n"
	"\n"
	"Examples:\n"
	"  ecert-issuer revoke S000022000001193000001 --reason \"wrong occupation\" \\\n"
	"      --register /data/ecert/ecert-register.db\n"
	"  ecert-issuer status-list --key org.key --trust trust.json --out status.json \\\n"
	"      --register /data/ecert/ecert-register.db\n"
	"\n"
	"Environment:\n"
	"  ECERT_LANG         en for English messages\n"
	"\n"
	"Exit status:\n"
	"  0  revoked\n"
	"  1  no such number in the register, already revoked, a register error\n"
	"  2  usage error, or the register is missing or cannot be read\n";

int issuer_cmd_revoke(int argc, char **argv)
{
	static const struct option opts[] = {
		{"reason", required_argument, NULL, OPT_REASON},
		{"register", required_argument, NULL, OPT_REGISTER},
		{"lang", required_argument, NULL, ISSUER_OPT_LANG},
		{"help", no_argument, NULL, OPT_HELP},
		{NULL, 0, NULL, 0},
	};
	const char *cmd = "revoke", *reason = NULL, *reg_path = ECERT_REGISTER_DEFAULT_NAME;
	const char *number;
	struct ecert_register *reg = NULL;
	struct ecert_register_entry e;
	struct ecert_error err;
	int c, found = 0, status;

	ecert_error_clear(&err);
	while ((c = issuer_next_opt(cmd, argc, argv, opts)) != -1) {
		switch (c) {
		case OPT_REASON:
			reason = optarg;
			break;
		case OPT_REGISTER:
			reg_path = optarg;
			break;
		case 'h':
		case OPT_HELP:
			return issuer_help(help_zh, help_en);
		default:
			return ISSUER_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return issuer_usage(cmd, "%s",
				    TR("需要且只能给出一个证书编号",
				       "expected exactly one certificate number"));
	number = argv[optind];
	if (!reason || !*reason)
		return issuer_usage(cmd, "%s",
				    TR("必须用 --reason 说明撤销原因",
				       "--reason is required"));
	if (strlen(reason) > ECERT_REGISTER_REASON_MAX)
		return issuer_usage(cmd, TR("撤销原因最多 %d 字节", "--reason: at most %d bytes"),
				    ECERT_REGISTER_REASON_MAX);
	if (access(reg_path, F_OK) != 0) {
		issuer_error(reg_path, "%s", TR("登记簿不存在", "no such register"));
		return ISSUER_EXIT_USAGE;
	}
	if (ecert_register_open(reg_path, 0, &reg, &err) != ECERT_OK)
		return issuer_fail(cmd, &err);
	if (ecert_register_revoke(reg, number, reason, NULL, &err) != ECERT_OK) {
		if (err.code == ECERT_ERR_INVALID) {
			issuer_error(number, "%s",
				     TR("登记簿中没有该证书编号", "no such certificate number in the "
								  "register"));
			status = ISSUER_EXIT_FAIL;
		} else {
			status = issuer_fail(cmd, &err);
		}
		goto out;
	}
	if (ecert_register_lookup(reg, number, &e, &found, &err) != ECERT_OK || !found) {
		status = issuer_fail(cmd, &err);
		goto out;
	}
	if (issuer_english)
		printf("revoked %s at %s (key %s, status index %lld)\n"
		       "Publish the status list again: ecert-issuer status-list --key KEY "
		       "--trust TRUST --out FILE --register %s\n",
		       number, e.revoked_at, e.kid, (long long)e.status_index, reg_path);
	else
		printf("已撤销 %s，时间 %s（密钥 %s，状态索引 %lld）\n"
		       "请重新发布状态列表：ecert-issuer status-list --key 密钥 --trust 信任列表 "
		       "--out 文件 --register %s\n",
		       number, e.revoked_at, e.kid, (long long)e.status_index, reg_path);
	status = fflush(stdout) == 0 ? ISSUER_EXIT_OK : ISSUER_EXIT_FAIL;
out:
	ecert_register_close(reg);
	return status;
}
