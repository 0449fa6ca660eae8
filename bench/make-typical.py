#!/usr/bin/env python3
"""Write the QR size fixtures of tests/data/typical/ (see its README.md).

Realistic certificates with every field of DESIGN §2, Chinese values, a credentialStatus and
an sm2-jcs-2025 proof. The random parts are random bytes (os.urandom) in the encodings the
issuer would use, so the fixtures compress as real certificates do: proofValue is 'z' +
base58btc(64 bytes), idDigest is sm3:base64url(16):hex(32 bytes), kids are base64url(8 bytes).
The proofs are NOT signatures: these files are for size measurements only.

usage: bench/make-typical.py tests/data/typical
"""
import base64
import json
import os
import sys

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def b58(data):
    n = int.from_bytes(data, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + s


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uscc(first17):  # GB 32100 check character
    s = sum(USCC_ALPHA.index(c) * w for c, w in zip(first17, USCC_W))
    return first17 + USCC_ALPHA[(31 - s % 31) % 31]


def masked_id(first17):  # GB 11643 check digit, then 6 + 8 '*' + 4
    s = sum(int(c) * w for c, w in zip(first17, ID_W))
    full = first17 + "10X98765432"[s % 11]
    return full[:6] + "*" * 8 + full[-4:]


def id_digest():
    return "sm3:" + b64url(os.urandom(16)) + ":" + os.urandom(32).hex()


def kid():
    return b64url(os.urandom(8))


def proof(issuer_id, created):
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "sm2-jcs-2025",
        "created": created,
        "verificationMethod": issuer_id + "#" + kid(),
        "proofPurpose": "assertionMethod",
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "proofValue": "z" + b58(os.urandom(64)),
    }


def cert(kind, number, issuer, valid_from, created, subject, index, list_no):
    issuer_id = "urn:uscc:" + issuer[0]
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:ecert:" + number,
        "type": ["VerifiableCredential", kind],
        "issuer": {"id": issuer_id, "name": issuer[1]},
        "validFrom": valid_from,
        "credentialSubject": subject,
        "credentialStatus": {
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": "urn:ecert:status:%s:%d" % (issuer[0], list_no),
        },
        "proof": proof(issuer_id, created),
    }


def title(name, idp, series, specialty, level, title_name, on, doc, method, pathway=None):
    s = {
        "name": name,
        "idNumberMasked": masked_id(idp),
        "idDigest": id_digest(),
        "series": series,
        "specialty": specialty,
        "level": level,
        "titleName": title_name,
        "qualifiedOn": on,
        "approvalDocument": doc,
        "evaluationMethod": method,
    }
    if pathway:
        s["pathway"] = pathway
    return s


def skill(name, idp, code, occupation, level, level_name, on, kind):
    return {
        "name": name,
        "idNumberMasked": masked_id(idp),
        "idDigest": id_digest(),
        "occupationCode": code,
        "occupation": occupation,
        "level": level,
        "levelName": level_name,
        "certifiedOn": on,
        "certificateKind": kind,
    }


def main(outdir):
    prov = (uscc("11220000013544525"), "吉林省人力资源和社会保障厅")
    cc = (uscc("11220100013544713"), "长春市人力资源和社会保障局")
    jl = (uscc("11220200013599182"), "吉林市人力资源和社会保障局")
    auto = (uscc("52220000MJ0927731"), "吉林省汽车工业职业技能等级认定中心")
    school = (uscc("12220100412756803"), "长春市机械工业高级技工学校")
    weld = (uscc("91220101MA17K3QX5"), "长春中车轨道车辆焊接培训评价有限公司")
    certs = {
        "title-engineering.json": cert(
            "TitleCertificate", "JL-T-2024-001587", prov,
            "2024-12-26T00:00:00+08:00", "2024-12-26T09:41:07+08:00",
            title("王淑芬", "22010219780315462", "工程", "机械工程", "副高级", "高级工程师",
                  "2024-12-20", "吉人社职字〔2024〕112号", "评审"), 1587, 1),
        "title-agriculture.json": cert(
            "TitleCertificate", "CC-ZC-2023-0436", cc,
            "2023-11-08T00:00:00+08:00", "2023-11-08T14:02:55+08:00",
            title("刘志强", "22018319860709301", "农业", "农学", "中级", "农艺师",
                  "2023-10-30", "长人社职字〔2023〕36号", "评审"), 436, 1),
        "title-electrical.json": cert(
            "TitleCertificate", "JLS-2025-ZC-00219", jl,
            "2025-03-18T00:00:00+08:00", "2025-03-18T10:27:13+08:00",
            title("赵晓燕", "22020419950122084", "工程", "电气工程", "助理级", "助理工程师",
                  "2025-03-10", "吉市人社职字〔2025〕7号", "认定"), 219, 1),
        "title-pathway.json": cert(
            "TitleCertificate", "JL-T-2025-000342", prov,
            "2025-06-30T00:00:00+08:00", "2025-06-30T16:45:21+08:00",
            title("孙立军", "22010419820517251", "技工院校教师", "机械加工", "中级",
                  "一级实习指导教师", "2025-06-25", "吉人社职字〔2025〕58号", "评审",
                  {"rule": "s2t-years",
                   "basis": [{"id": "urn:ecert:S000022000001202000017",
                              "digest": "sm3:" + os.urandom(32).hex()}]}), 342, 2),
        "skill-lathe.json": cert(
            "SkillCertificate", "S000022000001193000001", auto,
            "2019-06-15T00:00:00+08:00", "2024-05-20T11:03:48+08:00",
            skill("王建国", "22010219850312123", "6-18-01-01", "车工", "三级", "高级工",
                  "2019-06-15", "职业技能等级证书"), 1, 1),
        "skill-auto-repair.json": cert(
            "SkillCertificate", "Y000122000003242000058", school,
            "2024-09-06T00:00:00+08:00", "2024-09-06T15:20:09+08:00",
            skill("陈海涛", "22018219900828563", "4-12-01-01", "汽车维修工", "二级", "技师",
                  "2024-08-30", "职业技能等级证书"), 58, 1),
        "skill-welder.json": cert(
            "SkillCertificate", "S000022000004251000003", weld,
            "2025-01-10T00:00:00+08:00", "2025-01-10T08:55:40+08:00",
            skill("李春梅", "22010519780903276", "6-18-02-04", "焊工", "一级", "高级技师",
                  "2025-01-06", "职业技能等级证书"), 3, 1),
    }
    for name, c in certs.items():
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
            json.dump(c, f, ensure_ascii=False, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/typical")
