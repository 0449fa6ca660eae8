// Issue skill certificates from a CSV the way a Node.js team would without ecert:
// canonicalize (JCS) + sm-crypto (SM2 over hashData with SM3, ID 1234567812345678, r||s)
// + zlib deflate level 9 with the dict-v1 dictionary + base45 + a QR PNG with `qrcode`.
// Each signature is verified again with the public key before anything is written (as
// ecert-issuer does). Files: OUT/<number>.json (JCS) and, with --qr png, OUT/<number>.png.
//
//   node issue.mjs --keygen KEY.json PUB.pem
//   node issue.mjs --key KEY.json --kid KID --issuer-id urn:uscc:… --issuer-name NAME
//                  --dict schemas/qr/dict-v1 --in records.csv --out DIR [--qr png|none]
//                  [--part K/J]
//
// --part K/J issues the records whose index is K modulo J (run J processes for J cores).
// Prints "issued N" and the time on standard error.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import {
  CONTEXT, QR_PREFIX, SUITE, base45Encode, canonicalize, chinaTime, die, loadDictionary,
  parseArgs, parsePart, publicHexToPem, signProof, sm2, sm3Hex, verifyProof,
} from './common.mjs';

const COLUMNS = {
  证书编号: 'certificateNumber', 姓名: 'name', 身份证号: 'idNumber', 性别: 'gender',
  工作单位: 'employer', 职业编码: 'occupationCode', 职业名称: 'occupation', 等级: 'level',
  等级名称: 'levelName', 发证日期: 'certifiedOn', 证书类型: 'certificateKind',
};
const SKILL_FIELDS = ['occupationCode', 'occupation', 'level', 'levelName', 'certifiedOn',
  'certificateKind'];

// RFC 4180 rows (quoted fields, doubled quotes, CRLF or LF).
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function records(path) {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const keys = header.map((h) => COLUMNS[h.trim()] ?? h.trim());
  return rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? ''])));
}

function idDigest(id) {
  const salt = randomBytes(16);
  const digest = smCryptoSm3Bytes(Buffer.concat([salt, Buffer.from(id.toUpperCase())]));
  return `sm3:${salt.toString('base64url')}:${digest}`;
}

function smCryptoSm3Bytes(buf) {
  return sm3Hex(Array.from(buf));
}

function certificate(rec, index, o) {
  const subject = {
    name: rec.name,
    idNumberMasked: rec.idNumber.slice(0, 6) + '********' + rec.idNumber.slice(14),
    idDigest: idDigest(rec.idNumber),
  };
  for (const f of SKILL_FIELDS) subject[f] = rec[f];
  if (rec.gender) subject.gender = rec.gender;
  if (rec.employer) subject.employer = rec.employer;
  return {
    '@context': [CONTEXT],
    id: `urn:ecert:${rec.certificateNumber}`,
    type: ['VerifiableCredential', 'SkillCertificate'],
    issuer: { id: o.issuerId, name: o.issuerName },
    validFrom: chinaTime(),
    credentialSubject: subject,
    credentialStatus: {
      type: 'BitstringStatusListEntry', statusPurpose: 'revocation',
      statusListIndex: String(index), statusListCredential: o.listId,
    },
  };
}

async function issue(args) {
  const need = ['key', 'kid', 'issuer-id', 'issuer-name', 'dict', 'in', 'out'];
  for (const n of need) if (!args[n]) die(`--${n} is required`);
  const key = JSON.parse(readFileSync(args.key, 'utf8'));
  const dictionary = loadDictionary(args.dict);
  const png = (args.qr ?? 'png') === 'png';
  const { k, j } = parsePart(args.part);
  const uscc = args['issuer-id'].replace(/^urn:uscc:/, '');
  const o = {
    issuerId: args['issuer-id'], issuerName: args['issuer-name'],
    listId: `urn:ecert:status:${uscc}:${args.kid}`,
  };
  const vm = `${o.issuerId}#${args.kid}`;
  const all = records(args.in);
  const t0 = process.hrtime.bigint();
  let n = 0;

  mkdirSync(args.out, { recursive: true });
  for (let i = k; i < all.length; i += j) {
    const rec = all[i];
    const doc = certificate(rec, i, o);
    const proof = {
      type: 'DataIntegrityProof', cryptosuite: SUITE, created: chinaTime(),
      verificationMethod: vm, proofPurpose: 'assertionMethod', '@context': doc['@context'],
    };
    proof.proofValue = signProof(doc, proof, key);
    doc.proof = proof;
    if (!verifyProof(doc, key.publicKey)) die(`${rec.certificateNumber}: signature does not verify`);
    const json = canonicalize(doc);
    const text = QR_PREFIX + base45Encode(deflateSync(Buffer.from(json), { level: 9, dictionary }));
    writeFileSync(`${args.out}/${rec.certificateNumber}.json`, json);
    if (png) {
      const image = await QRCode.toBuffer(text, {
        type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 6,
      });
      writeFileSync(`${args.out}/${rec.certificateNumber}.png`, image);
    }
    n++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stderr.write(`peer-node: issued ${n} in ${s.toFixed(3)} s (${(n / s).toFixed(1)}/s)\n`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--keygen') {
  if (argv.length !== 3) die('usage: node issue.mjs --keygen KEY.json PUB.pem');
  const key = sm2.generateKeyPairHex();
  writeFileSync(argv[1], JSON.stringify(key), { mode: 0o600 });
  writeFileSync(argv[2], publicHexToPem(key.publicKey));
} else {
  await issue(parseArgs(argv));
}
