// Unit tests of the background worker (background.js) with a stubbed extension API and a real
// local HTTP server standing in for `postguard serve`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { EXT_DIR, getMessage } from '../../testlib/jsdom-env.mjs';

const SOURCE = readFileSync(join(EXT_DIR, 'background.js'), 'utf8');
const requests = [];
let server;
let base;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: body ? JSON.parse(body) : null });
      if (req.headers.authorization !== undefined && req.headers.authorization !== 'Bearer s3cret') {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"token"}');
        return;
      }
      if (req.url === '/v1/check' && JSON.parse(body).channel === 'bad') {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"unknown channel \'bad\'","status":400}');
        return;
      }
      const sent = req.url === '/v1/check' ? JSON.parse(body) : {};
      const payload = req.url === '/v1/health'
        ? { status: 'ok', version: '9.9', rule_count: 7, pack_fingerprint: 'f', last_reload_error: null }
        : sent.images
          ? { findings: [], language: 'de', pack_fingerprint: 'f', notices: [], images: sent.images.map((i) => ({ name: i.name, error: null, findings: [] })) }
          : { findings: [], language: 'de', pack_fingerprint: 'f' };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

function worker({ settings = {}, granted = true, asked = [] } = {}) {
  let onMessage;
  const badge = {};
  const chrome = {
    storage: { local: { get: async () => structuredClone(settings) }, onChanged: { addListener() {} } },
    permissions: {
      contains: async ({ origins }) => {
        asked.push(...origins);
        return granted;
      },
      onAdded: { addListener() {} },
      onRemoved: { addListener() {} },
    },
    runtime: {
      onMessage: { addListener: (fn) => (onMessage = fn) },
      onInstalled: { addListener() {} },
      onStartup: { addListener() {} },
    },
    scripting: { registerContentScripts: async () => {}, unregisterContentScripts: async () => {} },
    action: {
      setBadgeText: async ({ tabId, text }) => (badge[tabId] = { ...badge[tabId], text }),
      setBadgeBackgroundColor: async ({ tabId, color }) => (badge[tabId] = { ...badge[tabId], color }),
      setTitle: async ({ tabId, title }) => (badge[tabId] = { ...badge[tabId], title }),
    },
    i18n: { getMessage },
  };
  vm.runInNewContext(SOURCE, { chrome, fetch, AbortController, URL, setTimeout, clearTimeout, console });
  const send = (message, sender = {}) =>
    new Promise((resolve) => {
      // Answers come from the worker's realm: compare them as plain data.
      const async = onMessage(message, sender, (answer) => resolve(answer === undefined ? answer : JSON.parse(JSON.stringify(answer))));
      if (!async) resolve(undefined);
    });
  return { send, badge };
}

test('a check is posted to the server with kind, channel and token', async () => {
  requests.length = 0;
  const { send } = worker({ settings: { serverUrl: base + '/', token: 's3cret', channel: 'nordkap-company' } });
  const answer = await send({ type: 'check', text: '🚀 Sturmvogel', kind: 'post' });
  assert.equal(answer.ok, true);
  assert.deepEqual(answer.result.findings, []);
  assert.equal(requests.length, 1);
  const [req] = requests;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/v1/check');
  assert.deepEqual(req.body, { text: '🚀 Sturmvogel', kind: 'post', channel: 'nordkap-company' });
  assert.equal(req.headers.authorization, 'Bearer s3cret');
  assert.equal(req.headers['content-type'], 'application/json');
});

test('an attached image is posted alone (no draft text) as a data: URL; the answer is that image\'s entry', async () => {
  requests.length = 0;
  const { send } = worker({ settings: { serverUrl: base, token: 's3cret', channel: 'nordkap-company' } });
  const data = 'data:image/png;base64,iVBORw0KGgo=';
  const answer = await send({ type: 'checkImage', name: 'shot.png', data, kind: 'post' });
  assert.deepEqual(answer, { ok: true, result: { name: 'shot.png', error: null, findings: [] }, notices: [] });
  assert.deepEqual(requests[0].body, { text: '', kind: 'post', images: [{ name: 'shot.png', data }], channel: 'nordkap-company' });
  assert.equal(requests[0].headers.authorization, 'Bearer s3cret');
});

test('a decision goes to the local log unless the user switched the log off; clearing asks the server', async () => {
  requests.length = 0;
  const message = { type: 'feedback', action: 'override', ruleId: 'PG101', match: 'Sturmvogel', site: 'x.com', reason: 'ok' };
  assert.deepEqual(await worker({ settings: { serverUrl: base, logOverrides: false } }).send(message), { ok: true, logged: false });
  assert.equal(requests.length, 0, 'nothing is sent with the log off');
  const answer = await worker({ settings: { serverUrl: base } }).send(message);
  assert.equal(answer.ok, true);
  assert.deepEqual(requests[0].body, { action: 'override', rule_id: 'PG101', match: 'Sturmvogel', site: 'x.com', reason: 'ok' });
  assert.equal(requests[0].url, '/v1/feedback');
  await worker({ settings: { serverUrl: base } }).send({ type: 'clearLog' });
  assert.equal(requests[1].url, '/v1/feedback/clear');
});

test('without a token no Authorization header is sent; a wrong token reads as unauthorized', async () => {
  requests.length = 0;
  assert.equal((await worker({ settings: { serverUrl: base } }).send({ type: 'check', text: 'x' })).ok, true);
  assert.equal(requests[0].headers.authorization, undefined);
  assert.equal(requests[0].body.channel, undefined);
  const answer = await worker({ settings: { serverUrl: base, token: 'wrong' } }).send({ type: 'check', text: 'x' });
  assert.deepEqual(answer, { ok: false, error: 'unauthorized', status: 401 });
});

test('a server that is not running reads as down, without throwing', async () => {
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${closed.address().port}`;
  await new Promise((resolve) => closed.close(resolve));
  const answer = await worker({ settings: { serverUrl: url } }).send({ type: 'check', text: 'x' });
  assert.deepEqual(answer, { ok: false, error: 'down' });
});

test('no request is made without the host permission (Firefox asks at run time)', async () => {
  requests.length = 0;
  const asked = [];
  const answer = await worker({ settings: { serverUrl: base }, granted: false, asked }).send({ type: 'check', text: 'x' });
  assert.deepEqual(answer, { ok: false, error: 'permission' });
  assert.equal(requests.length, 0);
  // The pattern asked about has no port: Firefox's match patterns have none.
  assert.deepEqual(asked, ['http://127.0.0.1/*']);
});

test('"test connection" can try unsaved settings', async () => {
  requests.length = 0;
  const { send } = worker({ settings: { serverUrl: 'http://127.0.0.1:1' } });
  const answer = await send({ type: 'health', serverUrl: base, token: 's3cret' });
  assert.equal(answer.ok, true);
  assert.equal(answer.result.rule_count, 7);
  assert.equal(requests[0].url, '/v1/health');
  assert.equal(requests[0].method, 'GET');
});

test('the badge counts findings per tab, coloured by the worst severity', async () => {
  const { send, badge } = worker();
  await send({ type: 'badge', count: 2, severity: 'error' }, { tab: { id: 7 } });
  await send({ type: 'badge', count: 0 }, { tab: { id: 8 } });
  await send({ type: 'badge', count: null, problem: 'down' }, { tab: { id: 9 } });
  assert.equal(badge[7].text, '2');
  assert.equal(badge[7].color, '#c4262e');
  assert.equal(badge[8].text, '');
  assert.equal(badge[9].text, '!');
  assert.match(badge[9].title, /not reachable/);
});

test('unknown messages are not answered', async () => {
  const { send } = worker();
  assert.equal(await send({ type: 'fetch', url: 'https://example.org' }), undefined);
});

test("a refused check carries the server's explanation", async () => {
  const answer = await worker({ settings: { serverUrl: base, channel: 'bad' } }).send({ type: 'check', text: 'x' });
  assert.deepEqual(answer, { ok: false, error: 'error', status: 400, detail: "unknown channel 'bad'" });
});
