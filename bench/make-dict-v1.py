#!/usr/bin/env python3
"""Build schemas/qr/dict-v1, the preset zlib dictionary of the "EC1:" QR payload.

FROZEN: dict-v1 was released with the EC1: prefix. Changing one byte breaks every QR code
already printed; a new dictionary needs a new prefix (EC2:) and this script copied to
make-dict-v2.py. Kept to show how the bytes were made (see schemas/qr/README.md).

deflate reaches back at most 32 KiB and codes short distances in fewer bits, so the
dictionary is ordered from rare (start) to common (end):
  1. vocabulary: optional fields, title series and title names, skill levels, occupations,
     specialties, issuer name parts, approval document forms, frequent name characters;
  2. a skill certificate skeleton in JCS form (keys sorted, no whitespace);
  3. a title certificate skeleton in JCS form, whose tail (issuer, proof, type, validFrom)
     serves both kinds.
Variable parts (names, numbers, digests, signatures, dates) are left out, so a document
is a few long matches with its own values as literals in between.

usage: bench/make-dict-v1.py > schemas/qr/dict-v1
"""
import sys

CTX = '{"@context":["https://www.w3.org/ns/credentials/v2"],'
STATUS = ('"credentialStatus":{"statusListCredential":"urn:ecert:status:', '","statusListIndex":"',
          '","statusPurpose":"revocation","type":"BitstringStatusListEntry"},"credentialSubject":{')
TAIL = ('"},"id":"urn:ecert:', '","issuer":{"id":"urn:uscc:', '","name":"',
        '"},"proof":{"@context":["https://www.w3.org/ns/credentials/v2"],"created":"20', 'T',
        '+08:00","cryptosuite":"sm2-jcs-2025","proofPurpose":"assertionMethod","proofValue":"z',
        '","type":"DataIntegrityProof","verificationMethod":"urn:uscc:', '#',
        '"},"type":["VerifiableCredential","')

VOCAB = [
    # optional fields and the other suites (rare)
    '"licenseId":"1.2.156.3005.2.', '","validUntil":"20', '","gender":"男","employer":"', '女',
    '"cryptosuite":"eddsa-jcs-2022"', '"cryptosuite":"ecdsa-jcs-2019"', '"verificationMethod":"did:key:z',
    '","pathway":{"basis":[{"digest":"sm3:', '","id":"urn:ecert:', '"}],"rule":"', '"},"qualifiedOn":"20',
    # title series and names (domain/README.md), rarer series first
    "工艺美术员助理工艺美术师高级工艺美术师正高级工艺美术师",
    "文物博物助理馆员副研究馆员研究馆员",
    "实验技术实验员助理实验师高级实验师正高级实验师",
    "艺术四级演员三级演奏员二级编剧一级导演美术师舞台技术",
    "体育三级教练二级教练高级教练国家级教练",
    "技工院校教师助理讲师高级讲师正高级讲师三级实习指导教师二级实习指导教师一级实习指导教师"
    "高级实习指导教师正高级实习指导教师",
    "农业技术员助理农艺师助理畜牧师助理兽医师畜牧师兽医师高级农艺师高级畜牧师高级兽医师"
    "正高级农艺师正高级畜牧师正高级兽医师",
    "工程技术员助理工程师工程师高级工程师正高级工程师",
    "员级助理级中级副高级正高级",
    # skill levels (新八级) and certificate kinds
    "学徒工五级初级工四级中级工三级高级工二级技师一级高级技师特级技师首席技师",
    "职业资格证书",
    # occupations and specialties (trial correspondence table)
    "车工铣工焊工电工钳工装配钳工机修钳工工具钳工模具工铸造工金属热处理工汽车装调工汽车维修工化工总控工",
    "机械工程电气工程电力工程自动化化学工程冶金工程汽车工程建筑工程电子工程农学畜牧",
    # issuers: the province's cities and prefectures, evaluation bodies
    "四平市辽源市通化市白山市松原市白城市延边朝鲜族自治州长春市吉林市人力资源和社会保障局",
    "职业技能鉴定中心职业技能等级认定中心有限公司高级技工学校技师学院",
    "吉人社职字〔2024〕号评审认定考试",
    # the most frequent surnames, then frequent given-name characters
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
    "魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹"
    "黎易常武乔贺赖龚文",
    "英华玉秀明丽文红金兰国春海平建志云芳军燕霞林梅小立强伟杰磊静敏涛超娟艳宇浩鹏飞",
]

SKILL = [CTX, STATUS[0], STATUS[1], STATUS[2],
         '"certificateKind":"职业技能等级证书","certifiedOn":"20', '","idDigest":"sm3:',
         '","idNumberMasked":"220', '********', '","level":"三级","levelName":"高级工', '","name":"',
         '","occupation":"', '","occupationCode":"6-', '"},"id":"urn:ecert:S0000220000',
         TAIL[1], TAIL[2], TAIL[3], TAIL[4], TAIL[5], TAIL[6], TAIL[7], TAIL[8],
         'SkillCertificate"],"validFrom":"20', 'T00:00:00+08:00"}']

PROVINCE = "11220000013544525W"  # 吉林省人力资源和社会保障厅, the usual title approval authority
TITLE = [CTX, STATUS[0] + PROVINCE + ":", STATUS[1], STATUS[2],
         '"approvalDocument":"吉人社职字〔20', '〕', '号","evaluationMethod":"评审","idDigest":"sm3:',
         '","idNumberMasked":"220', '********', '","level":"中级","name":"', '","qualifiedOn":"20',
         '","series":"工程","specialty":"', '","titleName":"工程师', TAIL[0],
         TAIL[1] + PROVINCE + '","name":"吉林省人力资源和社会保障厅', TAIL[3], TAIL[4], TAIL[5],
         TAIL[6] + PROVINCE, TAIL[7], TAIL[8], 'TitleCertificate"],"validFrom":"20',
         'T00:00:00+08:00"}']


def build():
    return "".join(VOCAB + SKILL + TITLE).encode("utf-8")


if __name__ == "__main__":
    sys.stdout.buffer.write(build())
