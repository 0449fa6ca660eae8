// Verify certificates from QR texts the way a Node.js team would without ecert: base45,
// zlib inflate with the dict-v1 dictionary, JSON.parse, then with canonicalize + sm-crypto
// the SM2 proof against the key the root-signed trust list names, the key's status and
// scope, the validity dates and the revocation bit of the issuer's signed status list.
// (No JSON Schema, no strict parsing: that is what such a peer typically leaves out.)
//
//   node verify.mjs --root ROOT.pub --trust trust.json --status status.json
//                   --dict schemas/qr/dict-v1 --batch qr.txt [--part K/J]
//
// One JSON line per certificate ({"valid", "id", "error"}) on standard output; the count
// and time on standard error; exit 1 if any certificate is invalid. SM2 only (sm-crypto).
import { readFileSync } from 'node:fs';
import { gunzipSync, inflateSync } from 'node:zlib';
import {
  QR_PREFIX, SUITE, base45Decode, die, loadDictionary, parseArgs, parsePart, parseTime,
  pemToPublicHex, verifyProof,
} from './common.mjs';

const CLOCK_SKEW_MS = 300e3;

function loadTrust(rootPem, path) {
  const list = JSON.parse(readFileSync(path, 'utf8'));
  if (!verifyProof(list, pemToPublicHex(rootPem))) die(`${path}: the root signature does not verify`);
  const keys = new Map();
  for (const e of list.entries) {
    if (e.cryptosuite !== SUITE || !e.publicKeyPem) continue;
    keys.set(e.kid, { ...e, publicKey: pemToPublicHex(e.publicKeyPem) });
  }
  return keys;
}

function loadStatus(path, keys) {
  const list = JSON.parse(readFileSync(path, 'utf8'));
  const kid = list.proof.verificationMethod.split('#').pop();
  const key = keys.get(kid);
  if (!key || key.issuer.id !== list.issuer.id || !verifyProof(list, key.publicKey))
    die(`${path}: the status list is not signed by a listed key of its issuer`);
  const enc = list.credentialSubject.encodedList;
  return { id: list.id, issuer: list.issuer.id, bits: gunzipSync(Buffer.from(enc.slice(1), 'base64url')) };
}

function check(doc, keys, lists, now) {
  const proof = doc.proof ?? {};
  const kid = String(proof.verificationMethod ?? '').split('#').pop();
  const key = keys.get(kid);
  if (!key) return 'key not in the trust list';
  if (proof.cryptosuite !== key.cryptosuite) return 'cryptosuite mismatch';
  if (!verifyProof(doc, key.publicKey)) return 'signature does not verify';
  if (doc.issuer?.id !== key.issuer.id) return 'issuer is not the key\'s';
  const created = parseTime(proof.created);
  if (created > now + CLOCK_SKEW_MS) return 'signed in the future';
  if (created < parseTime(key.validFrom) || (key.validUntil && created >= parseTime(key.validUntil)))
    return 'key not valid when it signed';
  if (key.status !== 'active' && created >= parseTime(key.since)) return `key ${key.status}`;
  const kind = doc.type?.includes('TitleCertificate') ? 'title' : 'skill';
  if (!key.scope.kinds.includes(kind)) return 'out of the key\'s scope';
  if (parseTime(doc.validFrom) > now) return 'not yet valid';
  if (doc.validUntil && parseTime(doc.validUntil) <= now) return 'expired';
  const st = doc.credentialStatus ?? {};
  const list = lists.get(st.statusListCredential);
  if (!list) return 'revocation not checked';
  if (list.issuer !== doc.issuer.id) return 'status list of another issuer';
  const i = Number(st.statusListIndex);
  if (!Number.isInteger(i) || i < 0 || i >= list.bits.length * 8) return 'bad status index';
  if (list.bits[i >> 3] & (0x80 >> (i & 7))) return 'revoked';
  return null;
}

const args = parseArgs(process.argv.slice(2));
for (const n of ['root', 'trust', 'dict', 'batch']) if (!args[n]) die(`--${n} is required`);
const dictionary = loadDictionary(args.dict);
const keys = loadTrust(readFileSync(args.root, 'utf8'), args.trust);
const lists = new Map();
for (const p of args.status ? [args.status] : []) {
  const l = loadStatus(p, keys);
  lists.set(l.id, l);
}
const { k, j } = parsePart(args.part);
const lines = readFileSync(args.batch, 'utf8').split('\n').filter((l) => l.trim() !== '');
const t0 = process.hrtime.bigint();
const out = [];
let n = 0, invalid = 0;

for (let i = k; i < lines.length; i += j) {
  let error, id = null;
  try {
    const text = lines[i].trimEnd();
    if (!text.startsWith(QR_PREFIX)) throw new Error('not an EC1: QR text');
    const json = inflateSync(base45Decode(text.slice(QR_PREFIX.length)), { dictionary });
    const doc = JSON.parse(json.toString('utf8'));
    id = doc.id ?? null;
    error = check(doc, keys, lists, Date.now());
  } catch (e) {
    error = e.message;
  }
  if (error) invalid++;
  out.push(JSON.stringify({ valid: !error, id, error: error ?? undefined }));
  n++;
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
const s = Number(process.hrtime.bigint() - t0) / 1e9;
process.stderr.write(`peer-node: verified ${n}, ${invalid} invalid, in ${s.toFixed(3)} s (${(n / s).toFixed(1)}/s)\n`);
process.exit(invalid ? 1 : 0);
