// The pieces the Node.js peer shares: what a team would write around `canonicalize`
// (RFC 8785 JCS), `sm-crypto` (SM2 / SM3) and Node's own zlib to issue and verify ecert
// certificates (DESIGN §2–5) without the ecert library. Measured by bench/report.sh.
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import smCrypto from 'sm-crypto';

const { sm2, sm3 } = smCrypto;

export const CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const SUITE = 'sm2-jcs-2025';
export const SM2_ID = '1234567812345678';
export const QR_PREFIX = 'EC1:';
// SubjectPublicKeyInfo of an SM2 key: id-ecPublicKey, curve 1.2.156.10197.1.301, the point.
const SM2_SPKI_PREFIX = '3059301306072a8648ce3d020106082a811ccf5501822d034200';

export { sm2, canonicalize };

export function die(msg) {
  process.stderr.write(`peer-node: ${msg}\n`);
  process.exit(2);
}

// --name value arguments into an object; flags without a value are true.
export function parseArgs(argv, flags = []) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) die(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (flags.includes(name)) out[name] = true;
    else if (i + 1 < argv.length) out[name] = argv[++i];
    else die(`${a} wants a value`);
  }
  return out;
}

// "K/J": this process takes the items whose index is K modulo J.
export function parsePart(s) {
  if (!s) return { k: 0, j: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m || +m[1] >= +m[2]) die(`--part wants K/J with K < J, not ${s}`);
  return { k: +m[1], j: +m[2] };
}

// ---- encodings ----

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const B45_VALUE = new Map([...B45].map((c, i) => [c, i]));

export function base45Encode(bytes) {
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    const c = n % 45; n = (n - c) / 45;
    const d = n % 45; const e = (n - d) / 45;
    s += B45[c] + B45[d] + B45[e];
  }
  if (bytes.length % 2) {
    const n = bytes[bytes.length - 1];
    s += B45[n % 45] + B45[Math.floor(n / 45)];
  }
  return s;
}

export function base45Decode(s) {
  if (s.length % 3 === 1) throw new Error('base45: bad length');
  const out = [];
  for (let i = 0; i < s.length; i += 3) {
    const v = [...s.slice(i, i + 3)].map((ch) => {
      const x = B45_VALUE.get(ch);
      if (x === undefined) throw new Error('base45: bad character');
      return x;
    });
    if (v.length === 3) {
      const n = v[0] + v[1] * 45 + v[2] * 2025;
      if (n > 0xffff) throw new Error('base45: value out of range');
      out.push(n >> 8, n & 0xff);
    } else {
      const n = v[0] + v[1] * 45;
      if (n > 0xff) throw new Error('base45: value out of range');
      out.push(n);
    }
  }
  return Buffer.from(out);
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58Encode(bytes) {
  let n = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
  let s = '';
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (let i = 0; i < bytes.length && bytes[i] === 0; i++) s = '1' + s;
  return s;
}

export function base58Decode(s) {
  let n = 0n;
  for (const ch of s) {
    const v = B58.indexOf(ch);
    if (v < 0) throw new Error('base58: bad character');
    n = n * 58n + BigInt(v);
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let zeros = 0;
  while (zeros < s.length && s[zeros] === '1') zeros++;
  return Buffer.concat([Buffer.alloc(zeros), n > 0n ? Buffer.from(hex, 'hex') : Buffer.alloc(0)]);
}

// ---- SM2 / SM3 ----

export function sm3Hex(text) {
  return sm3(text); // a string is hashed as its UTF-8 bytes
}

// hashData = SM3(JCS(proofConfig)) || SM3(JCS(document without proof)), as bytes.
export function hashData(doc, proof) {
  const config = { ...proof };
  delete config.proofValue;
  if (!config['@context']) config['@context'] = doc['@context'];
  const rest = { ...doc };
  delete rest.proof;
  return Array.from(Buffer.from(sm3Hex(canonicalize(config)) + sm3Hex(canonicalize(rest)), 'hex'));
}

export function signProof(doc, proof, key) {
  const sig = sm2.doSignature(hashData(doc, proof), key.privateKey, {
    hash: true, der: false, userId: SM2_ID, publicKey: key.publicKey,
  });
  return 'z' + base58Encode(Buffer.from(sig, 'hex'));
}

export function verifyProof(doc, publicKeyHex) {
  const proof = doc.proof;
  if (!proof || typeof proof.proofValue !== 'string' || proof.proofValue[0] !== 'z') return false;
  const sig = base58Decode(proof.proofValue.slice(1));
  if (sig.length !== 64) return false;
  return sm2.doVerifySignature(hashData(doc, proof), sig.toString('hex'), publicKeyHex, {
    hash: true, der: false, userId: SM2_ID,
  });
}

// The uncompressed point (hex, 04…) of an SM2 SPKI PEM, and back.
export function pemToPublicHex(pem) {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const hex = der.toString('hex');
  if (!hex.startsWith(SM2_SPKI_PREFIX) || der.length !== 91) throw new Error('not an SM2 public key');
  return hex.slice(SM2_SPKI_PREFIX.length);
}

export function publicHexToPem(hex) {
  const b64 = Buffer.from(SM2_SPKI_PREFIX + hex, 'hex').toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g).join('\n')}\n-----END PUBLIC KEY-----\n`;
}

// ---- QR payload ----

export function loadDictionary(path) {
  return readFileSync(path);
}

// RFC 3339 in China time (+08:00), seconds.
export function chinaTime(ms = Date.now()) {
  return new Date(ms + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
}

export function parseTime(s) {
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`not a date-time: ${s}`);
  return t;
}
