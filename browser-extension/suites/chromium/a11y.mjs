// Accessibility of the findings panel, checked with axe-core (WCAG 2 A and AA, contrast included)
// in headless Chromium, in the light and the dark colour scheme. The panel is built by the real
// panel.js with the real styles into an open shadow root of a local page (in the extension it is
// closed, which axe cannot enter): text findings of each severity, an image with a finding, an
// open "post anyway" form with its error, a false-positive report. Also: both locales have the
// same messages.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, EXT_DIR, sharedChromium } from '../../testlib/e2e.mjs';

const SKIP = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`;
const SCRIPTS = ['content/text.js', 'content/images.js', 'content/rows.js', 'content/panel.js', 'content/styles.js'];
const messages = (lang) => JSON.parse(readFileSync(join(EXT_DIR, `_locales/${lang}/messages.json`), 'utf8'));

let browser;
before(async () => {
  if (!SKIP) browser = await sharedChromium();
});

/** Runs in the page: the panel with every kind of content, in an open shadow root. */
function buildPanel(en) {
  const t = (key, subs) => (en[key] ? en[key].message.replace(/\$(\d)/g, (_, n) => (subs || [])[n - 1] ?? '') : key);
  const host = document.createElement('div');
  document.body.append(host);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = globalThis.PostguardStyles;
  const panel = document.createElement('div');
  panel.className = 'panel';
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-label', t('panelLabel'));
  shadow.append(style, panel);
  const finding = (severity, n) => ({ key: 'k' + n, ruleId: 'PG10' + n, ruleName: 'rule-' + severity, severity,
    message: 'A ' + severity + ' about the draft', replacements: n === 1 ? ['the project'] : [], match: 'x' });
  const view = {
    findings: [finding('error', 1), finding('warning', 2), finding('info', 3)],
    images: [{ key: 'img', name: 'shot.png', url: '', status: 'done', error: '', findings: [{ ...finding('error', 4), key: 'i4' }] }],
    notice: null, collapsed: false, anchor: { left: 10, top: 10, right: 20, bottom: 20 },
    editing: { key: 'k1', kind: 'override', reason: '', quote: false, error: t('overrideReasonMissing'), report: null },
  };
  const noop = () => {};
  const actions = { toggle: noop, dismiss: noop, select: noop, removeImage: noop, decide: noop, cancel: noop, edit: noop, confirm: noop };
  const ui = globalThis.PostguardPanel.create({ doc: document, win: window, t });
  ui.render(panel, view, actions);
  const second = panel.cloneNode(false);
  shadow.append(second);
  ui.render(second, { ...view, editing: { ...view.editing, key: 'k2', kind: 'wrong', error: '', report: 'postguard: report text' } }, actions);
  second.style.top = '400px';
  return panel.querySelectorAll('.item').length;
}

for (const scheme of ['light', 'dark']) {
  test(`the panel passes axe-core WCAG 2 AA (contrast included), ${scheme} scheme`, { skip: SKIP }, async () => {
    const page = await browser.ctx.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.setContent('<!doctype html><html lang="en"><head><title>panel</title></head><body><main></main></body></html>');
    for (const script of SCRIPTS) await page.addScriptTag({ content: readFileSync(join(EXT_DIR, script), 'utf8') });
    await page.addScriptTag({ content: readFileSync(join(EXT_DIR, 'node_modules/axe-core/axe.min.js'), 'utf8') });
    assert.equal(await page.evaluate(buildPanel, messages('en')), 4);
    const result = await page.evaluate(() => globalThis.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }));
    const violations = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ') + ' ' + (n.any[0]?.message || '')).join('; ')}`);
    assert.deepEqual(violations, []);
    assert.ok(result.passes.some((p) => p.id === 'color-contrast'), 'contrast was really measured');
    await page.close();
  });
}

test('German and English have the same messages, with the same placeholders', () => {
  const en = messages('en');
  const de = messages('de');
  assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
  for (const key of Object.keys(en)) {
    const subs = (m) => (m.match(/\$\d/g) || []).sort().join();
    assert.equal(subs(de[key].message), subs(en[key].message), key);
  }
});
