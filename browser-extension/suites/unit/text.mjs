// Unit tests of the text form and offset mapping (content/text.js) in jsdom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePage } from '../../testlib/jsdom-env.mjs';

const SAMPLE = '🚀 Stolz auf das Sturmvogel-Team! Der Trekker T5 kommt bald.';

function load(html, url) {
  const page = makePage({ html, url, scripts: ['content/text.js'] });
  return { ...page, T: page.window.PostguardText };
}

function spanText(T, document, el, needle) {
  const extracted = T.extractEditable(el);
  const start = extracted.text.indexOf(needle);
  assert.ok(start >= 0, `${needle} not in ${JSON.stringify(extracted.text)}`);
  const range = T.rangeFor(extracted, start, start + needle.length, document);
  return range ? range.toString() : null;
}

test('a contenteditable reads as its text nodes, blocks and <br> as newlines', () => {
  const { T, document } = load(
    '<div id="ed" contenteditable="true"><p>Erste <b>Zeile</b></p><p>zweite<br>dritte</p>' +
      '<div><br></div><div>nach Leerzeile</div></div>',
  );
  const { text } = T.extractEditable(document.getElementById('ed'));
  assert.equal(text, 'Erste Zeile\nzweite\ndritte\n\nnach Leerzeile');
});

test('placeholder <br> at the end of a block adds nothing; a plain div reads as its text', () => {
  const { T, document } = load('<div id="a" contenteditable>Hallo<br></div><div id="b" contenteditable>x<br><br></div>');
  assert.equal(T.extractEditable(document.getElementById('a')).text, 'Hallo');
  assert.equal(T.extractEditable(document.getElementById('b')).text, 'x\n');
});

test('no-break spaces read as spaces without changing any offset', () => {
  const { T, document } = load('<div id="ed" contenteditable>Trekker\u00a0T5\u00a0</div>');
  const extracted = T.extractEditable(document.getElementById('ed'));
  assert.equal(extracted.text, 'Trekker T5 ');
  assert.equal(extracted.text.length, document.getElementById('ed').textContent.length);
});

test('markup whitespace between blocks is not part of the text', () => {
  const { T, document } = load('<div id="ed" contenteditable>\n  <p>eins</p>\n  <p>zwei</p>\n</div>');
  assert.equal(T.extractEditable(document.getElementById('ed')).text, 'eins\nzwei');
});

test('scripts, inputs and buttons inside the box are never read', () => {
  const { T, document } = load(
    '<div id="ed" contenteditable>Text<input type="password" value="geheim"><script>var x="nein"</script>' +
      '<button>Senden</button> Ende</div>',
  );
  assert.equal(T.extractEditable(document.getElementById('ed')).text, 'Text Ende');
});

test('UTF-16 offsets after an emoji map to exactly the finding, across element boundaries', () => {
  const { T, document } = load(
    `<div id="ed" contenteditable><p>🚀 Stolz auf das <i>Sturm</i>vogel-Team!</p><p>Der Trekker T5 kommt bald.</p></div>`,
  );
  const ed = document.getElementById('ed');
  assert.equal(spanText(T, document, ed, 'Sturmvogel'), 'Sturmvogel');
  assert.equal(spanText(T, document, ed, 'Trekker T5'), 'Trekker T5');
  // The emoji is two UTF-16 units: the finding starts at 17, not 16.
  const extracted = T.extractEditable(ed);
  assert.equal(extracted.text.indexOf('Sturmvogel'), 17);
  assert.equal([...extracted.text.slice(0, 17)].length, 16);
});

test('a span that starts on a synthetic newline begins in the next text node', () => {
  const { T, document } = load('<div id="ed" contenteditable><p>ab</p><p>cd</p></div>');
  const ed = document.getElementById('ed');
  const extracted = T.extractEditable(ed);
  assert.equal(extracted.text, 'ab\ncd');
  assert.equal(T.rangeFor(extracted, 2, 5, document).toString(), 'cd');
  assert.equal(T.rangeFor(extracted, 1, 3, document).toString(), 'b');
  assert.equal(T.rangeFor(extracted, 2, 3, document), null);
});

test('compose boxes: textarea and editing host, never inputs or password fields', () => {
  const { T, document } = load(
    '<textarea id="ta"></textarea><textarea id="ro" readonly></textarea><input id="pw" type="password">' +
      '<input id="txt" type="text"><div id="host" contenteditable="true"><p><b id="inner">x</b></p>' +
      '<span contenteditable="false" id="chip">@a</span></div><p id="plain">page text</p>',
  );
  const byId = (id) => document.getElementById(id);
  assert.equal(T.composeBoxFor(byId('ta')), byId('ta'));
  assert.equal(T.composeBoxFor(byId('ro')), null);
  assert.equal(T.composeBoxFor(byId('pw')), null);
  assert.equal(T.composeBoxFor(byId('txt')), null);
  assert.equal(T.composeBoxFor(byId('inner')), byId('host'));
  assert.equal(T.composeBoxFor(byId('inner').firstChild), byId('host'));
  assert.equal(T.composeBoxFor(byId('chip')), null);
  assert.equal(T.composeBoxFor(byId('plain')), null);
});

test('sites: defaults on unless switched off, other sites only when added', () => {
  const { T } = load('');
  assert.equal(T.isSiteEnabled('www.linkedin.com', {}), true);
  assert.equal(T.isSiteEnabled('x.com', {}), true);
  assert.equal(T.isSiteEnabled('www.linkedin.com', { sites: { 'linkedin.com': false } }), false);
  assert.equal(T.isSiteEnabled('notlinkedin.com', {}), false);
  assert.equal(T.isSiteEnabled('example.org', {}), false);
  assert.equal(T.isSiteEnabled('mastodon.social', { customSites: ['https://mastodon.social'] }), true);
  assert.equal(T.isSiteEnabled('evil.social', { customSites: ['https://mastodon.social'] }), false);
});

test('extra sites are normalised to an origin', () => {
  const { T } = load('');
  assert.equal(T.normaliseOrigin('mastodon.social'), 'https://mastodon.social');
  assert.equal(T.normaliseOrigin(' https://Social.Example/@me '), 'https://social.example');
  assert.equal(T.normaliseOrigin('http://127.0.0.1:8000'), 'http://127.0.0.1');
  assert.equal(T.normaliseOrigin('javascript:alert(1)'), null);
  assert.equal(T.normaliseOrigin(''), null);
  assert.equal(T.originPattern('https://mastodon.social'), 'https://mastodon.social/*');
});

test('findings follow an edit before the server answers again', () => {
  const { T } = load('');
  const text = SAMPLE;
  const s = text.indexOf('Sturmvogel');
  const k = text.indexOf('Trekker T5');
  const findings = [
    { start: s, end: s + 10, severity: 'error' },
    { start: k, end: k + 10, severity: 'warning' },
  ];
  const inserted = text.replace('Stolz', 'Sehr stolz');
  const moved = T.shiftFindings(findings, text, inserted);
  assert.deepEqual(Array.from(moved, (f) => inserted.slice(f.start, f.end)), ['Sturmvogel', 'Trekker T5']);
  const broken = text.replace('Sturmvogel', 'Sturmvgel');
  const left = T.shiftFindings(findings, text, broken);
  assert.deepEqual(Array.from(left, (f) => broken.slice(f.start, f.end)), ['Trekker T5']);
});

test('server findings are read by their UTF-16 offsets', () => {
  const { T } = load('');
  const local = T.toLocalFindings({
    findings: [
      { rule_id: 'PG1', severity: 'error', message: 'm', start: 16, end: 26, start_utf16: 17, end_utf16: 27, replacements: [] },
      { rule_id: 'PG2', severity: 'bogus', message: 'n', start_utf16: 3, end_utf16: 3 },
    ],
  });
  assert.equal(local.length, 1);
  assert.equal(local[0].start, 17);
  assert.equal(SAMPLE.slice(local[0].start, local[0].end), 'Sturmvogel');
  assert.equal(T.worstSeverity([{ severity: 'info' }, { severity: 'error' }, { severity: 'warning' }]), 'error');
});
