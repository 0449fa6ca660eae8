// ecert — the verification counter page (served by `ecert-verifier serve`).
// No inline script or style (the page's CSP forbids them), no request to anywhere but
// this server, and server data only ever reaches the page through textContent.
'use strict';

(function () {
  // Every string the page shows, in both languages.
  const STR = {
    zh: {
      title: '电子证书核验窗口',
      print: '打印结果',
      verifyHeading: '核验证书',
      scanLabel: '扫描二维码（扫码枪输入后按回车），或粘贴二维码内容、证书 JSON',
      scanPlaceholder: 'EC1:…',
      verify: '核验',
      holderSummary: '核对持证人（可选）',
      holderLabel: '持证人身份证号（18 位，仅用于本次核对，不保存）',
      camera: '用摄像头扫码',
      cameraStop: '关闭摄像头',
      cameraError: '无法打开摄像头：',
      cameraNone: '此浏览器不支持摄像头扫码，请使用扫码枪或上传图片。',
      upload: '上传二维码图片或证书文件',
      claimHeading: '贯通申报核验',
      claimLabel: '粘贴申报 JSON，或选择申报文件',
      claimFile: '选择申报文件',
      claimSubmit: '核验申报',
      busy: '正在核验…',
      checksHeading: '核验项目',
      fieldsHeading: '证书信息',
      findingsHeading: '逐条审查结果',
      privacy: '本页面不向任何第三方发送数据；核验在本机服务上完成。',
      valid: '有效',
      invalid: '无效',
      validNote: '证书真实有效：签名、信任列表、授权范围和有效期均已核验。',
      invalidNote: '证书未通过核验，请勿采信。未通过的项目见下。',
      checkedAt: '核验时间：',
      passed: '通过',
      failed: '未通过',
      notRun: '未执行',
      notRunWhy: '前一项未通过，本项未执行。',
      notChecked: '未核查',
      notCheckedWhy: '本项未核查。',
      statusUnchecked: '注意：撤销状态未核查。',
      empty: '请先扫描或粘贴二维码内容。',
      claimEmpty: '请先粘贴申报 JSON 或选择申报文件。',
      requestFailed: '请求失败',
      networkError: '无法连接核验服务：',
      httpError: '服务返回错误 ',
      notJson: '选择的文件不是图片也不是 JSON 证书。',
      trustInfo: '信任列表：第 {v} 版，签发于 {t}；受信任的发证机构：{i}。',
      trustNone: '（无）',
      trustUnavailable: '信任列表信息暂不可用。',
      rulesInfo: '贯通规则：{d}（规则版本 {v}）。',
      sep: '、',
      checks: {
        decode: ['读取内容', '已读出证书内容。', '无法读取：不是本系统的二维码内容、证书 JSON 或可识别的二维码图片。'],
        schema: ['证书格式', '证书格式符合规范。', '证书格式不符合规范（缺少或错误的字段）。'],
        signature: ['电子签名', '签名有效，证书内容未被改动。', '签名无法验证：证书内容被改动，或并非由所示密钥签发。'],
        trust: ['信任列表', '签发密钥在省级信任列表中。', '签发密钥不在信任列表中或不受信任。'],
        scope: ['授权范围', '签发机构有权签发此类证书，签发时密钥有效。', '签发机构无权签发此类证书，或签发时密钥已停用、不在有效期内。'],
        validity: ['有效期', '证书在有效期内。', '证书不在有效期内（尚未生效或已过期）。'],
        status: ['撤销状态', '证书未被撤销。', '证书已被撤销，或无法核查撤销状态。', '未核查撤销状态：本服务没有该发证机构的撤销列表。'],
        holder: ['持证人', '持证人身份证号与证书一致。', '持证人身份证号与证书不符。', '未核对持证人：未输入身份证号。']
      },
      revoked: '证书已被发证机构撤销。',
      fields: {
        number: '证书编号',
        kind: '证书类别',
        name: '姓名',
        idNumberMasked: '身份证号（部分隐藏）',
        issuer: '发证机构',
        issuerId: '机构标识',
        series: '系列',
        specialty: '专业',
        level: '级别',
        titleName: '职称名称',
        qualifiedOn: '取得资格日期',
        approvalDocument: '批准文号',
        evaluationMethod: '评价方式',
        occupationCode: '职业编码',
        occupation: '职业（工种）',
        skillLevel: '等级',
        levelName: '等级名称',
        certifiedOn: '发证日期',
        certificateKind: '证书种类',
        pathway: '贯通路径（规则）',
        licenseId: '电子证照标识',
        validFrom: '生效时间',
        validUntil: '有效期至',
        created: '签发时间',
        cryptosuite: '签名算法'
      },
      kinds: { TitleCertificate: '电子职称证书', SkillCertificate: '职业技能证书' },
      verdicts: { eligible: '符合条件', not_eligible: '不符合条件', needs_review: '需人工审核' },
      verdictNotes: {
        eligible: '每条规则均满足（依据已核验的证书和申报人的声明）。',
        not_eligible: '有规则不满足，见下。',
        needs_review: '没有规则不满足，但有事项需由评审委员会或主管部门判断，见下。'
      },
      finding: { ok: '通过', fail: '不通过', review: '需审核', superseded: '（备选路径，未采用）' }
    },
    en: {
      title: 'Electronic certificate verification counter',
      print: 'Print result',
      verifyHeading: 'Verify a certificate',
      scanLabel: 'Scan the QR code (a scanner types it and presses Enter), or paste the QR text or certificate JSON',
      scanPlaceholder: 'EC1:…',
      verify: 'Verify',
      holderSummary: 'Confirm the holder (optional)',
      holderLabel: 'Holder\'s ID number (18 characters; used for this check only, not kept)',
      camera: 'Scan with camera',
      cameraStop: 'Close camera',
      cameraError: 'Cannot open the camera: ',
      cameraNone: 'This browser cannot scan with the camera; use a scanner or upload a picture.',
      upload: 'Upload a QR image or certificate file',
      claimHeading: 'Cross-track claim',
      claimLabel: 'Paste the claim JSON, or choose a claim file',
      claimFile: 'Choose claim file',
      claimSubmit: 'Check claim',
      busy: 'Verifying…',
      checksHeading: 'Checks',
      fieldsHeading: 'Certificate',
      findingsHeading: 'Findings, rule by rule',
      privacy: 'This page sends nothing to third parties; verification happens on this server.',
      valid: 'VALID',
      invalid: 'INVALID',
      validNote: 'The certificate is genuine: signature, trust list, scope and validity were checked.',
      invalidNote: 'The certificate did not verify; do not rely on it. The failed checks are listed below.',
      checkedAt: 'Checked at: ',
      passed: 'passed',
      failed: 'failed',
      notRun: 'not run',
      notRunWhy: 'Not run because an earlier check failed.',
      notChecked: 'not checked',
      notCheckedWhy: 'Not checked.',
      statusUnchecked: 'Note: revocation was not checked.',
      empty: 'Scan or paste a QR text first.',
      claimEmpty: 'Paste a claim JSON or choose a claim file first.',
      requestFailed: 'Request failed',
      networkError: 'Cannot reach the verification service: ',
      httpError: 'The service answered ',
      notJson: 'The chosen file is neither an image nor a JSON certificate.',
      trustInfo: 'Trust list version {v}, issued {t}; trusted issuers: {i}.',
      trustNone: '(none)',
      trustUnavailable: 'Trust list information is not available.',
      rulesInfo: 'Pathway rules: {d} (rules version {v}).',
      sep: ', ',
      checks: {
        decode: ['Reading', 'The certificate was read.', 'Cannot read it: not a QR text of this system, a certificate JSON or a readable QR picture.'],
        schema: ['Format', 'The certificate is well-formed.', 'The certificate is malformed (missing or wrong fields).'],
        signature: ['Signature', 'The signature is valid; the content is unchanged.', 'The signature does not verify: the content was changed, or another key signed it.'],
        trust: ['Trust list', 'The signing key is on the province trust list.', 'The signing key is not on the trust list or is not trusted.'],
        scope: ['Scope', 'The issuer may issue this certificate and its key was valid when it signed.', 'The issuer may not issue this certificate, or its key was retired or out of its validity when it signed.'],
        validity: ['Validity', 'The certificate is within its validity period.', 'The certificate is not valid now (not yet valid, or expired).'],
        status: ['Revocation', 'The certificate is not revoked.', 'The certificate is revoked, or its revocation status could not be checked.', 'Revocation not checked: this service has no status list of the issuer.'],
        holder: ['Holder', 'The holder\'s ID number matches the certificate.', 'The holder\'s ID number does not match the certificate.', 'Holder not checked: no ID number was given.']
      },
      revoked: 'The issuer has revoked this certificate.',
      fields: {
        number: 'Certificate number',
        kind: 'Kind',
        name: 'Name',
        idNumberMasked: 'ID number (masked)',
        issuer: 'Issuer',
        issuerId: 'Issuer identifier',
        series: 'Series',
        specialty: 'Specialty',
        level: 'Level',
        titleName: 'Title',
        qualifiedOn: 'Qualified on',
        approvalDocument: 'Approval document',
        evaluationMethod: 'Evaluation method',
        occupationCode: 'Occupation code',
        occupation: 'Occupation',
        skillLevel: 'Level',
        levelName: 'Level name',
        certifiedOn: 'Certified on',
        certificateKind: 'Certificate kind',
        pathway: 'Pathway (rule)',
        licenseId: 'E-licence identifier',
        validFrom: 'Valid from',
        validUntil: 'Valid until',
        created: 'Signed at',
        cryptosuite: 'Signature suite'
      },
      kinds: { TitleCertificate: 'Title certificate', SkillCertificate: 'Skill certificate' },
      verdicts: { eligible: 'ELIGIBLE', not_eligible: 'NOT ELIGIBLE', needs_review: 'NEEDS REVIEW' },
      verdictNotes: {
        eligible: 'Every rule holds on the verified certificates and the applicant\'s declarations.',
        not_eligible: 'Some rule fails; see below.',
        needs_review: 'No rule fails, but something needs the committee\'s or the authority\'s judgement; see below.'
      },
      finding: { ok: 'passed', fail: 'failed', review: 'review', superseded: ' (alternative path, not taken)' }
    }
  };

  const CHECK_ORDER = ['decode', 'schema', 'signature', 'trust', 'scope', 'validity', 'status', 'holder'];
  const $ = (id) => document.getElementById(id);

  let lang = 'zh';
  try {
    const saved = window.localStorage.getItem('ecert.lang');
    if (saved === 'en' || saved === 'zh') lang = saved;
  } catch (e) { /* storage disabled: stay in Chinese */ }

  let last = null;      // {kind: 'verify'|'claim'|'error', data, status, at}
  let trust = null;     // the /api/v1/trust answer
  let stream = null;    // camera MediaStream
  let scanTimer = null;
  let renders = 0;      // #result's data-seq: lets a test tell a new answer from the last

  function t(key) { return STR[lang][key]; }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function applyLang() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('title');
    document.querySelectorAll('[data-i18n]').forEach((e) => {
      const v = STR[lang][e.getAttribute('data-i18n')];
      if (typeof v === 'string') e.textContent = v;
    });
    document.querySelectorAll('[data-i18n-placeholder]').forEach((e) => {
      e.placeholder = STR[lang][e.getAttribute('data-i18n-placeholder')];
    });
    $('lang').textContent = lang === 'zh' ? 'English' : '中文';
    $('lang').lang = lang === 'zh' ? 'en' : 'zh-CN';
    renderTrust();
    if (last) render();
  }

  // ---- results ------------------------------------------------------------

  function showBusy(on) {
    $('result').hidden = false;
    $('busy').hidden = !on;
    $('result').classList.toggle('is-busy', on);
  }

  function clearResult() {
    $('verdict').textContent = '';
    $('verdict').className = 'verdict';
    $('verdict-note').textContent = '';
    $('checked-at').textContent = '';
    $('checks').replaceChildren();
    $('fields').tBodies[0].replaceChildren();
    $('checks-heading').textContent = t('checksHeading');
    $('checks-heading').hidden = true;
    $('fields-heading').hidden = true;
    $('fields').hidden = true;
  }

  function stamp() {
    $('checked-at').textContent = t('checkedAt') +
      last.at.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
  }

  function render() {
    clearResult();
    $('result').hidden = false;
    if (last.kind === 'verify') renderVerify(last.data);
    else if (last.kind === 'claim') renderClaim(last.data);
    else renderError(last.data, last.status);
    stamp();
    $('result').dataset.seq = String(++renders);
  }

  // The result sits under the scanner field; a claim's result is above the claim form,
  // so bring it into view.
  function reveal() {
    const r = $('result');
    if (r.getBoundingClientRect().top < 0 && typeof r.scrollIntoView === 'function') {
      r.scrollIntoView({ block: 'start' });
    }
  }

  function renderError(data, status) {
    $('verdict').textContent = t('requestFailed');
    $('verdict').classList.add('bad');
    let msg = '';
    if (data && data.error) msg = data.error.message + ' (' + data.error.code + ')';
    else if (typeof data === 'string') msg = data;
    if (status) msg = t('httpError') + status + (msg ? ': ' + msg : '');
    $('verdict-note').textContent = msg;
  }

  function renderVerify(r) {
    const ok = r.valid === true;
    const v = $('verdict');
    v.textContent = ok ? t('valid') : t('invalid');
    v.classList.add(ok ? 'good' : 'bad');
    const checks = Array.isArray(r.checks) ? r.checks : [];
    const status = checks.find((c) => c && c.name === 'status');
    $('verdict-note').textContent = ok
      ? t('validNote') + (status && status.ok === null ? ' ' + t('statusUnchecked') : '')
      : t('invalidNote');
    renderChecks(checks);
    if (r.certificate && typeof r.certificate === 'object') renderFields(r.certificate);
  }

  function renderChecks(checks) {
    const ul = $('checks');
    const byName = {};
    checks.forEach((c) => { if (c && typeof c.name === 'string') byName[c.name] = c; });
    const names = CHECK_ORDER.filter((n) => byName[n]).concat(
      Object.keys(byName).filter((n) => CHECK_ORDER.indexOf(n) < 0));
    let failedBefore = false;
    names.forEach((n) => {
      const c = byName[n];
      const words = t('checks')[n] || [n, '', ''];
      const state = c.ok === true ? 'passed' : c.ok === false ? 'failed' : 'not-run';
      // null: skipped after a failure, or (status, holder) nothing to check it against
      const skipped = state === 'not-run' && failedBefore;
      const li = el('li', 'check ' + state);
      li.dataset.check = n;
      li.appendChild(el('span', 'check-mark', state === 'passed' ? '✓' : state === 'failed' ? '✗' : '–'));
      li.appendChild(el('span', 'check-name', words[0]));
      li.appendChild(el('span', 'check-state',
        state === 'passed' ? t('passed') : state === 'failed' ? t('failed') : skipped ? t('notRun') : t('notChecked')));
      let say = state === 'passed' ? words[1] : state === 'failed' ? words[2]
        : skipped ? t('notRunWhy') : (words[3] || t('notCheckedWhy'));
      if (state === 'failed') failedBefore = true;
      if (n === 'status' && state === 'failed' && /revoked/i.test(c.detail || '')) say = t('revoked');
      li.appendChild(el('span', 'check-words', say));
      const detail = lang === 'zh' && c.detailZh ? c.detailZh : c.detail;
      if (detail) li.appendChild(el('span', 'check-detail', detail));
      ul.appendChild(li);
    });
    $('checks-heading').hidden = names.length === 0;
  }

  function addRow(tbody, key, value) {
    if (value === undefined || value === null || value === '') return;
    const tr = el('tr');
    tr.dataset.field = key;
    tr.appendChild(el('th', null, t('fields')[key] || key));
    tr.appendChild(el('td', null, typeof value === 'object' ? JSON.stringify(value) : value));
    tbody.appendChild(tr);
  }

  function renderFields(cert) {
    const tb = $('fields').tBodies[0];
    const s = (cert.credentialSubject && typeof cert.credentialSubject === 'object') ? cert.credentialSubject : {};
    const types = Array.isArray(cert.type) ? cert.type : [];
    const kind = types.find((x) => x === 'TitleCertificate' || x === 'SkillCertificate');
    const issuer = (cert.issuer && typeof cert.issuer === 'object') ? cert.issuer : {};
    const proof = (cert.proof && typeof cert.proof === 'object') ? cert.proof : {};
    addRow(tb, 'number', typeof cert.id === 'string' ? cert.id.replace(/^urn:ecert:/, '') : undefined);
    addRow(tb, 'kind', kind ? (kind === 'SkillCertificate' && s.certificateKind && lang === 'zh'
      ? s.certificateKind : t('kinds')[kind]) : undefined);
    addRow(tb, 'name', s.name);
    addRow(tb, 'idNumberMasked', s.idNumberMasked);
    if (kind === 'TitleCertificate') {
      ['series', 'specialty', 'level', 'titleName', 'qualifiedOn', 'approvalDocument',
        'evaluationMethod'].forEach((k) => addRow(tb, k, s[k]));
      if (s.pathway && typeof s.pathway === 'object') addRow(tb, 'pathway', s.pathway.rule);
    } else {
      addRow(tb, 'occupationCode', s.occupationCode);
      addRow(tb, 'occupation', s.occupation);
      addRow(tb, 'skillLevel', s.level);
      addRow(tb, 'levelName', s.levelName !== s.level ? s.levelName : undefined);
      addRow(tb, 'certifiedOn', s.certifiedOn);
      addRow(tb, 'certificateKind', s.certificateKind);
    }
    addRow(tb, 'issuer', issuer.name);
    addRow(tb, 'issuerId', issuer.id);
    addRow(tb, 'licenseId', cert.licenseId);
    addRow(tb, 'validFrom', cert.validFrom);
    addRow(tb, 'validUntil', cert.validUntil);
    addRow(tb, 'created', proof.created);
    addRow(tb, 'cryptosuite', proof.cryptosuite);
    const any = tb.rows.length > 0;
    $('fields').hidden = !any;
    $('fields-heading').hidden = !any;
  }

  function renderClaim(r) {
    const verdict = typeof r.verdict === 'string' ? r.verdict : '';
    const v = $('verdict');
    v.textContent = t('verdicts')[verdict] || verdict;
    v.classList.add(verdict === 'eligible' ? 'good' : verdict === 'needs_review' ? 'review' : 'bad');
    v.dataset.verdict = verdict;
    $('verdict-note').textContent = t('verdictNotes')[verdict] || '';
    const ul = $('checks');
    (Array.isArray(r.findings) ? r.findings : []).forEach((f) => {
      const state = f.ok === true ? 'passed' : f.ok === false ? 'failed' : 'review';
      const li = el('li', 'check finding ' + state + (f.superseded ? ' superseded' : ''));
      li.dataset.rule = f.rule || '';
      li.appendChild(el('span', 'check-mark', state === 'passed' ? '✓' : state === 'failed' ? '✗' : '?'));
      li.appendChild(el('span', 'check-name', (f.clause || '') + ' ' + (f.rule || '')));
      li.appendChild(el('span', 'check-state', t('finding')[state === 'passed' ? 'ok' : state === 'failed' ? 'fail' : 'review'] +
        (f.superseded ? t('finding').superseded : '')));
      const m = f.message && typeof f.message === 'object' ? (f.message[lang] || f.message.zh || '') : '';
      li.appendChild(el('span', 'check-words', m));
      ul.appendChild(li);
    });
    $('checks-heading').textContent = t('findingsHeading');
    $('checks-heading').hidden = ul.children.length === 0;
  }

  // ---- requests -----------------------------------------------------------

  async function post(path, body, headers, kind) {
    showBusy(true);
    let res;
    try {
      res = await fetch(path, { method: 'POST', body, headers, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      last = { kind: 'error', data: t('networkError') + e.message, status: 0, at: new Date() };
      showBusy(false);
      render();
      return;
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    showBusy(false);
    if (kind === 'verify' && data && Array.isArray(data.checks)) {
      last = { kind: 'verify', data, status: res.status, at: new Date() };
    } else if (kind === 'claim' && res.ok && data && typeof data.verdict === 'string') {
      last = { kind: 'claim', data, status: res.status, at: new Date() };
    } else {
      last = { kind: 'error', data, status: res.status, at: new Date() };
    }
    render();
    reveal();
  }

  function holderHeaders(h) {
    const id = $('holder').value.trim();
    if (id) h['X-Holder-Id'] = id;
    return h;
  }

  function verifyText(text) {
    text = text.trim();
    if (!text) {
      last = { kind: 'error', data: t('empty'), status: 0, at: new Date() };
      render();
      return;
    }
    const type = text.startsWith('{') ? 'application/json' : 'text/plain; charset=utf-8';
    return post('/api/v1/verify', text, holderHeaders({ 'Content-Type': type }), 'verify');
  }

  function verifyImage(blob, name) {
    const form = new FormData();
    form.append('image', blob, name || 'qr.png');
    const id = $('holder').value.trim();
    if (id) form.append('holderId', id);
    return post('/api/v1/verify', form, {}, 'verify');
  }

  // ---- camera (BarcodeDetector where the browser has it) --------------------

  function stopCamera() {
    if (scanTimer) { clearTimeout(scanTimer); scanTimer = null; }
    if (stream) { stream.getTracks().forEach((tr) => tr.stop()); stream = null; }
    $('camera-video').srcObject = null;
    $('camera-box').hidden = true;
  }

  async function startCamera() {
    if (!('BarcodeDetector' in window)) {
      last = { kind: 'error', data: t('cameraNone'), status: 0, at: new Date() };
      render();
      return;
    }
    let detector;
    try {
      detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (e) {
      stopCamera();
      last = { kind: 'error', data: t('cameraError') + e.message, status: 0, at: new Date() };
      render();
      return;
    }
    const video = $('camera-video');
    video.srcObject = stream;
    $('camera-box').hidden = false;
    await video.play().catch(() => {});
    const tick = async () => {
      if (!stream) return;
      try {
        const codes = await detector.detect(video);
        const qr = codes.find((c) => typeof c.rawValue === 'string' && c.rawValue);
        if (qr) {
          stopCamera();
          verifyText(qr.rawValue);
          return;
        }
      } catch (e) { /* frame not ready yet */ }
      scanTimer = setTimeout(tick, 200);
    };
    tick();
  }

  // ---- trust list footer --------------------------------------------------

  function renderTrust() {
    const p = $('trust-info');
    if (!trust || !trust.trustList) { p.textContent = trust === false ? t('trustUnavailable') : ''; return; }
    const names = (Array.isArray(trust.issuers) ? trust.issuers : [])
      .map((i) => i.name || i.id).filter(Boolean);
    p.textContent = t('trustInfo')
      .replace('{v}', String(trust.trustList.version))
      .replace('{t}', String(trust.trustList.issued || ''))
      .replace('{i}', names.length ? names.join(t('sep')) : t('trustNone')) +
      (trust.rules && trust.rules.documentNumber
        ? ' ' + t('rulesInfo').replace('{d}', trust.rules.documentNumber).replace('{v}', String(trust.rules.version))
        : '');
  }

  async function loadTrust() {
    try {
      const res = await fetch('/api/v1/trust', { cache: 'no-store' });
      trust = res.ok ? await res.json() : false;
    } catch (e) {
      trust = false;
    }
    renderTrust();
  }

  // ---- wiring ---------------------------------------------------------------

  function init() {
    $('scan-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const input = $('scan');
      const text = input.value;
      input.value = '';           // ready for the next scan
      verifyText(text);
      input.focus();
    });
    $('upload').addEventListener('change', async () => {
      const f = $('upload').files[0];
      $('upload').value = '';
      if (!f) return;
      if (/^image\//.test(f.type) || /\.(png|jpe?g)$/i.test(f.name)) {
        verifyImage(f, f.name);
      } else if (f.type === 'application/json' || /\.json$/i.test(f.name)) {
        const text = await f.text();
        post('/api/v1/verify', text, holderHeaders({ 'Content-Type': 'application/json' }), 'verify');
      } else {
        last = { kind: 'error', data: t('notJson'), status: 0, at: new Date() };
        render();
      }
    });
    $('claim-file').addEventListener('change', async () => {
      const f = $('claim-file').files[0];
      $('claim-file').value = '';
      if (f) $('claim-text').value = await f.text();
    });
    $('claim-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = $('claim-text').value.trim();
      if (!text) {
        last = { kind: 'error', data: t('claimEmpty'), status: 0, at: new Date() };
        render();
        return;
      }
      post('/api/v1/claims', text, { 'Content-Type': 'application/json' }, 'claim');
    });
    if ('BarcodeDetector' in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      $('camera').hidden = false;
      $('camera').addEventListener('click', startCamera);
      $('camera-stop').addEventListener('click', stopCamera);
    }
    $('lang').addEventListener('click', () => {
      lang = lang === 'zh' ? 'en' : 'zh';
      try { window.localStorage.setItem('ecert.lang', lang); } catch (e) { /* ignore */ }
      applyLang();
    });
    $('print').addEventListener('click', () => window.print());
    applyLang();
    loadTrust();
    $('scan').focus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
