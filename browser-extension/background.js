// postguard background worker (a service worker in Chromium, an event page in Firefox).
// It is the only part of the extension that talks to the local server: a content script cannot
// reach localhost from a public site, the worker can reach the hosts in host_permissions.
'use strict';

const api = globalThis.browser || globalThis.chrome;

const DEFAULTS = Object.freeze({
  serverUrl: 'http://127.0.0.1:8421',
  token: '',
  channel: '',
  sites: {},
  customSites: [],
  logOverrides: true,
});

const CHECK_TIMEOUT_MS = 8000;
/** Reading the text in an image (OCR) takes about a second; the server allows 10 s more per image. */
const IMAGE_TIMEOUT_MS = 20000;
const HEALTH_TIMEOUT_MS = 4000;
const CUSTOM_SCRIPT_ID = 'postguard-custom-sites';
const CONTENT_SCRIPTS = ['content/text.js', 'content/images.js', 'content/rows.js', 'content/panel.js', 'content/geometry.js', 'content/decisions.js', 'content/styles.js', 'content/content.js'];
const BADGE_COLOURS = { error: '#c4262e', warning: '#b86e00', info: '#2462c4', problem: '#6b6b75' };

async function getSettings() {
  const stored = await api.storage.local.get(null);
  return { ...DEFAULTS, ...stored };
}

function serverBase(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.origin;
  } catch {
    return null;
  }
}

/**
 * Match patterns carry no port: Firefox refuses "http://127.0.0.1:8421/*" (so the permission would
 * never be found), Chromium matches every port of a host given without one.
 */
function hostPattern(base) {
  const url = new URL(base);
  return url.protocol + '//' + url.hostname + '/*';
}

async function hasHostPermission(base) {
  try {
    return await api.permissions.contains({ origins: [hostPattern(base)] });
  } catch {
    return true; // let the fetch decide
  }
}

/** Call the server; never throws. Returns {ok: true, result} or {ok: false, error, status?}. */
async function callServer(settings, path, { method = 'GET', body, timeoutMs }) {
  const base = serverBase(settings.serverUrl);
  if (!base) return { ok: false, error: 'error', detail: 'invalid server URL' };
  if (!(await hasHostPermission(base))) return { ok: false, error: 'permission' };
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (settings.token) headers.Authorization = 'Bearer ' + settings.token;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, error: 'down' };
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 401 || response.status === 403) return { ok: false, error: 'unauthorized', status: response.status };
  if (!response.ok) {
    let detail = '';
    try {
      const body = await response.json();
      if (body && typeof body.error === 'string') detail = body.error;
    } catch {
      // no explanation
    }
    return { ok: false, error: 'error', status: response.status, detail };
  }
  try {
    return { ok: true, result: await response.json() };
  } catch {
    return { ok: false, error: 'error', status: response.status };
  }
}

async function check(message) {
  const settings = await getSettings();
  const body = { text: String(message.text || ''), kind: message.kind || 'post' };
  if (settings.channel) body.channel = settings.channel;
  return callServer(settings, '/v1/check', { method: 'POST', body, timeoutMs: CHECK_TIMEOUT_MS });
}

/** Check one attached image (`data`: a data: URL); answers with that image's entry of the server's answer. */
async function checkImage(message) {
  const settings = await getSettings();
  const body = {
    text: '',
    kind: message.kind || 'post',
    images: [{ name: String(message.name || 'image'), data: String(message.data || '') }],
  };
  if (settings.channel) body.channel = settings.channel;
  const answer = await callServer(settings, '/v1/check', { method: 'POST', body, timeoutMs: IMAGE_TIMEOUT_MS });
  if (!answer.ok) return answer;
  const image = Array.isArray(answer.result.images) ? answer.result.images[0] : null;
  if (!image) return { ok: false, error: 'error', detail: 'no image in the answer' };
  return { ok: true, result: image, notices: answer.result.notices || [] };
}

/**
 * Record an override ("post anyway") or a false-positive report in the local log of the server
 * (`postguard report` reads it). Nothing is sent when the user switched the log off.
 */
async function feedback(message) {
  const settings = await getSettings();
  if (settings.logOverrides === false) return { ok: true, logged: false };
  const body = {
    action: message.action === 'false_positive' ? 'false_positive' : 'override',
    rule_id: String(message.ruleId || ''),
    match: String(message.match || '').slice(0, 500),
    site: String(message.site || '').slice(0, 253),
    reason: String(message.reason || '').slice(0, 2000),
  };
  const answer = await callServer(settings, '/v1/feedback', { method: 'POST', body, timeoutMs: HEALTH_TIMEOUT_MS });
  return answer.ok ? { ok: true, logged: true, entry: answer.result } : answer;
}

/** Delete the local log (options page). */
async function clearLog() {
  const settings = await getSettings();
  return callServer(settings, '/v1/feedback/clear', { method: 'POST', body: {}, timeoutMs: HEALTH_TIMEOUT_MS });
}

async function health(message) {
  const settings = await getSettings();
  // The options page may test values it has not saved yet.
  if (typeof message.serverUrl === 'string') settings.serverUrl = message.serverUrl;
  if (typeof message.token === 'string') settings.token = message.token;
  return callServer(settings, '/v1/health', { timeoutMs: HEALTH_TIMEOUT_MS });
}

async function setBadge(message, sender) {
  const tabId = sender && sender.tab ? sender.tab.id : undefined;
  if (tabId === undefined) return { ok: false };
  let text = '';
  let colour = BADGE_COLOURS.problem;
  let title = api.i18n.getMessage('extName');
  if (message.problem) {
    text = '!';
    title = api.i18n.getMessage('badgeProblem');
  } else if (message.count > 0) {
    text = message.count > 99 ? '99+' : String(message.count);
    colour = BADGE_COLOURS[message.severity] || BADGE_COLOURS.warning;
    title = api.i18n.getMessage('findingsCount', [String(message.count)]);
  }
  await api.action.setBadgeText({ tabId, text });
  await api.action.setBadgeBackgroundColor({ tabId, color: colour });
  await api.action.setTitle({ tabId, title });
  return { ok: true };
}

/** Register the content script for the sites the user added (and granted) in the options. */
async function registerCustomSites() {
  const settings = await getSettings();
  const patterns = [];
  for (const entry of settings.customSites || []) {
    const base = serverBase(entry);
    if (!base) continue;
    const url = new URL(base);
    const origin = url.protocol + '//' + url.hostname;
    if (await hasHostPermission(origin)) patterns.push(origin + '/*');
  }
  try {
    await api.scripting.unregisterContentScripts({ ids: [CUSTOM_SCRIPT_ID] });
  } catch {
    // not registered
  }
  if (!patterns.length) return;
  await api.scripting.registerContentScripts([
    { id: CUSTOM_SCRIPT_ID, matches: patterns, js: CONTENT_SCRIPTS, runAt: 'document_idle', allFrames: false },
  ]);
}

let syncing = Promise.resolve();

/** Serialised: two overlapping syncs would register the same id twice. */
function syncCustomSites() {
  syncing = syncing.catch(() => {}).then(registerCustomSites);
  return syncing;
}

const HANDLERS = {
  check,
  checkImage,
  feedback,
  clearLog,
  health,
  badge: setBadge,
  syncSites: () => syncCustomSites().then(() => ({ ok: true })),
};

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only this extension's own pages and content scripts can send here (no externally_connectable).
  const handler = message && HANDLERS[message.type];
  if (!handler) return false;
  handler(message, sender).then(sendResponse, (error) =>
    sendResponse({ ok: false, error: 'error', detail: String(error && error.message ? error.message : error) }),
  );
  return true;
});

api.runtime.onInstalled.addListener(() => {
  syncCustomSites().catch(() => {});
});
api.runtime.onStartup.addListener(() => {
  syncCustomSites().catch(() => {});
});
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.customSites) syncCustomSites().catch(() => {});
});
if (api.permissions.onAdded) api.permissions.onAdded.addListener(() => syncCustomSites().catch(() => {}));
if (api.permissions.onRemoved) api.permissions.onRemoved.addListener(() => syncCustomSites().catch(() => {}));
