// End to end in Firefox: the extension as a temporary add-on in headless Firefox ESR (driven over
// WebDriver BiDi), its content script on a local compose page, against a running `postguard serve`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXT_DIR, SAMPLE, SERVER_URL, SKIP_REASON, artifactsDir, equalTo, markRects, poll, serveFile, textUnderHighlights } from '../testlib/e2e.mjs';
import { EDITABLE, EDITORS, IMAGE, dropTooLarge, serveEditors } from '../testlib/editors.mjs';
import { FIREFOX, launchFirefox, seededCopy } from '../testlib/firefox.mjs';

const SKIP = SKIP_REASON || (existsSync(FIREFOX) ? false : `${FIREFOX} is not installed (Debian: firefox-esr)`);

let ff;
let site;
let extDir;
let tab;
let editors;
let files;

async function highlighted(selector) {
  const marks = await ff.overlayEval(tab, '.mark', markRects);
  return ff.call(tab, textUnderHighlights, { selector, marks });
}

const waitForHighlights = (selector, expected, options) => poll(() => highlighted(selector), equalTo(expected), options);

before(async () => {
  if (SKIP) return;
  site = await serveFile(join(EXT_DIR, 'testlib/compose.html'));
  editors = await serveEditors();
  files = mkdtempSync(join(tmpdir(), 'postguard-files-'));
  // What a user sets on the options page: the server, and the test page's site.
  extDir = seededCopy(EXT_DIR, { serverUrl: SERVER_URL, customSites: ['http://127.0.0.1'] }); // as normaliseOrigin stores it
  ff = await launchFirefox();
  const { extension } = await ff.send('webExtension.install', { extensionData: { type: 'path', path: extDir } });
  assert.equal(extension, 'postguard@postguard.invalid');
  const { contexts } = await ff.send('browsingContext.getTree', {});
  tab = contexts[0].context;
});

after(async () => {
  if (ff) await ff.close();
  if (site) await site.close();
  if (editors) await editors.close();
  if (files) rmSync(files, { recursive: true, force: true });
  if (extDir) rmSync(extDir, { recursive: true, force: true });
});

test('Firefox: the content script highlights the findings in a textarea and a contenteditable', { skip: SKIP }, async (t) => {
  // The worker registers the content script for the added site once the seeded settings arrive;
  // load the page until the script is there: it puts its overlay on the page as soon as a box is
  // typed in (no need to wait for a check to know). Typed, not only clicked: the headless window
  // has no focus, and a click there sends no focusin.
  let ready = false;
  const started = Date.now();
  let attempts = 0;
  for (let attempt = 0; attempt < 40 && !ready; attempt++) {
    attempts++;
    await ff.send('browsingContext.navigate', { context: tab, url: site.url, wait: 'complete' });
    await ff.click(tab, '#ta');
    await ff.type(tab, 'x');
    ready = await poll(() => ff.call(tab, () => document.querySelector('postguard-overlay') !== null), Boolean, { timeout: 500 });
  }
  t.diagnostic(`content script after ${attempts} loads, ${Date.now() - started} ms`);
  assert.ok(ready, 'the content script runs on the added site');
  await ff.call(tab, () => {
    const ta = document.querySelector('#ta');
    ta.value = '';
    ta.dispatchEvent(new InputEvent('input', { bubbles: true }));
  });
  await ff.type(tab, SAMPLE);
  assert.deepEqual(await waitForHighlights('#ta', ['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  assert.equal(await ff.call(tab, () => document.querySelector('#ta').value), SAMPLE, 'the text is unchanged');
  const items = await ff.overlayEval(tab, '.item', (els) =>
    els.map((el) => ({ rule: el.dataset.rule, severity: el.className, message: el.querySelector('.msg').textContent })),
  );
  assert.equal(items.length, 2);
  assert.equal(new Set(items.map((i) => i.rule)).size, 2);
  for (const item of items) assert.ok(item.message.trim().length > 0);
  assert.deepEqual(
    items.map((i) => i.severity.replace('item sev-', '')),
    await ff.overlayEval(tab, '.mark', (els) => els.map((el) => el.className.replace('mark sev-', ''))),
  );
  // The page's own scripts cannot reach the panel in Firefox either: its shadow root is closed.
  assert.equal(await ff.call(tab, () => document.querySelector('postguard-overlay').shadowRoot), null);
  const shot = await ff.send('browsingContext.captureScreenshot', { context: tab });
  writeFileSync(join(artifactsDir(), 'extension-firefox.png'), Buffer.from(shot.data, 'base64'));

  await ff.click(tab, '#ed');
  await ff.type(tab, SAMPLE);
  assert.deepEqual(await waitForHighlights('#ed', ['Sturmvogel', 'Trekker T5']), ['Sturmvogel', 'Trekker T5']);
  assert.equal(await ff.call(tab, () => document.querySelector('#ed').textContent), SAMPLE);
});

/** The image entries of the panel: name, status and the rules of their findings. */
const imageEntries = () => ff.overlayEval(tab, '.images .image', (els) => els.map((el) => ({
  name: el.querySelector('.image-name').textContent,
  status: el.dataset.status,
  rules: [...el.querySelectorAll('.item')].map((item) => item.dataset.rule),
})));

/** Choose a file in a file input as the user does (WebDriver BiDi input.setFiles). */
async function chooseFile(selector, name) {
  const path = join(files, name);
  copyFileSync(IMAGE, path);
  const { result } = await ff.send('script.evaluate', {
    expression: `document.querySelector(${JSON.stringify(selector)})`,
    target: { context: tab },
    awaitPromise: false,
    resultOwnership: 'none',
  });
  await ff.send('input.setFiles', { context: tab, element: { sharedId: result.sharedId }, files: [path] });
}

for (const name of EDITORS) {
  test(`Firefox, ${name}: typed text is highlighted exactly; images attached by file input and drop are checked`, { skip: SKIP }, async () => {
    await ff.send('browsingContext.navigate', { context: tab, url: editors.url(name), wait: 'complete' });
    await poll(() => ff.call(tab, () => window.editorReady === true), (ready) => ready);
    const editable = EDITABLE[name];
    await ff.click(tab, editable);
    // A BiDi click into an empty TipTap editor in headless Firefox leaves no caret (the keys then
    // go nowhere, with or without the extension): place it with TipTap's own focus command.
    if (name === 'tiptap') await ff.call(tab, () => window.tiptap.commands.focus('end'));
    // Type once the editor has the focus (a key sent before is lost: seen for the emoji, on a loaded machine).
    const focused = () => ff.call(tab, (sel) => document.querySelector(sel).contains(document.activeElement), editable);
    assert.ok(await poll(focused, Boolean), 'the editor has the focus');
    await ff.type(tab, SAMPLE);
    const expected = ['Sturmvogel', 'Trekker T5'];
    assert.deepEqual(await waitForHighlights(editable, expected, { timeout: 15000 }), expected);
    assert.equal(await ff.call(tab, (sel) => document.querySelector(sel).textContent, editable), SAMPLE);
    await chooseFile('#photo', `${name}-input.png`);
    await ff.call(tab, (sel, file) => window.attach('drop', file, sel), editable, `${name}-drop.png`);
    // No paste here: Firefox empties the DataTransfer of a ClipboardEvent made by a script, and its
    // headless clipboard holds no images; pasting is tested in Chromium (suites/chromium/editors.mjs).
    const want = ['input', 'drop'].map((how) => ({ name: `${name}-${how}.png`, status: 'done', rules: ['PG101'] }));
    assert.deepEqual(await poll(imageEntries, equalTo(want), { timeout: 20000 }), want);
    if (name !== 'quill') return; // the rule for other inputs is the same on every page: one look is enough
    await chooseFile('#avatar', 'avatar.png');
    // Then a file dropped into the editor: once it is listed, the avatar's event (earlier) was handled.
    await ff.call(tab, dropTooLarge, editable);
    const names = [...want.map((e) => e.name), 'too-large.png'];
    assert.deepEqual(await poll(async () => (await imageEntries()).map((e) => e.name), equalTo(names)), names, 'the profile picture is not sent');
  });
}

// WebDriver key values (https://w3c.github.io/webdriver/#keyboard-actions).
const KEY = { enter: '\uE007', escape: '\uE00C' };

test('Firefox, the paste page: findings in place; post anyway and this is wrong; an image by file input', { skip: SKIP }, async () => {
  await ff.send('browsingContext.navigate', { context: tab, url: SERVER_URL + '/', wait: 'complete' });
  await ff.call(tab, () => document.querySelector('[data-lang="en"]').click());
  await ff.click(tab, '#draft');
  await ff.type(tab, SAMPLE);
  const marks = () => ff.call(tab, () => [...document.querySelectorAll('#highlights mark')].map((m) => {
    const r = m.getBoundingClientRect();
    return { index: m.dataset.index, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }));
  const underMarks = async () => ff.call(tab, textUnderHighlights, { selector: '#draft', marks: await marks() });
  assert.deepEqual(await poll(underMarks, equalTo(['Sturmvogel', 'Trekker T5'])), ['Sturmvogel', 'Trekker T5']);
  // The extension (installed, and on for 127.0.0.1) leaves the paste page alone.
  assert.equal(await ff.call(tab, () => document.querySelector('postguard-overlay')), null);
  // Key events reach the page after performActions answers: wait for where the focus goes.
  const focus = () => ff.call(tab, () => document.activeElement.className || document.activeElement.id);
  const focusOn = (want) => poll(focus, (value) => value === want);
  // Buttons by a click: in headless Firefox, Enter or Space on a focused button does not activate
  // it (the key events arrive, and Enter in a field submits its form; the window never has the
  // focus: document.hasFocus() stays false, also after browsingContext.activate). Keyboard-only
  // use of the page is tested in Chromium.
  const clickOn = async (selector) => {
    await ff.call(tab, (sel) => document.querySelector(sel).scrollIntoView({ block: 'center' }), selector);
    await ff.click(tab, selector);
  };
  await clickOn('#findings li .act.override');
  assert.equal(await focusOn('reason'), 'reason');
  await ff.type(tab, 'Firefox: approved by the press office' + KEY.enter);
  assert.deepEqual(await poll(underMarks, equalTo(['Trekker T5'])), ['Trekker T5']);
  assert.equal(await focusOn('draft'), 'draft');
  await clickOn('#findings li .act.wrong');
  await ff.type(tab, 'Firefox: a generic word');
  await clickOn('#findings li input.quote');
  await clickOn('#findings li .reason');
  await ff.type(tab, KEY.enter);
  const report = await poll(() => ff.call(tab, () => document.querySelector('#findings .report')?.value ?? ''), (v) => v !== '');
  assert.match(report, /Site: paste-page\n/);
  assert.match(report, /Matched words: “Trekker T5”/);
  assert.equal(await focusOn('report'), 'report');
  await ff.type(tab, KEY.escape);
  assert.equal(await focusOn('act wrong'), 'act wrong');
  // No paste of an image here (see above): the page's file input, as a user picks a file.
  await chooseFile('#imageInput', 'paste-page.png');
  const rules = () => ff.call(tab, () => [...document.querySelectorAll('#images figure .findings li')].map((li) => li.dataset.rule));
  assert.deepEqual(await poll(rules, equalTo(['PG101']), { timeout: 20000 }), ['PG101']);
  // The image's finding has the same decisions: "this is wrong", into the log.
  await clickOn('#images figure .findings li .act.wrong');
  assert.equal(await focusOn('reason'), 'reason');
  await ff.type(tab, 'Firefox: the picture is public' + KEY.enter);
  const imageReport = await poll(() => ff.call(tab, () => document.querySelector('#images .report')?.value ?? ''), (v) => v !== '');
  assert.match(imageReport, /Rule: PG101 [^]*Site: paste-page\n/);
  const shot = await ff.send('browsingContext.captureScreenshot', { context: tab });
  writeFileSync(join(artifactsDir(), 'paste-page-firefox.png'), Buffer.from(shot.data, 'base64'));
});
