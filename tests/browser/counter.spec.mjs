// Browser test of the verification counter page, in Debian's Chromium driven by
// playwright-core (no browser download). Run by tests/e2e/browser.sh, which makes the
// fixtures, starts `ecert-verifier serve` and passes:
//   COUNTER_URL   the service, e.g. http://127.0.0.1:40123/
//   FIXTURES      directory with valid.qr, tampered.qr, revoked.qr, valid.png, claim-*.json
//   ARTIFACTS     where screenshots go
// Prints "N passed, M failed" and exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const url = process.env.COUNTER_URL;
const fx = process.env.FIXTURES;
const out = process.env.ARTIFACTS;
if (!url || !fx || !out) {
  console.error('COUNTER_URL, FIXTURES and ARTIFACTS are required');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const origin = new URL(url).origin;
const read = (f) => readFileSync(join(fx, f), 'utf8').trim();

let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 1400 }, locale: 'zh-CN' });
// Record CSP violations the page itself sees (the test's own script is not subject to it).
await context.addInitScript(() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation',
    (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
});
const page = await context.newPage();

// Everything the page loads must come from the service itself, and nothing may break its
// CSP (an inline script or style would show up here as a console error).
const foreign = [];
const problems = [];
page.on('request', (r) => {
  const u = r.url();
  if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
});
page.on('console', (m) => {
  // 4xx answers the test asks for are logged by Chromium as "Failed to load resource";
  // anything else (a CSP refusal, a script error) is a problem.
  if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
    problems.push(m.text());
  }
});
page.on('pageerror', (e) => problems.push(String(e)));

const verdict = page.locator('#verdict');
// Each answer the page shows bumps #result's data-seq, so a step waits for the answer to
// its own request, not the one still on screen from the step before.
let seen = 0;
async function scan(text) {
  seen = await currentSeq();
  await page.fill('#scan', text);
  await page.press('#scan', 'Enter');
}
async function currentSeq() {
  return page.evaluate(() => Number(document.querySelector('#result').dataset.seq || 0));
}
async function waitVerdict(text, fresh = true) {
  await page.waitForFunction(
    ([want, after]) => {
      const r = document.querySelector('#result');
      const v = document.querySelector('#verdict');
      return Number(r.dataset.seq || 0) > after && v && v.textContent === want;
    },
    [text, fresh ? seen : -1], { timeout: 10000 });
  seen = await currentSeq();
}

try {
  await step('page loads in Chinese with the scanner field focused', async () => {
    await page.goto(url, { waitUntil: 'networkidle' });
    assert((await page.title()) === '电子证书核验窗口', `title: ${await page.title()}`);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert(focused === 'scan', `focused element: ${focused}`);
    await page.waitForFunction(() => /第 \d+ 版/.test(document.querySelector('#trust-info').textContent));
    const camera = await page.locator('#camera').isVisible();
    const hasDetector = await page.evaluate(() => 'BarcodeDetector' in window);
    assert(camera === hasDetector, `camera button visible=${camera}, BarcodeDetector=${hasDetector}`);
  });

  await step('valid QR text → 有效', async () => {
    await scan(read('valid.qr'));
    await waitVerdict('有效');
    assert(await verdict.evaluate((e) => e.classList.contains('good')), 'verdict not green');
    assert(await page.locator('#checks li.failed').count() === 0, 'a check failed');
    const name = await page.locator('#fields tr[data-field="name"] td').textContent();
    assert(name === '王建国', `name field: ${name}`);
    const input = await page.inputValue('#scan');
    assert(input === '', 'the scanner field was not cleared for the next scan');
    await page.screenshot({ path: join(out, 'counter-valid.png'), fullPage: true });
  });

  await step('tampered QR text → 无效 with the signature check failed', async () => {
    await scan(read('tampered.qr'));
    await waitVerdict('无效');
    assert(await verdict.evaluate((e) => e.classList.contains('bad')), 'verdict not red');
    const sig = page.locator('#checks li[data-check="signature"]');
    assert(await sig.evaluate((e) => e.classList.contains('failed')), 'signature not marked failed');
    const words = await sig.locator('.check-words').textContent();
    assert(words.includes('签名无法验证'), `signature words: ${words}`);
    await page.screenshot({ path: join(out, 'counter-tampered.png'), fullPage: true });
  });

  await step('revoked certificate → 无效 with the status check failed', async () => {
    await scan(read('revoked.qr'));
    await waitVerdict('无效');
    const st = page.locator('#checks li[data-check="status"]');
    assert(await st.evaluate((e) => e.classList.contains('failed')), 'status not marked failed');
  });

  await step('uploaded QR image → 有效', async () => {
    await scan('garbage that resets the verdict');
    await waitVerdict('无效');
    seen = await currentSeq();
    await page.setInputFiles('#upload', join(fx, 'valid.png'));
    await waitVerdict('有效');
    await page.screenshot({ path: join(out, 'counter-upload.png'), fullPage: true });
  });

  await step('claim → 符合条件 with its findings; not eligible and needs review', async () => {
    await page.fill('#claim-text', read('claim-eligible.json'));
    seen = await currentSeq();
    await page.click('#claim-submit');
    await waitVerdict('符合条件');
    assert(await verdict.evaluate((e) => e.classList.contains('good')), 'eligible not green');
    const n = await page.locator('#checks li.finding').count();
    assert(n > 5, `findings listed: ${n}`);
    const years = await page.locator('#checks li[data-rule="s2t-years"] .check-words').textContent();
    assert(years.includes('满 3 年'), `s2t-years finding: ${years}`);
    await page.screenshot({ path: join(out, 'counter-claim.png'), fullPage: true });
    await page.fill('#claim-text', read('claim-not-eligible.json'));
    seen = await currentSeq();
    await page.click('#claim-submit');
    await waitVerdict('不符合条件');
    assert(await page.locator('#checks li[data-rule="s2t-years"]').evaluate((e) => e.classList.contains('failed')),
      's2t-years not marked failed');
    await page.fill('#claim-text', read('claim-review.json'));
    seen = await currentSeq();
    await page.click('#claim-submit');
    await waitVerdict('需人工审核');
    assert(await verdict.evaluate((e) => e.classList.contains('review')), 'needs review not amber');
  });

  await step('English switch', async () => {
    await scan(read('valid.qr'));
    await waitVerdict('有效');
    seen = await currentSeq();
    await page.click('#lang');
    await waitVerdict('VALID');
    const h = await page.locator('#verify-heading').textContent();
    assert(h === 'Verify a certificate', `heading: ${h}`);
    const lang = await page.evaluate(() => document.documentElement.lang);
    assert(lang === 'en', `html lang: ${lang}`);
    await page.screenshot({ path: join(out, 'counter-english.png'), fullPage: true });
    seen = await currentSeq();
    await page.click('#lang');
    await waitVerdict('有效');
  });

  await step('print layout hides the inputs', async () => {
    await page.emulateMedia({ media: 'print' });
    const shown = await page.locator('#verify-panel').isVisible();
    assert(!shown, 'the input panel is printed');
    assert(await verdict.isVisible(), 'the verdict is not printed');
    await page.screenshot({ path: join(out, 'counter-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  await step('no request left the service, no CSP violation or script error', async () => {
    assert(foreign.length === 0, `foreign requests: ${foreign.join(', ')}`);
    assert(problems.length === 0, `console errors: ${problems.join(' | ')}`);
    const csp = await page.evaluate(() => window.__cspViolations || []);
    assert(csp.length === 0, `CSP violations: ${csp.join(', ')}`);
  });
} finally {
  await browser.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
