#!/usr/bin/env python3
"""Replay tests/data/rules-cases.json end to end with signed evidence (tests/e2e/claims.sh).

Python 3 standard library only. Three steps, each run by claims.sh around the real programs:

  records CASES WORK   issuance records for every evidence certificate of every case, one
                       file per signing key (records-<key>.json), the records the issuer must
                       refuse (records-refused.json), the revocations to make (revoke.txt)
                       and the plan (plan.json)
  claims WORK          after `ecert-issuer issue`: one claim per case (claims/NNN.json) with
                       the signed certificates, tampered where the case says the signature
                       does not verify
  number WORK NAME     the certificate number of a case's first evidence (for the
                       --basis tests of claims.sh)
  check WORK -- VERIFIER-CLAIM-COMMAND…
                       runs the command (`ecert-verifier claim --root … --trust …`) on every
                       claim with --json, adding the status lists unless the case says
                       revocation was not checked, and compares verdict, exit status,
                       deciding evidence, the named findings, superseded findings, clauses,
                       and which check failed for each evidence certificate

How a case's evidence facts become real certificates (each case gets its own certificates,
so revoking one touches no other case):

  default                    issued by the title or skill key to the applicant
  verified false, signature  issued, then one byte of the signed JSON changed (a year digit
                             of validFrom: the document stays well-formed, the proof breaks)
  verified false, trust      signed by the "rogue" key: in the issuer's own trust list, not
                             in the one the verifier trusts
  inScope false              signed by the "narrow" key: the issuer's copy of its entry
                             allowed it, the verifier's list allows only occupations 4-…
  holder false               issued to another person (another name and ID number)
  revocation revoked         issued, then `ecert-issuer revoke` and a new status list
  revocation unchecked       the claim is checked without status lists
  level/levelName disagree,  no issuer signs it: `ecert-issuer issue` must refuse the
  a 工种 occupation code     record, naming the field (refused.txt); the case is counted as
                             checked by that refusal
"""
import json
import os
import re
import subprocess
import sys

# GB 11643-1999 check digit.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def id_number(first17):
    assert len(first17) == 17 and first17.isdigit()
    return first17 + id_check(first17)


# Someone else: a different person (name and ID) for the "not the applicant's" cases.
OTHER = {"name": "李建华", "idNumber": id_number("22010419900101123")}

SKILL_FIELDS = ("occupationCode", "occupation", "level", "levelName", "certifiedOn")
TITLE_FIELDS = ("series", "specialty", "level", "titleName", "qualifiedOn")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")


def merge(base, over):
    """Members of over replace those of base; a null member removes one."""
    for k, v in over.items():
        base.pop(k, None)
        if v is not None:
            base[k] = v


def skill_levels(src):
    rows = load_json(os.path.join(src, "schemas/data/skill-levels.json"))["levels"]
    return {r["level"]: r for r in rows}


def skill_number(levels, case_no, ev_no, ev):
    """A 职业技能等级证书 number of the form 人社鉴发〔2019〕2号 gives (docs: domain tables):
    Y|S + 4-digit body + 22 (吉林) + 6-digit site + 2-digit year + level digit + serial;
    特级技师 / 首席技师: 2 capital letters + 20 digits."""
    row = levels.get(ev["level"])
    year = ev["certifiedOn"][2:4]
    if row is None or "numberLevelDigit" not in row:
        return "TJ%04d22%06d%s%06d" % (0, case_no, year, ev_no + 1)
    return "S000022%06d%s%s%06d" % (case_no, year, row["numberLevelDigit"], ev_no + 1)


def title_number(case_no, ev_no):
    return "JL-T-%03d-%02d" % (case_no, ev_no + 1)


OCCUPATION_CODE = re.compile(r"^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$")


def unissuable(levels, ev):
    """The field for which `ecert-issuer issue` must refuse this evidence, or None: a skill
    level whose levelName is another level's, or an occupation code that is not
    N-NN-NN-NN (a 工种 code: certificates name the occupation, claims may name a 工种)."""
    if ev["kind"] != "skill":
        return None
    row = levels.get(ev.get("level"))
    if row is None or row["levelName"] != ev.get("levelName"):
        return "levelName"
    if not OCCUPATION_CODE.match(ev["occupationCode"]):
        return "occupationCode"
    return None


def key_for(ev):
    """Which key signs this evidence, and which check the verifier must fail (or None)."""
    verified = ev.get("verified", True)
    failed = ev.get("failedCheck")
    if not verified and failed == "trust":
        return "rogue", "trust"
    if not verified and failed == "status" and ev.get("revocation") == "revoked":
        return ev["kind"], "status"
    if not verified and failed not in ("signature",):
        raise SystemExit("claims-cases: no way to make evidence failing '%s'" % failed)
    if ev.get("inScope", True) is False:
        return "narrow", "scope"
    base = ev["kind"]
    if not verified:
        return base, "signature"
    if ev.get("holder", True) is False:
        return base, "holder"
    if ev.get("revocation") == "revoked":
        return base, "status"
    return base, None


def cmd_records(cases_path, work):
    doc = load_json(cases_path)
    src = os.environ.get("ECERT_SRC") or os.path.join(os.path.dirname(cases_path), "../..")
    levels = skill_levels(src)
    applicant = doc["applicant"]
    if applicant["idNumber"] != id_number(applicant["idNumber"][:17]):
        raise SystemExit("claims-cases: the applicant's ID number has a bad check digit")
    batches = {"title": [], "skill": [], "narrow": [], "rogue": []}
    refused, refused_fields, revoke, plan = [], [], [], []
    for case_no, cs in enumerate(doc["cases"], 1):
        claim = json.loads(json.dumps(doc["templates"][cs["template"]]))
        claim["applicant"] = dict(applicant)
        if "asOf" in cs:
            claim["asOf"] = cs["asOf"]
        merge(claim["target"], cs.get("target", {}))
        merge(claim.setdefault("declarations", {}), cs.get("declarations", {}))
        entry = {"case": case_no, "name": cs["name"], "claim": claim, "expect": cs["expect"],
                 "status": True, "evidence": []}
        for ev_no, ev in enumerate(cs["evidence"]):
            if ev.get("revocation") == "unchecked":
                entry["status"] = False
            refusal = unissuable(levels, ev)
            if refusal:
                entry["refused"] = refusal
            key, failing = key_for(ev)
            who = OTHER if ev.get("holder", True) is False else applicant
            if ev["kind"] == "skill":
                number = skill_number(levels, case_no, ev_no, ev)
                rec = {"kind": "skill", "certificateNumber": number, "name": who["name"],
                       "idNumber": who["idNumber"], "certificateKind": "职业技能等级证书",
                       "validFrom": ev["certifiedOn"]}
                rec.update({k: ev[k] for k in SKILL_FIELDS})
            else:
                number = title_number(case_no, ev_no)
                rec = {"kind": "title", "certificateNumber": number, "name": who["name"],
                       "idNumber": who["idNumber"], "approvalDocument": "吉职改字〔%s〕%d号"
                       % (ev["qualifiedOn"][:4], case_no), "evaluationMethod": "评审",
                       "validFrom": ev["qualifiedOn"]}
                rec.update({k: ev[k] for k in TITLE_FIELDS})
            if refusal:
                refused.append(rec)
                refused_fields.append(refusal)
            else:
                batches[key].append(rec)
            if failing == "status":
                revoke.append((key, number))
            entry["evidence"].append({"number": number, "key": key, "failing": failing,
                                      "tamper": failing == "signature"})
        plan.append(entry)
    os.makedirs(work, exist_ok=True)
    for key, recs in batches.items():
        dump_json(os.path.join(work, "records-%s.json" % key), recs)
    dump_json(os.path.join(work, "records-refused.json"), refused)
    with open(os.path.join(work, "refused.txt"), "w", encoding="utf-8") as f:
        for rec, field in zip(refused, refused_fields):
            f.write("%s %s\n" % (rec["certificateNumber"], field))
    with open(os.path.join(work, "revoke.txt"), "w", encoding="utf-8") as f:
        for key, number in revoke:
            f.write("%s %s\n" % (key, number))
    dump_json(os.path.join(work, "plan.json"), plan)
    n = sum(len(r) for r in batches.values())
    print("claims-cases: %d cases, %d certificates to issue (%s), %d to be refused, %d to revoke"
          % (len(plan), n, ", ".join("%s %d" % (k, len(v)) for k, v in batches.items()),
             len(refused), len(revoke)))


def tamper(raw):
    """Change one byte: a year digit of validFrom, so the JSON stays well-formed and valid
    and only the proof no longer matches."""
    marker = b'"validFrom":"'
    at = raw.find(marker)
    if at < 0:
        raise SystemExit("claims-cases: no validFrom to tamper with")
    pos = at + len(marker) + 3  # the last digit of the year
    digit = raw[pos:pos + 1]
    assert digit.isdigit()
    new = bytes([digit[0] - 1]) if digit != b"0" else b"1"  # a year earlier (or 1 later)
    return raw[:pos] + new + raw[pos + 1:]


def cmd_claims(work):
    plan = load_json(os.path.join(work, "plan.json"))
    os.makedirs(os.path.join(work, "claims"), exist_ok=True)
    made = 0
    for entry in plan:
        if entry.get("refused"):
            continue
        claim = entry["claim"]
        claim["evidence"] = []
        for ev in entry["evidence"]:
            path = os.path.join(work, "certs", ev["key"], ev["number"] + ".json")
            with open(path, "rb") as f:
                raw = f.read()
            if ev["tamper"]:
                changed = tamper(raw)
                assert sum(a != b for a, b in zip(raw, changed)) == 1 and len(raw) == len(changed)
                raw = changed
            claim["evidence"].append(json.loads(raw.decode("utf-8")))
        dump_json(os.path.join(work, "claims", "%03d.json" % entry["case"]), claim)
        made += 1
    print("claims-cases: %d claims written" % made)


def ok_value(v):
    return "review" if v is None else bool(v)


def check_case(entry, out, rc, fail):
    exp = entry["expect"]
    if rc != exp["exit"]:
        fail("exit status %d, expected %d" % (rc, exp["exit"]))
    try:
        res = json.loads(out)
    except ValueError:
        fail("output is not JSON")
        return
    if res.get("verdict") != exp["verdict"]:
        fail("verdict %s, expected %s" % (res.get("verdict"), exp["verdict"]))
    if "deciding" in exp and res.get("decidingEvidence") != exp["deciding"]:
        fail("decidingEvidence %r, expected %r" % (res.get("decidingEvidence"), exp["deciding"]))
    findings = {f["rule"]: f for f in res.get("findings", [])}
    for rule, want in exp.get("findings", {}).items():
        f = findings.get(rule)
        if f is None:
            fail("no finding %s" % rule)
        elif ok_value(f.get("ok")) != ok_value(want):
            fail("%s: ok %r, expected %r (%s)" % (rule, f.get("ok"), want,
                                               f.get("message", {}).get("en")))
    for rule, texts in exp.get("messages", {}).items():
        en = (findings.get(rule) or {}).get("message", {}).get("en") or ""
        for t in texts:
            lacks = t.startswith("!")
            text = t[1:] if lacks else t
            if (text in en) == lacks:
                fail("%s: message %r %s %r" % (rule, en, "has" if lacks else "lacks", text))
    for rule in exp.get("superseded", []):
        if not findings.get(rule, {}).get("superseded"):
            fail("%s should be superseded" % rule)
    for rule, clause in exp.get("clauses", {}).items():
        if findings.get(rule, {}).get("clause") != clause:
            fail("%s: clause %r, expected %r" % (rule, findings.get(rule, {}).get("clause"), clause))
    checks = res.get("evidenceChecks", [])
    if len(checks) != len(entry["evidence"]):
        fail("%d evidenceChecks for %d certificates" % (len(checks), len(entry["evidence"])))
        return
    for i, (ev, ec) in enumerate(zip(entry["evidence"], checks)):
        failed = [c["name"] for c in ec.get("checks", []) if c.get("ok") is False]
        if ec.get("id") != "urn:ecert:" + ev["number"]:
            fail("evidence[%d] is %s, expected urn:ecert:%s" % (i, ec.get("id"), ev["number"]))
        if ev["failing"] is None:
            if failed or ec.get("valid") is not True:
                fail("evidence[%d] should verify; failed: %s" % (i, failed))
            status = [c for c in ec.get("checks", []) if c["name"] == "status"]
            if entry["status"] and (not status or status[0].get("ok") is not True):
                fail("evidence[%d]: revocation should have been checked" % i)
        elif not failed or failed[0] != ev["failing"]:
            fail("evidence[%d]: first failed check %s, expected %s"
                 % (i, failed[0] if failed else "none", ev["failing"]))


def cmd_check(work, command, status_files):
    plan = load_json(os.path.join(work, "plan.json"))
    failures, checked, refused = 0, 0, 0
    for entry in plan:
        if entry.get("refused"):
            refused += 1
            continue
        claim = os.path.join(work, "claims", "%03d.json" % entry["case"])
        argv = list(command)
        if entry["status"]:
            for s in status_files:
                argv += ["--status", s]
        argv += ["--json", claim]
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        problems = []
        check_case(entry, p.stdout.decode("utf-8", "replace"), p.returncode, problems.append)
        checked += 1
        if problems:
            failures += 1
            print("FAIL: case %d \"%s\" (%s):" % (entry["case"], entry["name"], claim),
                  file=sys.stderr)
            for m in problems:
                print("    " + m, file=sys.stderr)
            for line in p.stderr.decode("utf-8", "replace").splitlines():
                print("    stderr: " + line, file=sys.stderr)
    print("claims-cases: %d claims checked end to end, %d failed; %d cases refused at issue"
          % (checked, failures, refused))
    return 1 if failures else 0


def cmd_number(work, name):
    """The certificate number of the first evidence of the case called `name`."""
    for entry in load_json(os.path.join(work, "plan.json")):
        if entry["name"] == name:
            print(entry["evidence"][0]["number"])
            return 0
    print("claims-cases: no case \"%s\"" % name, file=sys.stderr)
    return 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "records":
        cmd_records(argv[2], argv[3])
        return 0
    if len(argv) == 3 and argv[1] == "claims":
        cmd_claims(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "number":
        return cmd_number(argv[2], argv[3])
    if len(argv) >= 5 and argv[1] == "check" and "--" in argv:
        sep = argv.index("--")
        status = argv[3:sep]
        return cmd_check(argv[2], argv[sep + 1:], status)
    print(__doc__, file=sys.stderr)
    print("usage: claims-cases.py records CASES WORK | claims WORK | "
          "check WORK [STATUS.json…] -- COMMAND… | number WORK CASE-NAME", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
