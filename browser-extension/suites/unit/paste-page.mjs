// Unit tests of the paste page (src/postguard/web/app.js) in jsdom with a stubbed fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { EXT_DIR, answerFor, settle } from '../../testlib/jsdom-env.mjs';

const WEB = join(EXT_DIR, '..', 'src', 'postguard', 'web');
const HTML = readFileSync(join(WEB, 'index.html'), 'utf8').replace(/<script[^>]*><\/script>/, '');
// The page's scripts in the order of index.html (images.js aside); text.js, rows.js and decisions.js
// are the extension's files (symlinks in web/).
const SCRIPTS = ['text.js', 'rows.js', 'decisions.js', 'strings.js', 'app.js'].map((name) => readFileSync(join(WEB, name), 'utf8'));
const IMAGES = readFileSync(join(WEB, 'images.js'), 'utf8');
const MESSAGES = Object.fromEntries(['de', 'en'].map((lang) => [lang, JSON.parse(readFileSync(join(WEB, `messages-${lang}.json`), 'utf8'))]));
const SAMPLE = '🚀 Stolz auf das Sturmvogel-Team! Der Trekker T5 kommt bald.';
const NEEDLES = [['Sturmvogel', 'error'], ['Trekker T5', 'warning']];

const json = (status, body) => ({ ok: status < 400, status, json: async () => structuredClone(body) });

/** The page with a fake server: `routes[path](request)` answers; every request is recorded. */
function open({ languages = ['de-DE'], routes = {}, withImages = false } = {}) {
  const dom = new JSDOM(HTML, { url: 'http://127.0.0.1:8421/', runScripts: 'outside-only', pretendToBeVisual: true });
  const { window } = dom;
  Object.defineProperty(window.navigator, 'languages', { value: languages });
  const requests = [];
  const defaults = {
    'v1/health': () => json(200, { status: 'ok', version: '1.2.3', rule_count: 13 }),
    'v1/channels': () => json(200, { channels: [{ name: 'linkedin-company', business: true }] }),
    'v1/check': (req) => json(200, { ...answerFor(JSON.parse(req.body).text, NEEDLES).result }),
    'v1/feedback': (req) => json(200, { ...JSON.parse(req.body), time: 'now', term: 'ab12' }),
    'static/messages-de.json': () => json(200, MESSAGES.de),
    'static/messages-en.json': () => json(200, MESSAGES.en),
  };
  window.fetch = async (path, init = {}) => {
    const req = { path, method: init.method || 'GET', headers: { ...init.headers }, body: init.body };
    requests.push(req);
    const route = routes[path] || defaults[path];
    return route ? route(req) : json(404, { error: 'not found' });
  };
  window.setTimeout = (fn, ms, ...args) => setTimeout(fn, ms, ...args);
  window.clearTimeout = (id) => clearTimeout(id);
  window.URL.createObjectURL = () => 'blob:preview';
  window.URL.revokeObjectURL = () => {};
  if (withImages) window.eval(IMAGES);
  for (const script of SCRIPTS) window.eval(script);
  const $ = (id) => window.document.getElementById(id);
  const type = (text) => {
    $('draft').value = text;
    $('draft').dispatchEvent(new window.InputEvent('input', { bubbles: true }));
  };
  return { window, document: window.document, $, type, requests };
}

const checks = (requests) => requests.filter((r) => r.path === 'v1/check');

test('German browser: German UI; the switch changes language and is remembered', async () => {
  const { document, $, window } = open({ languages: ['de-DE', 'en'] });
  await settle();
  assert.equal(document.documentElement.lang, 'de');
  assert.equal(document.querySelector('label[for="draft"]').textContent, 'Entwurf');
  assert.equal($('status').textContent, 'Fügen Sie einen Entwurf ein, um ihn zu prüfen.');
  document.querySelector('[data-lang="en"]').click();
  assert.equal(document.documentElement.lang, 'en');
  assert.equal(document.querySelector('label[for="draft"]').textContent, 'Draft');
  assert.equal(document.querySelector('[data-lang="en"]').getAttribute('aria-pressed'), 'true');
  assert.equal(window.localStorage.getItem('postguard.uiLang'), 'en');
  const english = open({ languages: ['fr-FR', 'en-GB'] });
  assert.equal(english.document.documentElement.lang, 'en');
});

test('findings are marked at their UTF-16 spans after an emoji and listed with severity and fix', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { document, $, type, requests } = open();
  await settle();
  type(SAMPLE);
  assert.equal(checks(requests).length, 0, 'debounced');
  t.mock.timers.tick(300);
  await settle();
  assert.deepEqual(JSON.parse(checks(requests)[0].body), { text: SAMPLE, kind: 'post' });
  const marks = [...document.querySelectorAll('#highlights mark')];
  assert.deepEqual(marks.map((m) => m.textContent), ['Sturmvogel', 'Trekker T5']);
  assert.deepEqual(marks.map((m) => m.className), ['sev-error', 'sev-warning']);
  assert.equal($('highlights').textContent, SAMPLE, 'the backdrop holds exactly the draft');
  const items = [...document.querySelectorAll('#findings li')];
  assert.deepEqual(items.map((li) => li.querySelector('.dot').textContent), ['Fehler', 'Warnung']);
  assert.match(items[0].querySelector('.apply').textContent, /the project/);
  assert.match($('status').textContent, /^2 Hinweise\./);
});

test('a fix from the list is written into the draft', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { document, $, type } = open();
  await settle();
  type(SAMPLE);
  t.mock.timers.tick(300);
  await settle();
  document.querySelector('#findings li .apply').click();
  assert.equal($('draft').value, SAMPLE.replace('Sturmvogel', 'the project'));
  assert.deepEqual([...document.querySelectorAll('#highlights mark')].map((m) => m.textContent), ['Trekker T5']);
});

test('nothing found is said clearly, with the number of rules', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { document, $, type } = open();
  await settle();
  type('Schönes Wochenende!');
  t.mock.timers.tick(300);
  await settle();
  assert.equal($('status').className, 'status clean');
  assert.match($('status').textContent, /^Nichts gefunden\. 13 Regeln geprüft/);
  assert.equal(document.querySelectorAll('#highlights mark').length, 0);
  assert.equal($('status').getAttribute('role'), 'status');
});

test('channel, kind, language and publication date are sent', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { $, type, requests } = open();
  await settle();
  assert.deepEqual([...$('channel').options].map((o) => o.value), ['', 'linkedin-company']);
  $('channel').value = 'linkedin-company';
  $('kind').value = 'article';
  $('lang').value = 'de';
  $('publishAt').value = '2027-05-05T10:00';
  type('Hallo');
  t.mock.timers.tick(300);
  await settle();
  const body = JSON.parse(checks(requests)[0].body);
  assert.equal(body.channel, 'linkedin-company');
  assert.equal(body.kind, 'article');
  assert.equal(body.lang, 'de');
  assert.match(body.publish_at, /^2027-05-05T10:00:00[+-]\d\d:\d\d$/);
});

test('a server without a channel list gets a free text channel field', async () => {
  const { $ } = open({ routes: { 'v1/channels': () => json(404, { error: 'not found' }) } });
  await settle();
  assert.equal($('channel').localName, 'input');
  assert.equal(document_label($('channel')), 'Kanal');
});

function document_label(el) {
  return el.ownerDocument.querySelector(`label[for="${el.id}"]`).textContent;
}

test('a server with a token: the page asks for it and then sends it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const guarded = (answer) => (req) => (req.headers.Authorization === 'Bearer t0k' ? answer(req) : json(401, { error: 'token' }));
  const { window, $, type, requests } = open({
    routes: {
      'v1/health': guarded(() => json(200, { status: 'ok', version: '1', rule_count: 3 })),
      'v1/channels': guarded(() => json(200, { channels: [{ name: 'blog', business: true }] })),
      'v1/check': guarded((req) => json(200, answerFor(JSON.parse(req.body).text, NEEDLES).result)),
    },
  });
  await settle();
  assert.equal($('tokenField').hidden, false);
  type(SAMPLE);
  t.mock.timers.tick(300);
  await settle();
  assert.match($('status').textContent, /Token/);
  $('token').value = 't0k';
  $('token').dispatchEvent(new window.Event('change', { bubbles: true }));
  await settle();
  assert.equal(checks(requests).at(-1).headers.Authorization, 'Bearer t0k');
  assert.equal(window.document.querySelectorAll('#highlights mark').length, 2);
  assert.deepEqual([...$('channel').options].map((o) => o.value), ['', 'blog']);
  assert.equal(window.sessionStorage.getItem('postguard.token'), 't0k');
});

test('a refused check shows the server\'s reason; a dead server says how to start it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const refused = open({ routes: { 'v1/check': () => json(400, { error: "unknown channel 'x'" }) } });
  await settle();
  refused.type('Hallo');
  t.mock.timers.tick(300);
  await settle();
  assert.equal(refused.$('status').textContent, "Die Prüfung ist fehlgeschlagen (HTTP 400). unknown channel 'x'");
  const dead = open({ routes: { 'v1/check': () => Promise.reject(new TypeError('Failed to fetch')) } });
  await settle();
  dead.type('Hallo');
  t.mock.timers.tick(300);
  await settle();
  assert.match(dead.$('status').textContent, /postguard serve/);
});

test('the draft is never stored in the browser', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { window, type } = open();
  await settle();
  type(SAMPLE);
  t.mock.timers.tick(300);
  await settle();
  window.document.querySelector('[data-lang="en"]').click();
  for (const storage of [window.localStorage, window.sessionStorage]) {
    for (let i = 0; i < storage.length; i++) assert.ok(!storage.getItem(storage.key(i)).includes('Sturmvogel'));
  }
});

async function checked(t, options) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const page = open(options);
  await settle();
  page.type(SAMPLE);
  t.mock.timers.tick(300);
  await settle();
  const items = () => [...page.document.querySelectorAll('#findings li')];
  const feedback = () => page.requests.filter((r) => r.path === 'v1/feedback').map((r) => JSON.parse(r.body));
  const submit = (form) => form.dispatchEvent(new page.window.Event('submit', { bubbles: true, cancelable: true }));
  const fill = (input, value) => {
    input.value = value;
    input.dispatchEvent(new page.window.Event('input', { bubbles: true }));
  };
  return { ...page, items, feedback, submit, fill };
}

test('post anyway: an error needs a reason; then the finding is hidden for this draft and recorded without the draft', async (t) => {
  const { document, $, items, feedback, submit, fill, type } = await checked(t);
  assert.deepEqual(items().map((li) => [...li.querySelectorAll('.decide button')].map((b) => b.textContent)),
    [['Trotzdem posten', 'Das ist falsch'], ['Trotzdem posten', 'Das ist falsch']]);
  items()[0].querySelector('.act.override').click();
  const form = items()[0].querySelector('form.override');
  assert.ok(form, 'the form opens in the finding');
  assert.equal(document.activeElement, form.querySelector('.reason'), 'the reason field has the focus');
  submit(form);
  await settle();
  assert.equal(items()[0].querySelector('[role="alert"]').textContent, 'Bitte kurz begründen: dieser Hinweis ist ein Fehler.');
  assert.deepEqual(feedback(), [], 'nothing recorded without a reason');
  fill(items()[0].querySelector('.reason'), 'Freigegeben von der Presse');
  submit(items()[0].querySelector('form'));
  await settle();
  assert.deepEqual(feedback(), [{ action: 'override', rule_id: 'PG999', match: 'Sturmvogel', site: 'paste-page', reason: 'Freigegeben von der Presse' }]);
  assert.deepEqual(items().map((li) => li.querySelector('.match').textContent), ['Trekker T5']);
  assert.deepEqual([...document.querySelectorAll('#highlights mark')].map((m) => m.textContent), ['Trekker T5']);
  assert.match($('status').textContent, /^1 Hinweis\./);
  assert.equal(document.activeElement, $('draft'), 'back in the draft');
  // Checked again (an edit elsewhere): still hidden. An emptied draft is a new draft.
  type(SAMPLE + ' Ja.');
  t.mock.timers.tick(300);
  await settle();
  assert.deepEqual(items().map((li) => li.querySelector('.match').textContent), ['Trekker T5']);
  type('');
  type(SAMPLE);
  t.mock.timers.tick(300);
  await settle();
  assert.equal(items().length, 2);
});

test('a warning may be posted anyway without a reason; Escape closes the form and the focus returns', async (t) => {
  const { document, items, feedback, submit } = await checked(t);
  items()[1].querySelector('.act.override').click();
  assert.equal(items()[1].querySelector('.reason').required, false);
  items()[1].querySelector('form').dispatchEvent(new document.defaultView.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  assert.equal(items()[1].querySelector('form'), null);
  assert.equal(document.activeElement, items()[1].querySelector('.act.override'));
  items()[1].querySelector('.act.override').click();
  submit(items()[1].querySelector('form'));
  await settle();
  assert.deepEqual(feedback().map((f) => [f.action, f.match, f.reason]), [['override', 'Trekker T5', '']]);
  assert.equal(items().length, 1);
});

test('this is wrong: recorded, and a ready-to-send text that quotes the words only when ticked', async (t) => {
  const { window, items, feedback, submit, fill } = await checked(t, { languages: ['en-GB'] });
  items()[1].querySelector('.act.wrong').click();
  fill(items()[1].querySelector('.reason'), 'a product name in public');
  submit(items()[1].querySelector('form'));
  await settle();
  let report = items()[1].querySelector('.report').value;
  assert.match(report, /^postguard: a finding I think is wrong\nRule: PG999 \(test\)\nSite: paste-page\nTime: /);
  assert.match(report, /Comment: a product name in public$/);
  assert.doesNotMatch(report, /Trekker/, 'no words unless ticked');
  assert.equal(window.document.activeElement, items()[1].querySelector('.report'));
  items()[1].querySelector('.act:not(.primary)[aria-label="Close"]').click();
  items()[1].querySelector('.act.wrong').click();
  const quote = items()[1].querySelector('input.quote');
  quote.checked = true;
  quote.dispatchEvent(new window.Event('change', { bubbles: true }));
  submit(items()[1].querySelector('form'));
  await settle();
  report = items()[1].querySelector('.report').value;
  assert.match(report, /Matched words: “Trekker T5”/);
  assert.deepEqual(feedback().map((f) => [f.action, f.rule_id, f.match, f.site]),
    [['false_positive', 'PG999', 'Trekker T5', 'paste-page'], ['false_positive', 'PG999', 'Trekker T5', 'paste-page']]);
  assert.equal(items().length, 2, 'a report hides nothing');
  for (const body of feedback()) assert.ok(!JSON.stringify(body).includes('Stolz'), 'never the draft text');
});

test('an image finding without a box (its metadata) is listed in the same row form, marked as the file', async () => {
  const answer = {
    findings: [], language: 'de', pack_fingerprint: 'x',
    images: [{ width: 10, height: 10, findings: [{ rule_id: 'PG460', rule_name: 'image-gps', severity: 'warning', message: 'GPS position', match: '', box: null }] }],
  };
  const { window, document } = open({ withImages: true, routes: { 'v1/check': () => json(200, answer) } });
  await settle();
  const paste = new window.Event('paste', { bubbles: true, cancelable: true });
  paste.clipboardData = { files: [new window.File(['x'], 'photo.jpg', { type: 'image/jpeg' })] };
  document.getElementById('draft').dispatchEvent(paste);
  await settle();
  const rows = [...document.querySelectorAll('#images figure .findings li')];
  assert.deepEqual(rows.map((li) => [li.dataset.rule, li.querySelector('.msg').textContent, li.querySelector('.dot').textContent]),
    [['PG460', 'GPS position', 'Warnung']]);
  assert.equal(rows[0].querySelector('.body > span.rule').textContent, 'in der Datei', 'marked as the whole file');
  assert.ok(rows[0].querySelector('.body > span.rule + .decide'), 'its decisions follow');
});

test('image findings: post anyway (a reason for an error) and this is wrong, recorded without draft or image', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const imageFinding = (rule, severity, match, box) => ({ rule_id: rule, rule_name: 'test', severity, message: 'About ' + match, match, box });
  const answer = (req) => ({
    ...answerFor(req.body.get('text'), NEEDLES).result,
    images: [{ width: 900, height: 160, findings: [
      imageFinding('PG101', 'error', 'Sturmvogel', [10, 80, 300, 40]),
      imageFinding('PG104', 'warning', 'VERTRAULICH', [10, 20, 200, 40]),
    ] }],
  });
  const { window, document, $, type, requests } = open({ languages: ['en-GB'], withImages: true, routes: { 'v1/check': (req) => json(200, answer(req)) } });
  await settle();
  type(SAMPLE);
  const paste = new window.Event('paste', { bubbles: true, cancelable: true });
  paste.clipboardData = { files: [new window.File(['PNGDATA'], 'slide.png', { type: 'image/png' })] };
  $('draft').dispatchEvent(paste);
  await settle();
  const imageRows = () => [...document.querySelectorAll('#images figure .findings li')];
  const boxes = () => document.querySelectorAll('#images figure .box').length;
  const feedback = () => requests.filter((r) => r.path === 'v1/feedback');
  const submit = (form) => form.dispatchEvent(new window.Event('submit', { bubbles: true, cancelable: true }));
  assert.deepEqual(imageRows().map((li) => [...li.querySelectorAll('.decide button')].map((b) => b.textContent)),
    [['Post anyway', 'This is wrong'], ['Post anyway', 'This is wrong']]);
  assert.equal(boxes(), 2);
  assert.match($('status').textContent, /^4 findings/);
  // Post anyway on the image's codename: an error needs a reason.
  imageRows()[0].querySelector('.act.override').click();
  assert.equal(document.activeElement, imageRows()[0].querySelector('form.override .reason'), 'the reason field has the focus');
  submit(imageRows()[0].querySelector('form'));
  await settle();
  assert.match(imageRows()[0].querySelector('[role="alert"]').textContent, /reason/);
  assert.equal(feedback().length, 0, 'nothing recorded without a reason');
  const reason = imageRows()[0].querySelector('.reason');
  reason.value = 'Image: approved by the press office';
  reason.dispatchEvent(new window.Event('input', { bubbles: true }));
  submit(imageRows()[0].querySelector('form'));
  await settle();
  assert.deepEqual(imageRows().map((li) => li.dataset.rule), ['PG104'], 'hidden: its row...');
  assert.equal(boxes(), 1, '...and its box');
  assert.deepEqual([...document.querySelectorAll('#findings li .match')].map((m) => m.textContent), ['Sturmvogel', 'Trekker T5'],
    'the same words in the draft are a finding of their own');
  assert.match($('status').textContent, /^3 findings/);
  assert.equal(document.activeElement, $('draft'));
  // A new check of the same draft and image keeps it hidden.
  type(SAMPLE + ' Yes.');
  t.mock.timers.tick(300);
  await settle();
  assert.deepEqual(imageRows().map((li) => li.dataset.rule), ['PG104']);
  // This is wrong on the other one: a report for compliance; Escape returns to its button.
  imageRows()[0].querySelector('.act.wrong').click();
  const quote = imageRows()[0].querySelector('input.quote');
  quote.checked = true;
  quote.dispatchEvent(new window.Event('change', { bubbles: true }));
  submit(imageRows()[0].querySelector('form'));
  await settle();
  assert.match(imageRows()[0].querySelector('.report').value, /Site: paste-page\n[^]*Matched words: “VERTRAULICH”/);
  assert.equal(document.activeElement, imageRows()[0].querySelector('.report'));
  imageRows()[0].querySelector('form').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  assert.equal(document.activeElement, imageRows()[0].querySelector('.act.wrong'), 'back on the row');
  // What went to the log: JSON with the rule, the image's words (fingerprinted there), the site and the reason.
  assert.deepEqual(feedback().map((r) => JSON.parse(r.body)), [
    { action: 'override', rule_id: 'PG101', match: 'Sturmvogel', site: 'paste-page', reason: 'Image: approved by the press office' },
    { action: 'false_positive', rule_id: 'PG104', match: 'VERTRAULICH', site: 'paste-page', reason: '' },
  ]);
  for (const r of feedback()) {
    assert.equal(typeof r.body, 'string', 'JSON, never a form with the image');
    assert.ok(!r.body.includes('Stolz') && !r.body.includes('PNGDATA') && !r.body.includes('slide.png'));
  }
});
