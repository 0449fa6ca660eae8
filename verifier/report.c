/* ecert-verifier — the text a counter clerk reads: the verdict at a glance, the
 * certificate's fields, and each check in words (Chinese by default, English on request). */
#include <string.h>

#include "ecert/json.h"
#include "verifier.h"

static const char *const check_zh[ECERT_CHECK__COUNT] = {
	"解码", "格式", "签名", "信任列表", "签发范围", "有效期", "吊销状态", "持证人",
};
static const char *const check_en[ECERT_CHECK__COUNT] = {
	"decode", "schema", "signature", "trust", "scope", "validity", "status", "holder",
};

const char *report_check_label(int check, int lang)
{
	if (check < 0 || check >= ECERT_CHECK__COUNT)
		return "?";
	return lang == VLANG_EN ? check_en[check] : check_zh[check];
}

const char *report_error_words(int code, int lang)
{
	static const struct {
		int code;
		const char *zh, *en;
	} words[] = {
		{ECERT_ERR_QR_PREFIX, "不是本系统的证书二维码", "not an ecert QR code"},
		{ECERT_ERR_QR_INFLATE, "二维码内容损坏", "the QR content is damaged"},
		{ECERT_ERR_QR_SIZE, "二维码内容超出允许大小", "the QR content is too large"},
		{ECERT_ERR_QR_TRAILING, "二维码内容后有多余数据", "extra data after the QR content"},
		{ECERT_ERR_QR_IMAGE, "图片中未识别到二维码", "no QR code found in the image"},
		{ECERT_ERR_ENCODING, "编码错误，内容被截断或改动", "bad encoding: truncated or altered"},
		{ECERT_ERR_JSON_DUPKEY, "证书数据含重复字段", "duplicate field in the certificate"},
		{ECERT_ERR_JSON_UTF8, "证书数据含无效字符", "invalid characters in the certificate"},
		{ECERT_ERR_JSON_SURROGATE, "证书数据含无效字符", "invalid characters in the certificate"},
		{ECERT_ERR_JSON_SYNTAX, "证书数据格式错误", "the certificate is not well-formed JSON"},
		{ECERT_ERR_JSON_DEPTH, "证书数据嵌套过深", "the certificate is nested too deeply"},
		{ECERT_ERR_JSON_SIZE, "证书数据过大", "the certificate is too large"},
		{ECERT_ERR_JSON_TRAILING, "证书数据后有多余内容", "extra data after the certificate"},
		{ECERT_ERR_JSON_NUMBER, "证书数据含无效数字", "invalid number in the certificate"},
		{ECERT_ERR_SCHEMA, "证书缺少必需字段或字段类型不符", "a required field is missing or of the wrong type"},
		{ECERT_ERR_SIGNATURE, "签名不符：证书内容被改动，或非该机构签发", "the signature does not match: altered, or not signed by this issuer"},
		{ECERT_ERR_ENCODING, "签名值编码错误", "the signature value is badly encoded"},
		{ECERT_ERR_SUITE, "签名算法与密钥不符", "the signature algorithm does not match the key"},
		{ECERT_ERR_TRUST, "签发密钥不在信任列表中，或与登记信息不符", "the signing key is not in the trust list, or does not match its entry"},
		{ECERT_ERR_SCOPE, "签发机构无权签发此类证书，或签发时密钥已失效", "the issuer may not sign this certificate, or its key was not valid then"},
		{ECERT_ERR_VALIDITY, "证书不在有效期内", "the certificate is not within its validity period"},
		{ECERT_ERR_REVOKED, "证书已被吊销", "the certificate has been revoked"},
		{ECERT_ERR_STATUS, "无法核验吊销状态", "the revocation status could not be checked"},
		{ECERT_ERR_HOLDER, "身份证号与持证人不符", "the ID number does not match the holder"},
		{ECERT_ERR_INVALID, "字段值无效", "a value is invalid"},
		{ECERT_ERR_NOMEM, "内存不足", "out of memory"},
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].code == code)
			return lang == VLANG_EN ? words[i].en : words[i].zh;
	return lang == VLANG_EN ? ecert_strerror(code) : "核验未通过";
}

static void field(FILE *f, const char *label, const char *value)
{
	if (value && value[0])
		fprintf(f, "  %s%s\n", label, value);
}

static void fields(FILE *f, const struct ecert_verify_result *res, int lang)
{
	const cJSON *doc = res->certificate, *s = ecert_json_obj(doc, "credentialSubject");
	const cJSON *issuer = ecert_json_obj(doc, "issuer");
	const char *id = ecert_json_str(doc, "id");
	int en = lang == VLANG_EN;

	if (!doc || !s)
		return;
	if (res->kind && strcmp(res->kind, "title") == 0)
		field(f, en ? "Certificate:      " : "证书类型：", en ? "electronic title certificate (电子职称证书)" : "电子职称证书");
	else if (res->kind)
		field(f, en ? "Certificate:      " : "证书类型：", ecert_json_str(s, "certificateKind"));
	if (id && strncmp(id, "urn:ecert:", 10) == 0)
		id += 10;
	field(f, en ? "Number:           " : "证书编号：", id);
	field(f, en ? "Name:             " : "姓　　名：", ecert_json_str(s, "name"));
	field(f, en ? "ID number:        " : "身份证号：", ecert_json_str(s, "idNumberMasked"));
	field(f, en ? "Series:           " : "系　　列：", ecert_json_str(s, "series"));
	field(f, en ? "Specialty:        " : "专　　业：", ecert_json_str(s, "specialty"));
	if (res->kind && strcmp(res->kind, "title") == 0) {
		field(f, en ? "Level:            " : "级　　别：", ecert_json_str(s, "level"));
		field(f, en ? "Title:            " : "资格名称：", ecert_json_str(s, "titleName"));
		field(f, en ? "Qualified on:     " : "取得时间：", ecert_json_str(s, "qualifiedOn"));
		field(f, en ? "Approval document:" : "批准文号：", ecert_json_str(s, "approvalDocument"));
		field(f, en ? "Method:           " : "取得方式：", ecert_json_str(s, "evaluationMethod"));
	} else {
		field(f, en ? "Occupation code:  " : "职业编码：", ecert_json_str(s, "occupationCode"));
		field(f, en ? "Occupation:       " : "职业名称：", ecert_json_str(s, "occupation"));
		field(f, en ? "Level:            " : "等　　级：", ecert_json_str(s, "level"));
		field(f, en ? "Level name:       " : "等级名称：", ecert_json_str(s, "levelName"));
		field(f, en ? "Certified on:     " : "发证日期：", ecert_json_str(s, "certifiedOn"));
	}
	field(f, en ? "Issuer:           " : "发证机构：", ecert_json_str(issuer, "name"));
	field(f, en ? "Valid from:       " : "有效期起：", ecert_json_str(doc, "validFrom"));
	field(f, en ? "Valid until:      " : "有效期至：", ecert_json_str(doc, "validUntil"));
}

void report_verify_text(FILE *f, const struct ecert_verify_result *res, const char *why,
			int lang)
{
	int en = lang == VLANG_EN, i, first_failed = -1;

	for (i = 0; i < ECERT_CHECK__COUNT; i++)
		if (res->checks[i].state == ECERT_CHECK_FAILED && first_failed < 0)
			first_failed = i;
	if (res->valid)
		fprintf(f, en ? "Result: VALID\n" : "核验结果：有效\n");
	else if (first_failed >= 0)
		fprintf(f, en ? "Result: INVALID (%s: %s)\n" : "核验结果：无效（%s：%s）\n",
			report_check_label(first_failed, lang),
			report_error_words(res->checks[first_failed].code, lang));
	else if (why)
		fprintf(f, en ? "Result: INVALID (%s)\n" : "核验结果：无效（%s）\n", why);
	else
		fprintf(f, en ? "Result: INVALID\n" : "核验结果：无效\n");
	fields(f, res, lang);
	fprintf(f, en ? "Checks:\n" : "核验项目：\n");
	for (i = 0; i < ECERT_CHECK__COUNT; i++) {
		const struct ecert_check *c = &res->checks[i];
		const char *mark = c->state == ECERT_CHECK_PASSED   ? (en ? "[pass]" : "[通过]")
				   : c->state == ECERT_CHECK_FAILED ? (en ? "[FAIL]" : "[失败]")
								    : (en ? "[ -- ]" : "[未核]");

		fprintf(f, "  %s %s", mark, report_check_label(i, lang));
		if (c->state == ECERT_CHECK_FAILED)
			fprintf(f, en ? ": %s (%s)" : "：%s（%s）", report_error_words(c->code, lang),
				c->detail);
		else if (i == ECERT_CHECK_STATUS && c->state == ECERT_CHECK_NOT_RUN &&
			 res->checks[ECERT_CHECK_VALIDITY].state == ECERT_CHECK_PASSED)
			fprintf(f, en ? ": revocation NOT checked (no status list given)"
				      : "：未核验是否吊销（未提供状态列表）");
		else if (!en && c->detail_zh[0])
			fprintf(f, "：%s", c->detail_zh);
		else if (c->detail[0])
			fprintf(f, en ? ": %s" : "：%s", c->detail);
		fputc('\n', f);
	}
}
