/* ecert-issuer issue — the command line, the input (stdin spooled to a temp file), and
 * pass 1: every record is read and checked — validation (record.h), the key's scope in
 * the trust list, a number given twice, a number the register holds for another record —
 * before anything is signed. Nothing is written if one record fails, unless
 * --skip-invalid FILE, which writes the refused ones with their reasons and issues the
 * rest. Pass 2 (batch.c) then signs and writes. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"
#include "ecert/idnum.h"
#include "ecert/json.h"
#include "ecert/record.h"
#include "ecert/register.h"
#include "issue.h"

#define SPOOL_CHUNK 65536
#define CREDENTIAL_SUBJECT "credentialSubject."

enum {
	OPT_KEY = 1000,
	OPT_TRUST,
	OPT_ROOT,
	OPT_IN,
	OPT_OUT,
	OPT_QR,
	OPT_QR_PX,
	OPT_REGISTER,
	OPT_JOBS,
	OPT_ENCODING,
	OPT_FORMAT,
	OPT_SKIP_INVALID,
	OPT_PASSFILE,
	OPT_REPLACE,
	OPT_QUIET,
	OPT_HELP,
	OPT_BASIS,
	OPT_RULES,
	OPT_TABLE
};

static const char help_zh[] =
	"用法: ecert-issuer issue --key ISSUER.key --trust trust.json --in FILE --out DIR\n"
	"                         [--qr png,svg|png|svg|none] [--register REG.db] [--jobs N]\n"
	"                         [--encoding auto|utf-8|gb18030] [--format auto|csv|json|ndjson]\n"
	"                         [--skip-invalid REJECTS.csv] [--passphrase-file FILE]\n"
	"                         [--root ROOT.pub] [--replace-reserved] [--quiet] [--lang en]\n"
	"                         [--basis SKILL.json… [--rules FILE] [--table FILE]]\n"
	"\n"
	"签发一批证书。签发机构的身份（统一社会信用代码、名称）和可签发的范围（证书类别、\n"
	"职称系列、职业编码）取自信任列表中本机构密钥（按 kid 查找）的条目；超出范围的记录\n"
	"在签名前即被拒绝。\n"
	"\n"
	"两遍处理：第一遍读取并校验全部记录——身份证号校验码与出生日期、日期真实且不晚于\n"
	"今天、系列/级别/资格名称一致、技能等级与等级名称一致、职业编码格式、证书编号格式、\n"
	"签发范围、同一编号重复出现、登记簿中同一编号对应另一条记录；任何一条不合格则什么\n"
	"也不写（除非 --skip-invalid）。第二遍签名：登记簿预留状态索引 → 生成证书 → 签名并用\n"
	"公钥验证 → 二维码 → 原子写出文件 → 登记簿确认。\n"
	"\n"
	"输出（每张证书）：\n"
	"  DIR/<证书编号>.json  签名的证书（JCS 规范形式，SM3 即登记簿的 doc_hash）\n"
	"  DIR/<证书编号>.png   二维码（纠错级别 M，静区 4 模块，300 dpi 下每模块 6 像素）\n"
	"  DIR/<证书编号>.svg   同一二维码的矢量图\n"
	"证书中只有脱敏身份证号（前 6 后 4 位）与加盐摘要 idDigest，从不含完整号码。\n"
	"\n"
	"选项:\n"
	"  --key FILE              签发机构私钥（加密 PKCS#8，权限 0600）\n"
	"  --trust FILE            信任列表（ecert-keys trust 生成）\n"
	"  --root FILE             省级根公钥；给出时先用它验证信任列表的签名\n"
	"  --in FILE               记录文件：CSV、JSON（一条或数组）或 NDJSON；- 为标准输入\n"
	"  --out DIR               输出目录（不存在则创建）\n"
	"  --qr LIST               png,svg（默认）、png、svg 或 none\n"
	"  --qr-module-px N        PNG 每模块像素数，6..40（默认 6：300 dpi 下 0.5 mm）\n"
	"  --register FILE         登记簿（SQLite）；默认为 DIR 所在目录下的 ecert-register.db\n"
	"  --jobs N                签名线程数（默认：全部 CPU 核）\n"
	"  --encoding ENC          auto（默认）、utf-8 或 gb18030\n"
	"  --format FMT            auto（默认，按扩展名和内容判断）、csv、json、ndjson\n"
	"  --skip-invalid FILE     跳过不合格记录，把它们及原因写入 FILE（CSV），签发其余记录\n"
	"  --replace-reserved      中断的签发留下的预留编号对应的记录已被更正时，以新记录为准\n"	"  --basis FILE            经贯通路径取得的职称：其依据的技能证书（可重复）。签名前\n"
	"                          用信任列表核验依据证书，核对为同一持证人（姓名、身份证号\n"
	"                          与 idDigest），并按贯通规则以取得资格时间为申报基准日判定\n"
	"                          （如技师满 3 年可取得中级）；成立则写入 pathway（规则与依据\n"
	"                          证书的编号、SM3 摘要）。输入须只有这一条职称记录\n"
	"  --rules FILE, --table FILE  贯通规则 / 专业与职业对应表（默认内置）\n"
	"  --passphrase-file FILE  私钥口令（文件第一行）；否则取环境变量 ECERT_PASSPHRASE\n"
	"  --quiet                 不显示进度条\n"
	"  --lang en               英文提示\n"
	"  -h, --help              显示本帮助\n"
	"\n"
	"CSV 表头可用字段名或中文列名，例如：类别, 证书编号, 姓名, 身份证号, 性别, 工作单位,\n"
	"系列, 专业, 级别, 资格名称, 取得资格时间, 批准文号, 取得方式, 职业编码, 职业名称,\n"
	"等级, 等级名称, 发证日期, 证书类型, 有效期起, 有效期至, 电子证照标识\n"
	"（详见 docs/ecert-issuer.md）。\n"
	"\n"
	"重复运行是幂等的：未改变的记录得到原有证书，不会重复签发或分配第二个状态索引；\n"
	"中途被杀死（kill -9）后重新运行即可补完，不重不漏。\n"
	"\n"
	"环境变量:\n"
	"  ECERT_PASSPHRASE        私钥口令（未给 --passphrase-file 时）\n"
	"  ECERT_LANG              en 为英文提示\n"
	"  TMPDIR                  暂存标准输入的目录\n"
	"\n"
	"示例:\n"
	"  ecert-issuer issue --key org.key --trust trust.json --in 2025-06.csv --out certs \\\n"
	"      --passphrase-file org-pass.txt\n"
	"  iconv -f GB18030 -t UTF-8 名单.csv | ecert-issuer issue --key org.key \\\n"
	"      --trust trust.json --in - --out certs --qr png --jobs 4\n"
	"  ecert-issuer issue --key org.key --trust trust.json --in batch.ndjson --out certs \\\n"
	"      --skip-invalid rejects.csv\n"
	"\n"
	"退出码:\n"
	"  0  全部签发（或早已签发）；使用 --skip-invalid 时不合格记录已写入拒绝文件\n"
	"  1  有记录不合格或超出范围（未签发任何证书）、密钥被拒绝（口令错误、权限过宽、\n"
	"     已退役或已泄露、不在信任列表中）、签发中出错\n"
	"  2  用法错误，或输入（记录、信任列表、密钥文件）无法读取\n";

static const char help_en[] =
	"Usage: ecert-issuer issue --key ISSUER.key --trust trust.json --in FILE --out DIR\n"
	"                          [--qr png,svg|png|svg|none] [--register REG.db] [--jobs N]\n"
	"                          [--encoding auto|utf-8|gb18030] [--format auto|csv|json|ndjson]\n"
	"                          [--skip-invalid REJECTS.csv] [--passphrase-file FILE]\n"
	"                          [--root ROOT.pub] [--replace-reserved] [--quiet] [--lang en]\n"
	"                          [--basis SKILL.json… [--rules FILE] [--table FILE]]\n"
	"\n"
	"Issue a batch of certificates. The issuer's identity (USCC id, name) and what it may\n"
	"sign (certificate kinds, title series, occupation codes) come from its own entry in\n"
	"the trust list, found by the key's kid; a record outside that scope is refused\n"
	"before anything is signed.\n"
	"\n"
	"Two passes. Pass 1 reads and checks every record: ID number checksum and birth date,\n"
	"dates real and not in the future, series/level/titleName consistent, skill level and\n"
	"levelName consistent, occupation code and certificate number forms, the key's scope,\n"
	"a number given twice, a number the register holds for another record. If any record\n"
	"fails, nothing is written (unless --skip-invalid). Pass 2 signs: the register reserves\n"
	"a status index, the certificate is built, signed and verified with the public key,\n"
	"the QR code rendered, the files written atomically, and the register commits.\n"
	"\n"
	"Output per certificate:\n"
	"  DIR/<number>.json  the signed certificate (JCS form; its SM3 is the register's\n"
	"                     doc_hash)\n"
	"  DIR/<number>.png   the QR code (error correction M, quiet zone 4 modules, 6 px per\n"
	"                     module at 300 dpi)\n"
	"  DIR/<number>.svg   the same QR code as a vector image\n"
	"A certificate carries only the masked ID number (first 6, last 4) and the salted\n"
	"idDigest, never the full number.\n"
	"\n"
	"Options:\n"
	"  --key FILE              the issuer's private key (encrypted PKCS#8, mode 0600)\n"
	"  --trust FILE            the trust list (from ecert-keys trust)\n"
	"  --root FILE             the province root public key: verify the trust list's\n"
	"                          signature with it first\n"
	"  --in FILE               the records: CSV, JSON (one record or an array) or NDJSON;\n"
	"                          - reads standard input\n"
	"  --out DIR               the output directory (created if missing)\n"
	"  --qr LIST               png,svg (default), png, svg or none\n"
	"  --qr-module-px N        PNG pixels per module, 6..40 (default 6: 0.5 mm at 300 dpi)\n"
	"  --register FILE         the register (SQLite); default: ecert-register.db in the\n"
	"                          directory that holds DIR\n"
	"  --jobs N                signing threads (default: all CPU cores)\n"
	"  --encoding ENC          auto (default), utf-8 or gb18030\n"
	"  --format FMT            auto (default: by extension and content), csv, json, ndjson\n"
	"  --skip-invalid FILE     skip bad records, write them with the reasons to FILE (CSV),\n"
	"                          issue the rest\n"
	"  --replace-reserved      a number an interrupted run reserved now has a corrected\n"
	"                          record: take the new one\n"	"  --basis FILE            a title earned through the pathway (贯通): the skill\n"
	"                          certificate it rests on (repeatable). Before signing, the\n"
	"                          basis is verified with the trust list, must be the same\n"
	"                          holder (name; idDigest against idNumber), and the pathway\n"
	"                          rule must hold on it with the record's qualifiedOn as the\n"
	"                          claim date (e.g. 技师 + 3 years → 中级); the certificate then\n"
	"                          carries pathway (the rule, the basis's id and SM3 digest).\n"
	"                          The input must hold that one title record\n"
	"  --rules FILE, --table FILE  pathway rules / correspondence table (default: embedded)\n"
	"  --passphrase-file FILE  the key's passphrase (first line); else ECERT_PASSPHRASE\n"
	"  --quiet                 no progress bar\n"
	"  --lang zh|en            language of the messages (default Chinese)\n"
	"  -h, --help              show this help\n"
	"\n"
	"The CSV header names the fields in English or by their Chinese labels, e.g. 类别,\n"
	"证书编号, 姓名, 身份证号, 性别, 工作单位, 系列, 专业, 级别, 资格名称, 取得资格时间,\n"
	"批准文号, 取得方式, 职业编码, 职业名称, 等级, 等级名称, 发证日期, 证书类型, 有效期起,\n"
	"有效期至, 电子证照标识 (see docs/ecert-issuer.md).\n"
	"\n"
	"Running again is idempotent: an unchanged record yields the existing certificate,\n"
	"never a duplicate or a second status index. A run killed at any moment (kill -9)\n"
	"completes when run again, with no duplicate and no gap.\n"
	"\n"
	"Environment:\n"
	"  ECERT_PASSPHRASE        the key's passphrase, when --passphrase-file is not given\n"
	"  ECERT_LANG              en for English messages\n"
	"  TMPDIR                  where standard input is spooled\n"
	"\n"
	"Examples:\n"
	"  ecert-issuer issue --key org.key --trust trust.json --in 2025-06.csv --out certs \\\n"
	"      --passphrase-file org-pass.txt\n"
	"  iconv -f GB18030 -t UTF-8 list.csv | ecert-issuer issue --key org.key \\\n"
	"      --trust trust.json --in - --out certs --qr png --jobs 4\n"
	"  ecert-issuer issue --key org.key --trust trust.json --in batch.ndjson --out certs \\\n"
	"      --skip-invalid rejects.csv\n"
	"\n"
	"Exit status:\n"
	"  0  all issued (or issued before); with --skip-invalid the bad records are in the\n"
	"     rejects file\n"
	"  1  a record invalid or out of scope (nothing issued), the key refused (wrong\n"
	"     passphrase, file readable by others, retired or compromised, not in the trust\n"
	"     list), an error while issuing\n"
	"  2  usage error, or an input (records, trust list, key file) that cannot be read\n";

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- pass 1 ---- */

struct pass1 {
	const struct issue_opts *o;
	struct issuer_signer *s;
	struct issue_scratch *sc;
	struct ecert_register *reg; /* NULL when there is no register yet */
	int64_t now;
	unsigned long ordinal, valid, rejected, shown;
};

static const char *str(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* A refused item: report it (the first few in full), remember it for pass 2 and the
 * rejects file. err->where is the field; `id` the record's idNumber (masked everywhere). */
static int reject(struct pass1 *p, unsigned long line, const char *number, const char *id,
                  struct ecert_error *e)
{
	char where[ECERT_ERR_WHERE_MAX + 64], reason[ECERT_ERR_MSG_MAX + 128];
	struct ecert_error err;
	const char *field = e->where;

	if (strncmp(field, CREDENTIAL_SUBJECT, strlen(CREDENTIAL_SUBJECT)) == 0)
		field += strlen(CREDENTIAL_SUBJECT);
	else if (strcmp(field, "type") == 0)
		field = "kind";
	snprintf(reason, sizeof(reason), "%s: %s", issuer_code_text(e->code),
	         e->msg[0] ? e->msg : ecert_strerror(e->code));
	issuer_redact(reason, id);
	if (line)
		snprintf(where, sizeof(where), TR("第 %lu 行%s%s", "line %lu%s%s"), line,
		         field[0] ? TR("，字段 ", ", field ") : "", field);
	else
		snprintf(where, sizeof(where), "%s", field);
	issuer_redact(where, id);
	p->rejected++;
	if (p->shown < ISSUE_ERRORS_SHOWN) {
		issuer_error(where, "%s", reason);
		p->shown++;
	}
	ecert_error_clear(&err);
	if (issue_scratch_reject(p->sc, p->ordinal, line, number, field, reason, &err) !=
	    ECERT_OK) {
		issuer_report("issue", &err);
		return -1;
	}
	return 0;
}

int issue_record_hash(const cJSON *rec, int kind, const struct ecert_register_entry *found,
                      char digest[ECERT_REGISTER_DIGEST_MAX + 1],
                      char hash[ECERT_CERTBUILD_HASH_SIZE], int *same_holder,
                      struct ecert_error *err)
{
	const char *id = str(rec, "idNumber");
	char fresh[ECERT_ID_DIGEST_SIZE];
	int rc;

	*same_holder = 0;
	if (found && ecert_idnum_digest_match(found->holder_digest, id, NULL) == ECERT_OK) {
		*same_holder = 1;
		snprintf(digest, ECERT_REGISTER_DIGEST_MAX + 1, "%s", found->holder_digest);
	} else {
		rc = ecert_idnum_digest_random(id, fresh, err);
		if (rc != ECERT_OK)
			return rc;
		snprintf(digest, ECERT_REGISTER_DIGEST_MAX + 1, "%s", fresh);
	}
	return ecert_certbuild_record_hash(rec, kind, digest, hash, err);
}

/* What the register says about this number: nothing (new), or the same record (already
 * issued or to resume), or a conflict that reserve would refuse. */
static int register_check(struct pass1 *p, const cJSON *rec, int kind, struct ecert_error *err)
{
	struct ecert_register_entry e;
	char digest[ECERT_REGISTER_DIGEST_MAX + 1], hash[ECERT_CERTBUILD_HASH_SIZE];
	int found = 0, same_holder, rc;

	if (!p->reg)
		return ECERT_OK;
	rc = ecert_register_lookup(p->reg, str(rec, "certificateNumber"), &e, &found, err);
	if (rc != ECERT_OK || !found)
		return rc;
	rc = issue_record_hash(rec, kind, &e, digest, hash, &same_holder, err);
	if (rc != ECERT_OK)
		return rc;
	ecert_error_where(err, "certificateNumber");
	if (e.state == ECERT_REGISTER_ISSUED) {
		if (!same_holder)
			return ecert_fail(err, ECERT_ERR_EXISTS, "%s",
			                  TR("该证书编号已为另一持证人签发；编号不能重复使用",
			                     "this number was issued to another holder; a number "
			                     "is never reused"));
		if (strcmp(hash, e.record_hash) != 0)
			return ecert_fail(
			    err, ECERT_ERR_EXISTS, "%s",
			    TR("该证书编号已按另一内容签发（%s）；记录有变更须使用新编号"
			       "或先撤销原证书",
			       "this number was issued from a different record; a "
			       "changed record needs a new number"));
		return ECERT_OK; /* already issued: pass 2 keeps it */
	}
	if (strcmp(e.kid, p->s->kid) != 0)
		return ecert_fail(err, ECERT_ERR_EXISTS,
		                  TR("该编号已被另一密钥 %s 的中断签发预留，请用该密钥完成",
		                     "this number was reserved by an interrupted run under key %s; "
		                     "finish it with that key"),
		                  e.kid);
	if ((!same_holder || strcmp(hash, e.record_hash) != 0) && !p->o->replace_reserved)
		return ecert_fail(err, ECERT_ERR_EXISTS, "%s",
		                  TR("该编号被中断的签发为另一内容预留；确认更正后加 "
		                     "--replace-reserved 重新签发",
		                     "this number was reserved by an interrupted run for a "
		                     "different record; if the record was corrected, run with "
		                     "--replace-reserved"));
	return ECERT_OK;
}

static int check_record(struct pass1 *p, cJSON *rec, unsigned long line,
			struct ecert_error *err)
{
	struct ecert_record_info info;
	const char *number = str(rec, "certificateNumber"), *kind;
	unsigned long first = 0;
	int rc, dup;

	if (p->o->basis && p->ordinal > 1) {
		ecert_error_where(err, "pathway");
		return ecert_fail(err, ECERT_ERR_ARG, "%s",
				  TR("--basis 是一份职称证书的依据：请单独签发该记录",
				     "--basis is the basis of one title certificate: issue that "
				     "record on its own"));
	}
	rc = issue_basis_apply(p->o->basis, rec, p->s->only_kind, 1, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_record_validate(NULL, NULL, rec, p->s->only_kind, &info, err);
	if (rc != ECERT_OK)
		return rc;
	kind = ecert_record_kind_name(info.kind);
	rc = ecert_trustlist_check(p->s->tl, p->s->issuer_id, p->s->kid, p->s->suite, kind,
	                           info.kind == ECERT_RECORD_TITLE ? str(rec, "series") : NULL,
	                           info.kind == ECERT_RECORD_SKILL ? str(rec, "occupationCode")
	                                                           : NULL,
	                           p->now, p->now, err);
	if (rc != ECERT_OK)
		return rc;
	dup = issue_scratch_seen(p->sc, number, line, &first, err);
	if (dup < 0)
		return err->code;
	if (dup) {
		ecert_error_where(err, "certificateNumber");
		return ecert_fail(err, ECERT_ERR_EXISTS,
		                  TR("证书编号 %s 在本批中重复（第 %lu 行已出现）",
		                     "certificate number %s given twice (also on line %lu)"),
		                  number, first);
	}
	return register_check(p, rec, info.kind, err);
}

/* Pass 1. ISSUER_EXIT_OK with p->valid / p->rejected counted, or an exit status. */
static int pass1(struct pass1 *p)
{
	struct ecert_records *r = NULL;
	struct ecert_error err;
	unsigned long line;
	cJSON *rec;
	int rc, status = ISSUER_EXIT_FAIL;

	ecert_error_clear(&err);
	rc = ecert_records_open(p->o->in_path, p->o->format, p->o->encoding, &r, &err);
	if (rc != ECERT_OK) {
		if (strcmp(p->o->in, "-") == 0)
			ecert_error_prefix(&err, "<stdin>");
		issuer_report("issue", &err);
		return ISSUER_EXIT_USAGE;
	}
	for (;;) {
		rec = NULL;
		ecert_error_clear(&err);
		rc = ecert_records_next(r, &rec, &line, &err);
		if (rc != ECERT_OK) {
			if (ecert_records_fatal(r)) {
				issuer_report(p->o->in, &err);
				status = ISSUER_EXIT_USAGE;
				goto out;
			}
			/* one bad item (a CSV row, an NDJSON line): refuse it and go on */
			p->ordinal++;
			if (reject(p, 0, NULL, NULL, &err) != 0)
				goto out;
			continue;
		}
		if (!rec)
			break;
		p->ordinal++;
		ecert_error_clear(&err);
		rc = check_record(p, rec, line, &err);
		if (rc == ECERT_ERR_DB || rc == ECERT_ERR_NOMEM) {
			issuer_report("issue", &err);
			cJSON_Delete(rec);
			goto out;
		}
		if (rc != ECERT_OK) {
			if (reject(p, line, str(rec, "certificateNumber"), str(rec, "idNumber"),
			           &err) != 0) {
				cJSON_Delete(rec);
				goto out;
			}
		} else {
			p->valid++;
		}
		cJSON_Delete(rec);
	}
	status = ISSUER_EXIT_OK;
out:
	ecert_records_close(r);
	return status;
}

/* ---- input, output, register paths ---- */

/* Copy standard input to an unlinked temp file and read it back through /proc, so that
 * both passes see the same bytes. The fd stays open for the life of the process. */
static int spool_stdin(char *path, size_t size, struct ecert_error *err)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[ISSUE_PATH_MAX], buf[SPOOL_CHUNK];
	ssize_t n, w;
	int fd;

	snprintf(tmpl, sizeof(tmpl), "%s/ecert-issuer-stdin.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(tmpl);
	if (fd < 0) {
		ecert_error_where(err, "%s", tmpl);
		return ecert_fail(err, ECERT_ERR_IO, "cannot create a temp file: %s",
		                  strerror(errno));
	}
	unlink(tmpl);
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ecert_error_where(err, "<stdin>");
			close(fd);
			return ecert_fail(err, ECERT_ERR_IO, "read failed: %s", strerror(errno));
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n; off += w) {
			w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w < 0) {
				ecert_error_where(err, "%s", tmpl);
				close(fd);
				return ecert_fail(err, ECERT_ERR_IO, "cannot spool stdin: %s",
				                  strerror(errno));
			}
		}
	}
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return ECERT_OK;
}

/* DIR exists as a directory (created with its parents if missing, as mkdir -p). */
static int make_out_dir(const char *dir, struct ecert_error *err)
{
	char path[ISSUE_PATH_MAX];
	struct stat st;
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		ecert_error_where(err, "%s", dir);
		return ecert_fail(err, ECERT_ERR_ARG, "bad directory name");
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, ISSUE_DIR_MODE) != 0 && errno != EEXIST) {
			ecert_error_where(err, "%s", path);
			return ecert_fail(err, ECERT_ERR_IO, "cannot create the directory: %s",
			                  strerror(errno));
		}
		*p = '/';
	}
	if (mkdir(path, ISSUE_DIR_MODE) != 0 && errno != EEXIST) {
		ecert_error_where(err, "%s", dir);
		return ecert_fail(err, ECERT_ERR_IO, "cannot create the directory: %s",
		                  strerror(errno));
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ecert_error_where(err, "%s", dir);
		return ecert_fail(err, ECERT_ERR_IO, "not a directory");
	}
	return ECERT_OK;
}

/* The default register: ecert-register.db in the directory that holds DIR, so that the
 * batches of one issuer written to sibling directories share one register (status
 * indexes must not be handed out twice). */
static void default_register(const char *out, char *path, size_t size)
{
	char copy[ISSUE_PATH_MAX];
	size_t n;

	snprintf(copy, sizeof(copy), "%s", out);
	for (n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	snprintf(path, size, "%s/%s", dirname(copy), ECERT_REGISTER_DEFAULT_NAME);
}

static int parse_qr(const char *s, unsigned *flags)
{
	char copy[64];
	char *tok, *save = NULL;

	if (snprintf(copy, sizeof(copy), "%s", s) >= (int)sizeof(copy))
		return -1;
	*flags = 0;
	if (strcmp(copy, "none") == 0)
		return 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "png") == 0)
			*flags |= ECERT_CERTBUILD_PNG;
		else if (strcmp(tok, "svg") == 0)
			*flags |= ECERT_CERTBUILD_SVG;
		else
			return -1;
	}
	return *flags ? 0 : -1;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The last line of a run; `failed`: the run did not complete (some certificate could not
 * be issued, or the batch stopped, e.g. the register could not be written). */
static void summary(const struct issue_summary *sum, int failed, double elapsed)
{
	double rate = elapsed > 0 ? (double)sum->issued / elapsed : 0;

	if (issuer_english)
		printf("issued %lu, already issued %lu, skipped %lu%s, elapsed %.1f s, "
		       "%.1f certificates/s\n",
		       sum->issued, sum->already, sum->skipped, failed ? ", FAILED" : "",
		       elapsed, rate);
	else
		printf("签发 %lu 张，早已签发 %lu 张，跳过 %lu 条%s，用时 %.1f 秒，%.1f 张/秒\n",
		       sum->issued, sum->already, sum->skipped, failed ? "，有失败" : "",
		       elapsed, rate);
	fflush(stdout);
}

int issuer_cmd_issue(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, OPT_KEY},
		{"trust", required_argument, NULL, OPT_TRUST},
		{"root", required_argument, NULL, OPT_ROOT},
		{"in", required_argument, NULL, OPT_IN},
		{"out", required_argument, NULL, OPT_OUT},
		{"qr", required_argument, NULL, OPT_QR},
		{"qr-module-px", required_argument, NULL, OPT_QR_PX},
		{"register", required_argument, NULL, OPT_REGISTER},
		{"jobs", required_argument, NULL, OPT_JOBS},
		{"encoding", required_argument, NULL, OPT_ENCODING},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"skip-invalid", required_argument, NULL, OPT_SKIP_INVALID},
		{"passphrase-file", required_argument, NULL, OPT_PASSFILE},
		{"passphrase", optional_argument, NULL, ISSUER_OPT_PASSPHRASE},
		{"replace-reserved", no_argument, NULL, OPT_REPLACE},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"lang", required_argument, NULL, ISSUER_OPT_LANG},
		{"help", no_argument, NULL, OPT_HELP},
		{"basis", required_argument, NULL, OPT_BASIS},
		{"rules", required_argument, NULL, OPT_RULES},
		{"table", required_argument, NULL, OPT_TABLE},
		{NULL, 0, NULL, 0},
	};
	const char *cmd = "issue";
	struct issue_basis basis;
	char reg_path[ISSUE_PATH_MAX], spool[ISSUE_PATH_MAX];
	struct issue_opts o;
	struct issuer_signer s;
	struct issue_summary sum;
	struct issue_scratch *sc = NULL;
	struct ecert_error err;
	struct pass1 p;
	long v, cores;
	int c, quiet = 0, status = ISSUER_EXIT_FAIL, rc;
	int64_t t0;
	double start, elapsed;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	memset(&sum, 0, sizeof(sum));
	memset(&p, 0, sizeof(p));
	memset(&basis, 0, sizeof(basis));
	ecert_error_clear(&err);
	o.qr_flags = ECERT_CERTBUILD_PNG | ECERT_CERTBUILD_SVG;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = cores < 1 ? 1 : cores > ISSUE_JOBS_MAX ? ISSUE_JOBS_MAX : (int)cores;
	while ((c = issuer_next_opt(cmd, argc, argv, opts)) != -1) {
		switch (c) {
		case OPT_KEY:
			o.signer.key_path = optarg;
			break;
		case OPT_TRUST:
			o.signer.trust_path = optarg;
			break;
		case OPT_ROOT:
			o.signer.root_path = optarg;
			break;
		case OPT_IN:
			o.in = optarg;
			break;
		case OPT_OUT:
			o.out = optarg;
			break;
		case OPT_QR:
			if (parse_qr(optarg, &o.qr_flags) != 0)
				return issuer_usage(cmd,
				                    TR("--qr 应为 png,svg、png、svg 或 none",
				                       "--qr: expected png,svg, png, svg or none"));
			break;
		case OPT_QR_PX:
			if (parse_int(optarg, ECERT_QR_MODULE_PX_MIN, ECERT_QR_MODULE_PX_MAX, &v) !=
			    0)
				return issuer_usage(cmd,
				                    TR("--qr-module-px 应为 %d..%d",
				                       "--qr-module-px: expected %d..%d"),
				                    ECERT_QR_MODULE_PX_MIN, ECERT_QR_MODULE_PX_MAX);
			o.qr.module_px = (unsigned)v;
			break;
		case OPT_REGISTER:
			o.reg_path = optarg;
			break;
		case OPT_JOBS:
			if (parse_int(optarg, 1, ISSUE_JOBS_MAX, &v) != 0)
				return issuer_usage(
				    cmd, TR("--jobs 应为 1..%d", "--jobs: expected 1..%d"),
				    ISSUE_JOBS_MAX);
			o.jobs = (int)v;
			break;
		case OPT_ENCODING:
			if (ecert_records_encoding_parse(optarg, &o.encoding, &err) != ECERT_OK)
				return issuer_usage(cmd,
				                    TR("--encoding 应为 auto、utf-8 或 gb18030",
				                       "--encoding: expected auto, utf-8 or "
				                       "gb18030"));
			break;
		case OPT_FORMAT:
			if (ecert_records_format_parse(optarg, &o.format, &err) != ECERT_OK)
				return issuer_usage(cmd,
				                    TR("--format 应为 auto、csv、json 或 ndjson",
				                       "--format: expected auto, csv, json or "
				                       "ndjson"));
			break;
		case OPT_SKIP_INVALID:
			o.skip_invalid = optarg;
			break;
		case OPT_PASSFILE:
			o.signer.passphrase_file = optarg;
			break;
		case OPT_REPLACE:
			o.replace_reserved = 1;
			break;
		case OPT_QUIET:
			quiet = 1;
			break;
		case OPT_BASIS:
			if (basis.n >= ECERT_PATHWAY_BASIS_MAX)
				return issuer_usage(cmd, TR("--basis 最多 %d 个", "at most %d --basis"),
						    ECERT_PATHWAY_BASIS_MAX);
			basis.paths[basis.n++] = optarg;
			break;
		case OPT_RULES:
			basis.src.rules_path = optarg;
			break;
		case OPT_TABLE:
			basis.src.table_path = optarg;
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
	if (!o.signer.key_path || !o.signer.trust_path || !o.in || !o.out)
		return issuer_usage(cmd, "%s",
		                    TR("必须给出 --key、--trust、--in 和 --out",
		                       "--key, --trust, --in and --out are required"));
	o.progress = !quiet && isatty(STDERR_FILENO);
	if (!o.reg_path) {
		default_register(o.out, reg_path, sizeof(reg_path));
		o.reg_path = reg_path;
	}
	o.in_path = o.in;
	if (strcmp(o.in, "-") == 0) {
		if (spool_stdin(spool, sizeof(spool), &err) != ECERT_OK)
			return issuer_fail(cmd, &err);
		o.in_path = spool;
	}
	start = mono_now();
	t0 = ecert_time_now();
	rc = issuer_signer_open(&o.signer, t0, &s, &err);
	if (rc != ECERT_OK)
		return issuer_fail(cmd, &err);
	if (basis.n) {
		if (issue_basis_open(&basis, &s, t0, &err) != ECERT_OK) {
			status = issuer_fail(cmd, &err);
			goto out;
		}
		o.basis = &basis;
	}
	if (issue_scratch_open(&sc, &err) != ECERT_OK) {
		status = issuer_fail(cmd, &err);
		goto out;
	}

	/* pass 1: check everything, write nothing (not even a new register) */
	p.o = &o;
	p.s = &s;
	p.sc = sc;
	p.now = t0;
	rc = ecert_register_open(o.reg_path, 0, &p.reg, &err);
	if (rc == ECERT_ERR_IO && access(o.reg_path, F_OK) != 0) {
		p.reg = NULL; /* no register yet: every number is new */
	} else if (rc != ECERT_OK) {
		status = issuer_fail(cmd, &err);
		goto out;
	}
	status = pass1(&p);
	ecert_register_close(p.reg);
	p.reg = NULL;
	if (status != ISSUER_EXIT_OK)
		goto out;
	if (p.rejected > ISSUE_ERRORS_SHOWN)
		issuer_error(cmd,
		             TR("另有 %lu 条记录不合格（未逐条列出）",
		                "%lu more records are invalid (not listed)"),
		             p.rejected - ISSUE_ERRORS_SHOWN);
	sum.skipped = p.rejected;
	if (p.rejected && !o.skip_invalid) {
		issuer_error(cmd,
		             TR("%lu 条记录（共 %lu 条）不合格：未签发任何证书，未写入任何文件",
		                "%lu of %lu records are invalid: nothing was issued or written"),
		             p.rejected, p.ordinal);
		status = ISSUER_EXIT_FAIL;
		goto out;
	}
	if (o.skip_invalid) {
		if (issue_scratch_write_rejects(sc, o.skip_invalid, &err) != ECERT_OK) {
			status = issuer_fail(cmd, &err);
			goto out;
		}
		if (p.rejected)
			issuer_warn(cmd,
			            TR("跳过 %lu 条不合格记录，已写入 %s",
			               "skipped %lu invalid records, listed in %s"),
			            p.rejected, o.skip_invalid);
	}
	if (make_out_dir(o.out, &err) != ECERT_OK) {
		status = issuer_fail(cmd, &err);
		goto out;
	}
	/* pass 2 */
	status = issue_batch_run(&o, &s, sc, p.valid, &sum);
	elapsed = mono_now() - start;
	summary(&sum, status != ISSUER_EXIT_OK || sum.failed, elapsed);
out:
	issue_scratch_close(sc);
	issue_basis_close(&basis);
	issuer_signer_close(&s);
	return status;
}
