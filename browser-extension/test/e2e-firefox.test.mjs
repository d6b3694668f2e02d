// End to end in Firefox: the extension as a temporary add-on in headless Firefox ESR (driven over
// WebDriver BiDi), its content script on a local compose page, against a running `postguard serve`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXT_DIR, SAMPLE, SERVER_URL, SKIP_REASON, artifactsDir, equalTo, markRects, poll, serveFile, textUnderHighlights } from '../testlib/e2e.mjs';
import { FIREFOX, launchFirefox, seededCopy } from '../testlib/firefox.mjs';

const SKIP = SKIP_REASON || (existsSync(FIREFOX) ? false : `${FIREFOX} is not installed (Debian: firefox-esr)`);

let ff;
let site;
let extDir;
let tab;

async function highlighted(selector) {
  const marks = await ff.overlayEval(tab, '.mark', markRects);
  return ff.call(tab, textUnderHighlights, { selector, marks });
}

const waitForHighlights = (selector, expected, options) => poll(() => highlighted(selector), equalTo(expected), options);

before(async () => {
  if (SKIP) return;
  site = await serveFile(join(EXT_DIR, 'testlib/compose.html'));
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
  if (extDir) rmSync(extDir, { recursive: true, force: true });
});

test('Firefox: the content script highlights the findings in a textarea and a contenteditable', { skip: SKIP }, async () => {
  // The worker registers the content script for the added site once the seeded settings arrive;
  // load the page until the script is there (it marks nothing until a box has the focus).
  let ready = false;
  for (let attempt = 0; attempt < 20 && !ready; attempt++) {
    await ff.send('browsingContext.navigate', { context: tab, url: site.url, wait: 'complete' });
    await ff.click(tab, '#ta');
    await ff.type(tab, 'Sturmvogel ');
    ready = JSON.stringify(await waitForHighlights('#ta', ['Sturmvogel'], { timeout: 2500 })) === '["Sturmvogel"]';
  }
  assert.ok(ready, 'the content script ran on the added site and drew a highlight');
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
