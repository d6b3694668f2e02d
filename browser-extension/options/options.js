// postguard options: server URL, token, channel, sites on/off, extra sites, "test connection".
'use strict';

(function () {
  const api = globalThis.browser || globalThis.chrome;
  const T = globalThis.PostguardText;
  const DEFAULT_URL = 'http://127.0.0.1:8421';
  const $ = (id) => document.getElementById(id);

  function t(key, subs) {
    return api.i18n.getMessage(key, subs) || key;
  }

  function localise() {
    document.documentElement.lang = api.i18n.getUILanguage().split('-')[0] || 'en';
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    }
  }

  function say(output, text, ok) {
    output.textContent = text;
    output.className = ok === undefined ? '' : ok ? 'ok' : 'bad';
  }

  function originOf(url) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
      return parsed.protocol + '//' + parsed.hostname;
    } catch {
      return null;
    }
  }

  let settings = { sites: {}, customSites: [] };

  // Firefox grants the content-script sites at run time; Chromium grants them at install (and its
  // permissions.contains does not count them), so only Firefox asks.
  const asksForSites = Boolean(globalThis.browser && globalThis.browser.runtime && globalThis.browser.runtime.getBrowserInfo);

  async function load() {
    const stored = await api.storage.local.get(null);
    settings = { serverUrl: DEFAULT_URL, token: '', channel: '', sites: {}, customSites: [], ...stored };
    $('serverUrl').value = settings.serverUrl;
    $('token').value = settings.token;
    $('channel').value = settings.channel;
    $('logOverrides').checked = settings.logOverrides !== false;
    renderSites();
    renderCustomSites();
    checkGrants();
  }

  function renderSites() {
    const list = $('sites');
    list.replaceChildren();
    for (const site of T.DEFAULT_SITES) {
      const li = document.createElement('li');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = 'site-' + site;
      box.checked = settings.sites[site] !== false;
      box.addEventListener('change', () => {
        // Firefox grants content-script sites at run time: ask from this click when switching on.
        const asked = box.checked && asksForSites
          ? api.permissions.request({ origins: [T.sitePattern(site)] }).catch(() => false)
          : Promise.resolve(true);
        asked.then(async () => {
          settings.sites = { ...settings.sites, [site]: box.checked };
          await api.storage.local.set({ sites: settings.sites });
          checkGrants();
        });
      });
      const label = document.createElement('label');
      label.htmlFor = box.id;
      label.textContent = site;
      li.append(box, label);
      list.append(li);
    }
  }

  function enabledSitePatterns() {
    return T.DEFAULT_SITES.filter((site) => settings.sites[site] !== false).map(T.sitePattern);
  }

  /** Show "allow access" when the browser has not granted every enabled site (Firefox). */
  async function checkGrants() {
    if (!asksForSites) return;
    const patterns = enabledSitePatterns();
    let granted = true;
    try {
      granted = !patterns.length || (await api.permissions.contains({ origins: patterns }));
    } catch {
      granted = true;
    }
    $('grantRow').hidden = granted;
  }

  function grantSites() {
    api.permissions.request({ origins: enabledSitePatterns() }).catch(() => false).then(checkGrants);
  }

  function renderCustomSites() {
    const list = $('customSites');
    list.replaceChildren();
    for (const origin of settings.customSites) {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = origin;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.setAttribute('aria-label', t('optionsCustomRemove', [origin]));
      remove.addEventListener('click', async () => {
        settings.customSites = settings.customSites.filter((o) => o !== origin);
        await api.storage.local.set({ customSites: settings.customSites });
        renderCustomSites();
      });
      li.append(name, remove);
      list.append(li);
    }
  }

  function addSite() {
    const output = $('customResult');
    const origin = T.normaliseOrigin($('customSite').value);
    if (!origin) {
      say(output, t('optionsCustomInvalid'), false);
      return;
    }
    // permissions.request must be called straight from the click (a user gesture).
    api.permissions.request({ origins: [T.originPattern(origin)] }).then(
      async (granted) => {
        if (!granted) {
          say(output, t('optionsCustomDenied'), false);
          return;
        }
        if (!settings.customSites.includes(origin)) settings.customSites = [...settings.customSites, origin];
        await api.storage.local.set({ customSites: settings.customSites });
        await api.runtime.sendMessage({ type: 'syncSites' });
        $('customSite').value = '';
        say(output, t('optionsSaved'), true);
        renderCustomSites();
      },
      () => say(output, t('optionsCustomDenied'), false),
    );
  }

  function testConnection() {
    const output = $('testResult');
    const serverUrl = $('serverUrl').value.trim();
    const origin = originOf(serverUrl);
    if (!origin) {
      say(output, t('optionsInvalidUrl'), false);
      return;
    }
    say(output, t('optionsTesting'));
    // Firefox treats host permissions as optional: ask for the server's origin (from the click).
    api.permissions
      .request({ origins: [origin + '/*'] })
      .catch(() => false)
      .then(async (granted) => {
        if (!granted) {
          say(output, t('optionsTestPermission'), false);
          return;
        }
        const answer = await api.runtime.sendMessage({ type: 'health', serverUrl, token: $('token').value });
        if (answer && answer.ok) {
          const r = answer.result || {};
          say(output, t('optionsTestOk', [String(r.version ?? '?'), String(r.rule_count ?? '?')]), true);
        } else {
          const error = answer ? answer.error : 'error';
          const key = { down: 'optionsTestDown', unauthorized: 'optionsTestUnauthorized', permission: 'optionsTestPermission' }[error];
          say(output, t(key || 'optionsTestError'), false);
        }
      });
  }

  async function save(event) {
    event.preventDefault();
    const output = $('saveResult');
    const serverUrl = $('serverUrl').value.trim() || DEFAULT_URL;
    if (!originOf(serverUrl)) {
      say(output, t('optionsInvalidUrl'), false);
      $('serverUrl').focus();
      return;
    }
    await api.storage.local.set({ serverUrl, token: $('token').value, channel: $('channel').value.trim() });
    say(output, t('optionsSaved'), true);
  }

  localise();
  // The log switch applies at once (like the sites); clearing asks the server, which keeps the log.
  $('logOverrides').addEventListener('change', async () => {
    settings.logOverrides = $('logOverrides').checked;
    await api.storage.local.set({ logOverrides: settings.logOverrides });
  });
  $('clearLog').addEventListener('click', async () => {
    const answer = await api.runtime.sendMessage({ type: 'clearLog' });
    if (answer && answer.ok) say($('logResult'), t('optionsLogCleared', [String(answer.result.cleared)]), true);
    else say($('logResult'), t('optionsLogClearFailed'), false);
  });
  $('test').addEventListener('click', testConnection);
  $('addSite').addEventListener('click', addSite);
  $('grantSites').addEventListener('click', grantSites);
  $('customSite').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      addSite();
    }
  });
  $('settings').addEventListener('submit', save);
  load();
})();
