#!/usr/bin/python3
"""The issue and verify work of ecert done the way a Python team would write it without
ecert: Debian's python3-cryptography (Ed25519, P-256; it has no SM2) and python3-qrcode
(+ python3-pil for PNG), the standard library's json, zlib and base64. Measured by
bench/report.sh beside ecert-issuer and ecert-verifier.

  peer.py keygen ed25519|p256 KEY.pem PUB.pem
  peer.py issue --key KEY.pem --kid KID --issuer-id urn:uscc:… --issuer-name NAME
                --dict schemas/qr/dict-v1 --in records.csv --out DIR [--qr png|none]
                [--part K/J]
  peer.py verify --root ROOT.pub --trust trust.json --status status.json
                 --dict schemas/qr/dict-v1 --batch qr.txt [--part K/J]

JCS is json.dumps with sorted keys, no spaces and UTF-8 (RFC 8785 for these documents:
strings, ASCII keys, integers). issue signs hashData = SHA-256(JCS(proofConfig)) ||
SHA-256(JCS(document without proof)) (eddsa-jcs-2022 / ecdsa-jcs-2019, r||s), verifies
the signature again, deflates at level 9 with the dictionary, base45, and writes
DIR/<number>.json and with --qr png DIR/<number>.png (ECC M, 6 px modules, quiet zone 4).
verify checks, per QR text: base45, inflate, json.loads, the key the trust list names,
suite, signature, the key's validity/status/scope, validity dates, the status bit. The
trust list's root proof is checked once when the root is Ed25519 or P-256 (an SM2 root
cannot be checked with python3-cryptography: said on standard error). No JSON Schema."""
import argparse
import base64
import csv
import datetime
import gzip
import hashlib
import json
import os
import sys
import time
import zlib

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (decode_dss_signature,
                                                             encode_dss_signature)

CONTEXT = "https://www.w3.org/ns/credentials/v2"
QR_PREFIX = "EC1:"
SUITES = {"ed25519": "eddsa-jcs-2022", "p256": "ecdsa-jcs-2019"}
CLOCK_SKEW = 300
CHINA = datetime.timezone(datetime.timedelta(hours=8))
COLUMNS = {"证书编号": "certificateNumber", "姓名": "name", "身份证号": "idNumber",
           "性别": "gender", "工作单位": "employer", "职业编码": "occupationCode",
           "职业名称": "occupation", "等级": "level", "等级名称": "levelName",
           "发证日期": "certifiedOn", "证书类型": "certificateKind"}
SKILL_FIELDS = ["occupationCode", "occupation", "level", "levelName", "certifiedOn",
                "certificateKind"]
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
B45_VALUE = {c: i for i, c in enumerate(B45)}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def die(msg):
    sys.stderr.write(f"peer-python: {msg}\n")
    sys.exit(2)


def jcs(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def b45encode(data):
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = n % 45, n // 45
        d, e = n % 45, n // 45
        out += [B45[c], B45[d], B45[e]]
    if len(data) % 2:
        out += [B45[data[-1] % 45], B45[data[-1] // 45]]
    return "".join(out)


def b45decode(s):
    if len(s) % 3 == 1:
        raise ValueError("base45: bad length")
    out = bytearray()
    for i in range(0, len(s), 3):
        v = [B45_VALUE[c] for c in s[i:i + 3]]
        if len(v) == 3:
            n = v[0] + v[1] * 45 + v[2] * 2025
            if n > 0xFFFF:
                raise ValueError("base45: value out of range")
            out += bytes([n >> 8, n & 0xFF])
        else:
            n = v[0] + v[1] * 45
            if n > 0xFF:
                raise ValueError("base45: value out of range")
            out.append(n)
    return bytes(out)


def b58encode(data):
    n = int.from_bytes(data, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + s


def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    zeros = len(s) - len(s.lstrip("1"))
    return b"\0" * zeros + (n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b"")


def china_time(t=None):
    return datetime.datetime.fromtimestamp(int(t or time.time()), CHINA).isoformat()


def parse_time(s):
    return datetime.datetime.fromisoformat(s).timestamp()


def hash_data(doc, proof):
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config.setdefault("@context", doc["@context"])
    rest = {k: v for k, v in doc.items() if k != "proof"}
    return hashlib.sha256(jcs(config)).digest() + hashlib.sha256(jcs(rest)).digest()


def suite_of(key):
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return SUITES["ed25519"]
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)) and \
            key.curve.name == "secp256r1":
        return SUITES["p256"]
    return None


def sign(key, msg):
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(msg)
    r, s = decode_dss_signature(key.sign(msg, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify_sig(pub, msg, sig):
    try:
        if isinstance(pub, ed25519.Ed25519PublicKey):
            pub.verify(sig, msg)
        else:
            if len(sig) != 64:
                return False
            der = encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                       int.from_bytes(sig[32:], "big"))
            pub.verify(der, msg, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def verify_proof(doc, pub):
    proof = doc.get("proof") or {}
    value = proof.get("proofValue", "")
    if not value.startswith("z"):
        return False
    return verify_sig(pub, hash_data(doc, proof), b58decode(value[1:]))


def part(s):
    if not s:
        return 0, 1
    k, j = (int(x) for x in s.split("/"))
    if not 0 <= k < j:
        die(f"--part wants K/J with K < J, not {s}")
    return k, j


# ---- keygen ----

def keygen(alg, key_path, pub_path):
    key = ed25519.Ed25519PrivateKey.generate() if alg == "ed25519" else \
        ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    with open(pub_path, "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))


# ---- issue ----

def id_digest(id_number):
    salt = os.urandom(16)
    digest = hashlib.new("sm3", salt + id_number.upper().encode()).hexdigest() \
        if "sm3" in hashlib.algorithms_available else None
    if digest is None:
        die("this Python's hashlib has no SM3 (idDigest)")
    return "sm3:" + base64.urlsafe_b64encode(salt).rstrip(b"=").decode() + ":" + digest


def issue(a):
    import qrcode  # python3-qrcode
    with open(a.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    suite = suite_of(key)
    if not suite:
        die("the key is neither Ed25519 nor P-256")
    with open(a.dict, "rb") as f:
        dictionary = f.read()
    with open(a.input, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = [COLUMNS.get(h.strip(), h.strip()) for h in rows[0]]
    records = [dict(zip(header, r)) for r in rows[1:] if r]
    k, j = part(a.part)
    uscc = a.issuer_id.removeprefix("urn:uscc:")
    list_id = f"urn:ecert:status:{uscc}:{a.kid}"
    vm = f"{a.issuer_id}#{a.kid}"
    pub = key.public_key()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.monotonic()
    n = 0
    for i in range(k, len(records), j):
        rec = records[i]
        subject = {"name": rec["name"],
                   "idNumberMasked": rec["idNumber"][:6] + "********" + rec["idNumber"][14:],
                   "idDigest": id_digest(rec["idNumber"])}
        for field in SKILL_FIELDS:
            subject[field] = rec[field]
        for field in ("gender", "employer"):
            if rec.get(field):
                subject[field] = rec[field]
        doc = {"@context": [CONTEXT], "id": "urn:ecert:" + rec["certificateNumber"],
               "type": ["VerifiableCredential", "SkillCertificate"],
               "issuer": {"id": a.issuer_id, "name": a.issuer_name},
               "validFrom": china_time(), "credentialSubject": subject,
               "credentialStatus": {"type": "BitstringStatusListEntry",
                                    "statusPurpose": "revocation",
                                    "statusListIndex": str(i), "statusListCredential": list_id}}
        proof = {"type": "DataIntegrityProof", "cryptosuite": suite, "created": china_time(),
                 "verificationMethod": vm, "proofPurpose": "assertionMethod",
                 "@context": doc["@context"]}
        proof["proofValue"] = "z" + b58encode(sign(key, hash_data(doc, proof)))
        doc["proof"] = proof
        if not verify_proof(doc, pub):
            die(f"{rec['certificateNumber']}: signature does not verify")
        body = jcs(doc)
        z = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, dictionary)
        text = QR_PREFIX + b45encode(z.compress(body) + z.flush())
        base = os.path.join(a.out, rec["certificateNumber"])
        with open(base + ".json", "wb") as f:
            f.write(body)
        if a.qr == "png":
            qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                               box_size=6, border=4)
            qr.add_data(text)
            qr.make(fit=True)
            qr.make_image().save(base + ".png")
        n += 1
    s = time.monotonic() - t0
    sys.stderr.write(f"peer-python: issued {n} in {s:.3f} s ({n / s:.1f}/s)\n")


# ---- verify ----

def load_public(pem):
    try:
        return serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None  # SM2: not supported by python3-cryptography


def check(doc, keys, lists, now):
    proof = doc.get("proof") or {}
    kid = str(proof.get("verificationMethod", "")).split("#")[-1]
    e = keys.get(kid)
    if not e:
        return "key not in the trust list"
    if proof.get("cryptosuite") != e["cryptosuite"]:
        return "cryptosuite mismatch"
    if not verify_proof(doc, e["key"]):
        return "signature does not verify"
    if (doc.get("issuer") or {}).get("id") != e["issuer"]["id"]:
        return "issuer is not the key's"
    created = parse_time(proof["created"])
    if created > now + CLOCK_SKEW:
        return "signed in the future"
    if created < parse_time(e["validFrom"]) or \
            ("validUntil" in e and created >= parse_time(e["validUntil"])):
        return "key not valid when it signed"
    if e["status"] != "active" and created >= parse_time(e["since"]):
        return "key " + e["status"]
    kind = "title" if "TitleCertificate" in doc.get("type", []) else "skill"
    if kind not in e["scope"]["kinds"]:
        return "out of the key's scope"
    if parse_time(doc["validFrom"]) > now:
        return "not yet valid"
    if "validUntil" in doc and parse_time(doc["validUntil"]) <= now:
        return "expired"
    st = doc.get("credentialStatus") or {}
    sl = lists.get(st.get("statusListCredential"))
    if not sl:
        return "revocation not checked"
    if sl["issuer"] != doc["issuer"]["id"]:
        return "status list of another issuer"
    i = int(st["statusListIndex"])
    if not 0 <= i < len(sl["bits"]) * 8:
        return "bad status index"
    if sl["bits"][i >> 3] & (0x80 >> (i & 7)):
        return "revoked"
    return None


def verify(a):
    with open(a.dict, "rb") as f:
        dictionary = f.read()
    with open(a.trust, encoding="utf-8") as f:
        trust = json.load(f)
    with open(a.root, encoding="utf-8") as f:
        root = load_public(f.read())
    if root is None:
        sys.stderr.write("peer-python: the root key is SM2: the trust list's root proof is "
                         "not checked (python3-cryptography has no SM2)\n")
    elif not verify_proof(trust, root):
        die(f"{a.trust}: the root signature does not verify")
    keys = {}
    for e in trust["entries"]:
        pub = load_public(e.get("publicKeyPem", ""))
        if pub is not None and suite_of(pub) == e["cryptosuite"]:
            keys[e["kid"]] = dict(e, key=pub)
    lists = {}
    for path in a.status or []:
        with open(path, encoding="utf-8") as f:
            sl = json.load(f)
        e = keys.get(sl["proof"]["verificationMethod"].split("#")[-1])
        if not e or e["issuer"]["id"] != sl["issuer"]["id"] or not verify_proof(sl, e["key"]):
            die(f"{path}: the status list is not signed by a listed key of its issuer")
        enc = sl["credentialSubject"]["encodedList"][1:]
        bits = gzip.decompress(base64.urlsafe_b64decode(enc + "=" * (-len(enc) % 4)))
        lists[sl["id"]] = {"issuer": sl["issuer"]["id"], "bits": bits}
    with open(a.batch, encoding="ascii") as f:
        lines = [line.rstrip() for line in f if line.strip()]
    k, j = part(a.part)
    t0 = time.monotonic()
    n = invalid = 0
    out = []
    for i in range(k, len(lines), j):
        error, ident = None, None
        try:
            text = lines[i]
            if not text.startswith(QR_PREFIX):
                raise ValueError("not an EC1: QR text")
            z = zlib.decompressobj(15, dictionary)
            doc = json.loads(z.decompress(b45decode(text[len(QR_PREFIX):])) + z.flush())
            ident = doc.get("id")
            error = check(doc, keys, lists, time.time())
        except (ValueError, KeyError, TypeError, zlib.error) as exc:
            error = str(exc) or type(exc).__name__
        invalid += error is not None
        out.append(json.dumps({"valid": error is None, "id": ident, "error": error},
                              ensure_ascii=False))
        n += 1
    sys.stdout.write("".join(line + "\n" for line in out))
    s = time.monotonic() - t0
    sys.stderr.write(f"peer-python: verified {n}, {invalid} invalid, in {s:.3f} s "
                     f"({n / s:.1f}/s)\n")
    sys.exit(1 if invalid else 0)


def main():
    p = argparse.ArgumentParser(prog="peer.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("keygen")
    g.add_argument("alg", choices=sorted(SUITES))
    g.add_argument("key")
    g.add_argument("pub")
    i = sub.add_parser("issue")
    for name in ("key", "kid", "issuer-id", "issuer-name", "dict", "out"):
        i.add_argument("--" + name, required=True)
    i.add_argument("--in", dest="input", required=True)
    i.add_argument("--qr", choices=["png", "none"], default="png")
    i.add_argument("--part")
    v = sub.add_parser("verify")
    for name in ("root", "trust", "dict", "batch"):
        v.add_argument("--" + name, required=True)
    v.add_argument("--status", action="append")
    v.add_argument("--part")
    a = p.parse_args()
    if a.cmd == "keygen":
        keygen(a.alg, a.key, a.pub)
    elif a.cmd == "issue":
        issue(a)
    else:
        verify(a)


if __name__ == "__main__":
    main()
