'use strict';
// The fan UI: plain DOM, no build step. Talks only to the public API through the gateway (docs/api.md).
// Tokens live in sessionStorage (one tab = one session); a 401 triggers one refresh, then a fresh login.

const view = document.getElementById('view');
const noticeBox = document.getElementById('notice');
let lang = localStorage.getItem('lang') || ((navigator.language || 'ko').startsWith('ko') ? 'ko' : 'en');

// ---------- i18n and formatting ----------
function t(key, vars) {
  let s = (I18N[lang] && I18N[lang][key]) || I18N.en[key] || key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replaceAll('{' + k + '}', String(v));
  return s;
}
const locale = () => (lang === 'ko' ? 'ko-KR' : 'en-US');
const money = (n) => new Intl.NumberFormat(locale(), { style: 'currency', currency: 'KRW' }).format(n || 0);
const when = (iso) => (iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '');
function duration(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  const m = Math.floor(seconds / 60), s = seconds % 60;
  return m > 0 ? `${m}:${String(s).padStart(2, '0')}` : (lang === 'ko' ? `${s}초` : `${s}s`);
}
function applyLabels() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.getElementById('lang').textContent = lang === 'ko' ? 'EN' : '한국어';
  const me = currentUser();
  document.querySelectorAll('[data-when]').forEach((el) => {
    const w = el.dataset.when;
    el.hidden = w === 'guest' ? !!me : w === 'user' ? !me : !(me && (me.roles || []).includes('admin'));
  });
  const who = document.querySelector('[data-testid=who]');
  if (who) who.textContent = me ? me.name || me.email : '';
}

// ---------- tiny DOM builder (text is always text: titles come from user input) ----------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
// replaceChildren() would print a skipped (null/false) child as text.
function fill(el, ...nodes) { el.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false)); }
function render(...nodes) { fill(view, ...nodes); }
function notice(message, kind) {
  if (!message) { noticeBox.hidden = true; return; }
  noticeBox.textContent = message;
  noticeBox.className = 'notice' + (kind ? ' ' + kind : '');
  noticeBox.hidden = false;
}

// ---------- session and API ----------
class ApiError extends Error {
  constructor(status, problem) { super((problem && (problem.detail || problem.title)) || 'HTTP ' + status); this.status = status; this.problem = problem || {}; }
}
const store = sessionStorage;
function currentUser() { try { return JSON.parse(store.getItem('me')); } catch { return null; } }
function saveTokens(tokens) { store.setItem('accessToken', tokens.accessToken); store.setItem('refreshToken', tokens.refreshToken); }
function logout() {
  queueSocket.close();
  ['accessToken', 'refreshToken', 'me'].forEach((k) => store.removeItem(k));
  Object.keys(store).filter((k) => k.startsWith('adm:') || k.startsWith('q:')).forEach((k) => store.removeItem(k));
  applyLabels();
}
let refreshing = null;
function refresh() {
  const refreshToken = store.getItem('refreshToken');
  if (!refreshToken) return Promise.resolve(false);
  refreshing = refreshing || fetch('/api/auth/refresh', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken }),
  }).then(async (r) => { if (!r.ok) return false; saveTokens(await r.json()); return true; })
    .catch(() => false).finally(() => { setTimeout(() => { refreshing = null; }, 0); });
  return refreshing;
}
async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const token = store.getItem('accessToken');
  if (token && !opts.anonymous) headers.Authorization = 'Bearer ' + token;
  let res;
  try {
    res = await fetch(path, { method, headers, body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined });
  } catch (e) {
    throw new ApiError(0, { title: 'network' });
  }
  if (res.status === 401 && !opts.anonymous && !opts.retried && token) {
    if (await refresh()) return api(method, path, { ...opts, retried: true });
    logout();
    notice(t('err.session'), 'error');
    go('#/login?next=' + encodeURIComponent(location.hash));
    throw new ApiError(401, { title: 'Unauthorized' });
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data);
  return { status: res.status, data, headers: res.headers };
}
// One clear sentence per error state; `context` says what the user was doing.
function explain(err, context) {
  const p = err.problem || {};
  if (err.status === 0) return t('err.network');
  if (err.status >= 500) return t('err.unavailable');
  if (err.status === 429) return t('err.rate');
  if (err.status === 409 && p.limit !== undefined) return t('limit.over', { limit: p.limit, held: p.held ?? 0 }) + (p.detail ? ' — ' + p.detail : '');
  if (err.status === 409 && p.title === 'Seats Taken') return t('seats.taken');
  if (err.status === 409 && p.title === 'Hold Expired') return t('hold.expired');
  if (err.status === 409 && context === 'signup') return t('err.emailTaken');
  if (err.status === 401 && context === 'login') return t('err.login');
  if (err.status === 403 && context === 'booking') return t('err.notAdmitted');
  if (err.status === 400) {
    const v = (p.violations || []).map((x) => `${x.field}: ${x.message}`).join(', ');
    return t('err.invalid', { detail: v || p.detail || '' });
  }
  if (err.status === 404) return t('err.notFound') + (p.detail ? ' (' + p.detail + ')' : '');
  return p.detail || p.title || err.message;
}
async function loadMe() {
  const { data } = await api('GET', '/api/auth/me');
  store.setItem('me', JSON.stringify(data));
  applyLabels();
  return data;
}
// 2026-12-06T19:30:00+09:00: the instant in the browser's own offset at that date (ISO-8601 with an offset).
function isoWithOffset(d) {
  const off = -d.getTimezoneOffset();
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
    + (off >= 0 ? '+' : '-') + pad(off / 60) + ':' + pad(off % 60);
}
function admissionToken(performanceId) { return store.getItem('adm:' + performanceId); }
function jwtExpiry(token) {
  try { return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000; } catch { return null; }
}

// ---------- router ----------
let pageTimers = [];
function every(ms, fn) { const id = setInterval(fn, ms); pageTimers.push(id); return id; }
function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }
const routes = [
  [/^#\/(?:search)?(?:\?(.*))?$/, (m) => searchPage(new URLSearchParams(m[1] || ''))],
  [/^#\/login(?:\?(.*))?$/, (m) => loginPage(new URLSearchParams(m[1] || ''))],
  [/^#\/signup(?:\?(.*))?$/, (m) => signupPage(new URLSearchParams(m[1] || ''))],
  [/^#\/p\/([^/?]+)$/, (m) => performancePage(m[1])],
  [/^#\/queue\/([^/?]+)\/([^/?]+)$/, (m) => queuePage(m[1], m[2])],
  [/^#\/seats\/([^/?]+)\/([^/?]+)$/, (m) => seatsPage(m[1], m[2])],
  [/^#\/order\/([^/?]+)$/, (m) => orderPage(m[1])],
  [/^#\/tickets$/, () => ticketsPage()],
  [/^#\/admin$/, () => adminPage()],
];
function route() {
  pageTimers.forEach(clearInterval);
  pageTimers = [];
  const hash = location.hash || '#/';
  // The waiting-room socket lives across queue → seats → order of one performance, nowhere else.
  if (!/^#\/(queue|seats|order)\//.test(hash)) queueSocket.close();
  applyLabels();
  for (const [re, page] of routes) {
    const m = hash.match(re);
    if (m) {
      Promise.resolve(page(m)).catch((e) => notice(explain(e), 'error'));
      return;
    }
  }
  go('#/');
}
window.addEventListener('hashchange', () => { notice(null); route(); });
document.getElementById('lang').addEventListener('click', () => {
  lang = lang === 'ko' ? 'en' : 'ko';
  localStorage.setItem('lang', lang);
  route();
});
document.getElementById('logout').addEventListener('click', () => { logout(); go('#/'); });
function requireLogin() {
  if (currentUser() && store.getItem('accessToken')) return true;
  notice(t('perf.loginFirst'));
  go('#/login?next=' + encodeURIComponent(location.hash));
  return false;
}

// ---------- search ----------
async function searchPage(params) {
  const q = params.get('q') || '';
  const page = Math.max(0, parseInt(params.get('page') || '0', 10) || 0);
  const input = h('input', { type: 'search', name: 'q', value: q, placeholder: t('search.placeholder'), autocomplete: 'off', 'aria-label': t('search.go') });
  const suggestList = h('ul', { class: 'suggest', hidden: true, 'data-testid': 'suggestions' });
  const results = h('div', {}, h('p', { class: 'muted' }, h('span', { class: 'spinner' }), ' ', t('loading')));
  const form = h('form', { class: 'searchbar', onsubmit: (e) => { e.preventDefault(); go('#/search?q=' + encodeURIComponent(input.value.trim()) + '&page=0'); } },
    input, h('button', { class: 'primary', type: 'submit' }, t('search.go')), suggestList);
  let timer = null, active = -1, items = [];
  const showSuggestions = (list) => {
    items = list; active = -1;
    fill(suggestList, ...list.map((s, i) => h('li', { dataset: { id: s.id }, onmousedown: () => go('#/p/' + s.id) },
      s.title, s.firstShowAt ? h('span', { class: 'meta' }, ' · ' + when(s.firstShowAt)) : null)));
    suggestList.hidden = list.length === 0;
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) { showSuggestions([]); return; }
    timer = setTimeout(async () => {
      try {
        const { data } = await api('GET', '/api/search/suggest?size=6&q=' + encodeURIComponent(text), { anonymous: true });
        if (input.value.trim() === text) showSuggestions(data.items || []);
      } catch { showSuggestions([]); }
    }, 150);
  });
  input.addEventListener('keydown', (e) => {
    if (suggestList.hidden) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
      [...suggestList.children].forEach((li, i) => li.classList.toggle('active', i === active));
    } else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); go('#/p/' + items[active].id); }
    else if (e.key === 'Escape') showSuggestions([]);
  });
  input.addEventListener('blur', () => setTimeout(() => { suggestList.hidden = true; }, 150));
  render(h('div', { class: 'card' }, form), results);
  const size = 10;
  try {
    const { data } = await api('GET', `/api/search/performances?q=${encodeURIComponent(q)}&page=${page}&size=${size}`, { anonymous: true });
    const pages = Math.max(1, Math.ceil((data.total || 0) / size));
    const link = (p) => '#/search?q=' + encodeURIComponent(q) + '&page=' + p;
    fill(results, 
      h('p', { class: 'meta', 'data-testid': 'search-total' }, t('search.total', { total: data.total })),
      (data.items || []).length === 0 ? h('p', {}, t('search.none')) :
        h('ul', { class: 'results', 'data-testid': 'search-results' }, data.items.map((p) => h('li', { class: 'card' },
          h('a', { href: '#/p/' + p.id },
            h('h3', {}, p.title),
            h('div', { class: 'meta' }, [p.venue, p.category, when(p.firstShowAt)].filter(Boolean).join(' · ')),
            p.description ? h('p', {}, p.description.length > 160 ? p.description.slice(0, 160) + '…' : p.description) : null)))),
      h('div', { class: 'pager' },
        h('button', { disabled: page <= 0, onclick: () => go(link(page - 1)) }, t('search.prev')),
        h('span', { 'data-testid': 'search-page' }, t('search.page', { page: page + 1, pages })),
        h('button', { disabled: page + 1 >= pages, onclick: () => go(link(page + 1)) }, t('search.next'))));
  } catch (e) {
    fill(results, h('p', { class: 'notice error' }, explain(e)));
  }
}

// ---------- log in / sign up ----------
function afterLogin(params) { go(params.get('next') || '#/'); }
function loginPage(params) {
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'username' });
  const password = h('input', { type: 'password', name: 'password', required: true, autocomplete: 'current-password' });
  const form = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const { data } = await api('POST', '/api/auth/login', { anonymous: true, body: { email: email.value.trim(), password: password.value } });
      saveTokens(data);
      await loadMe();
      notice(null);
      afterLogin(params);
    } catch (err) { notice(explain(err, 'login'), 'error'); }
  } },
  h('label', {}, t('email'), email), h('label', {}, t('password'), password),
  h('button', { class: 'primary', type: 'submit' }, t('login.submit')),
  h('a', { href: '#/signup' + (params.get('next') ? '?next=' + encodeURIComponent(params.get('next')) : '') }, t('login.noAccount')));
  render(h('div', { class: 'card' }, h('h2', {}, t('login.title')), form));
}
function signupPage(params) {
  const name = h('input', { name: 'name', required: true, autocomplete: 'name' });
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'username' });
  const password = h('input', { type: 'password', name: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const form = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/api/auth/signup', { anonymous: true, body: { email: email.value.trim(), password: password.value, name: name.value.trim() } });
      const { data } = await api('POST', '/api/auth/login', { anonymous: true, body: { email: email.value.trim(), password: password.value } });
      saveTokens(data);
      await loadMe();
      notice(t('signup.done'), 'ok');
      afterLogin(params);
    } catch (err) { notice(explain(err, 'signup'), 'error'); }
  } },
  h('label', {}, t('name'), name), h('label', {}, t('email'), email), h('label', {}, t('password'), password),
  h('button', { class: 'primary', type: 'submit' }, t('signup.submit')));
  render(h('div', { class: 'card' }, h('h2', {}, t('signup.title')), form));
}

// ---------- performance ----------
async function performancePage(id) {
  render(h('p', { class: 'muted' }, t('loading')));
  const { data: p } = await api('GET', '/api/performances/' + encodeURIComponent(id), { anonymous: true });
  render(h('div', { class: 'card' },
    h('h2', { 'data-testid': 'performance-title' }, p.title),
    h('div', { class: 'meta' }, [p.venue, p.category].filter(Boolean).join(' · ')),
    p.description ? h('p', {}, p.description) : null,
    h('h3', {}, t('perf.showtimes')),
    h('ul', { class: 'showtimes' }, (p.showtimes || []).map((s) => h('li', {},
      h('div', {}, h('strong', {}, when(s.startsAt)),
        h('div', { class: 'meta' }, [s.seats ? t('perf.seats', { seats: s.seats }) : null,
          s.minPrice !== undefined ? t('perf.price', { min: money(s.minPrice), max: money(s.maxPrice) }) : null].filter(Boolean).join(' · '))),
      h('button', { class: 'primary', 'data-testid': 'book', dataset: { showtime: s.id }, onclick: () => {
        if (requireLogin()) go(`#/queue/${p.id}/${s.id}`);
      } }, t('perf.book')))))));
}

// ---------- waiting room ----------
// One socket per tab. The server keeps a fan's place for RECONNECT_GRACE_MS after their last socket closed, for a
// socket that comes back presenting the entry's ticket (docs/architecture.md "Waiting-room ticket"); entering again
// (a page refresh, a new entry) puts the fan at the back. So on a drop the socket reconnects with the ticket, with
// full-jitter exponential backoff (phones on a flaky network must not all come back in the same instant), and tells
// the fan how long the place is kept. Past the grace period it still presents the ticket: the server, which alone
// knows when it saw the socket go (a half-open one it may never have seen go), keeps the place or answers with a
// fresh entry at the back and a new ticket — and then the page says the place was lost and why. Never a POST of its
// own: a second entry would only send the fan to the back again.
const RECONNECT_GRACE_MS = 30000;   // queue-svc's queue.reconnect-grace
const BACKOFF_BASE_MS = 500, BACKOFF_CAP_MS = 5000;
// The server pushes a frame when the fan's place changes and at least every 5 s (queue.push-unchanged-every): a socket
// silent for this long is dead even if it looks open
// (a phone that changed networks keeps a half-open connection until TCP gives up, minutes later).
const SILENT_SOCKET_MS = 8000;
const backoff = (attempt) => Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
const queueSocket = {
  performanceId: null, ws: null, stopped: true, attempt: 0, listener: null, last: null,
  lostAt: null, retryTimer: null, lastFrameAt: 0, watchdog: null,
  open(performanceId, listener) {
    this.listener = listener;
    if (this.performanceId === performanceId && !this.stopped) return;
    this.close();
    this.performanceId = performanceId;
    this.stopped = false;
    this.attempt = 0;
    this.lostAt = null;
    this.connect();
    this.watchdog = setInterval(() => {
      if (this.ws && this.ws.readyState === WebSocket.OPEN && Date.now() - this.lastFrameAt > SILENT_SOCKET_MS) this.dropped(this.ws);
    }, 2000);
  },
  emit(ev) { if (this.listener) this.listener(ev); },
  mark() { return JSON.parse(store.getItem('q:' + this.performanceId) || '{}'); },
  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const id = this.performanceId;
    const presented = this.mark().ticket || null;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/queues/${encodeURIComponent(id)}/ws`
      + (presented ? `?ticket=${encodeURIComponent(presented)}` : '');
    // Browsers cannot set Authorization on a WebSocket, and a token in the URL would land in access logs: the token
    // rides in a subprotocol entry (Quarkus websockets-next carrier) and the server answers 'bearer-token-carrier'.
    const ws = new WebSocket(url, ['bearer-token-carrier',
      encodeURIComponent('quarkus-http-upgrade#Authorization#Bearer ' + (store.getItem('accessToken') || ''))]);
    this.ws = ws;
    ws.opened = false;
    ws.onopen = () => { ws.opened = true; this.lastFrameAt = Date.now(); };
    let first = true;
    ws.onmessage = (ev) => {
      let status;
      try { status = JSON.parse(ev.data); } catch { return; }
      this.lastFrameAt = Date.now();
      this.last = status;
      let event = null;
      if (first) {
        first = false;
        // The server answers a stale ticket (grace over, place given up) with an entry at the back and a new ticket.
        const movedBack = presented && status.ticket && status.ticket !== presented && status.status !== 'ADMITTED';
        if (movedBack) { event = { type: 'movedBack', afterDrop: this.lostAt !== null }; store.setItem('q:' + id, JSON.stringify({ ...this.mark(), first: null })); }
        else if (this.lostAt !== null) event = { type: 'reconnected' };
        this.attempt = 0;
        this.lostAt = null;
      }
      if (status.ticket) store.setItem('q:' + id, JSON.stringify({ ...this.mark(), ticket: status.ticket }));
      if (event) this.emit(event);
      if (status.status === 'ADMITTED' && status.admissionToken) store.setItem('adm:' + id, status.admissionToken);
      this.emit({ type: 'status', status });
    };
    ws.onerror = () => this.dropped(ws);
    ws.onclose = (ev) => {
      if (ev.code === 4404 && this.ws === ws && !this.stopped) {
        // The fan left (another tab), lost the place or the session ended: reconnecting cannot bring it back.
        this.stopped = true;
        this.emit({ type: 'lost' });
        return;
      }
      this.dropped(ws);
    };
  },
  // Close, error, a silent socket, all end here once per socket.
  async dropped(ws) {
    if (this.ws !== ws || this.stopped) return;
    this.ws = null;
    ws.onclose = ws.onerror = ws.onmessage = null;
    try { ws.close(); } catch { /* already closed */ }
    if (this.lostAt === null) this.lostAt = Date.now();
    // A refused upgrade (never opened) is most often an expired access token.
    if (!ws.opened) await refresh();
    this.retry();
  },
  graceLeft() { return this.lostAt === null ? RECONNECT_GRACE_MS : RECONNECT_GRACE_MS - (Date.now() - this.lostAt); },
  retry() {
    if (this.stopped || this.retryTimer || (this.ws && this.ws.readyState <= WebSocket.OPEN)) return;
    const left = this.graceLeft();
    this.emit({ type: 'reconnecting', graceLeftMs: Math.max(0, left), attempt: this.attempt });
    // Inside the grace period no wait outlasts it; after it, the backoff stays capped.
    const delay = left > 0 ? Math.min(backoff(this.attempt), left) : backoff(this.attempt);
    this.attempt++;
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.reconnectNow(); }, delay);
  },
  // The page, the network (`online`) or the tab (`visibilitychange`) says now is a good time: skip the wait.
  reconnectNow() {
    if (this.stopped || (this.ws && this.ws.readyState <= WebSocket.OPEN)) return;
    this.connect();
  },
  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdog);
    this.retryTimer = this.watchdog = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onerror = ws.onmessage = null;
      try { ws.close(1000); } catch { /* already closed */ }
    }
    this.performanceId = null;
    this.last = null;
    this.lostAt = null;
  },
};
window.addEventListener('online', () => queueSocket.reconnectNow());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible') return;
  // A frozen background tab may hold a socket that died meanwhile: check it at once instead of at the watchdog.
  const ws = queueSocket.ws;
  if (ws && ws.readyState === WebSocket.OPEN && Date.now() - queueSocket.lastFrameAt > SILENT_SOCKET_MS) queueSocket.dropped(ws);
  else queueSocket.reconnectNow();
});

// The server's clock, from the frames' sentAt: a countdown to the opening must not trust the phone's clock.
let serverClockOffsetMs = 0;
function opensAtLocalMs(s) {
  if (s.sentAt && s.opensAt) { serverClockOffsetMs = s.sentAt - Date.now(); return Date.parse(s.opensAt) - serverClockOffsetMs; }
  if (s.opensInSeconds !== undefined && s.opensInSeconds !== null) return Date.now() + s.opensInSeconds * 1000;
  return s.opensAt ? Date.parse(s.opensAt) - serverClockOffsetMs : null;
}

async function queuePage(performanceId, showtimeId) {
  if (!requireLogin()) return;
  const here = `#/queue/${performanceId}/${showtimeId}`;
  const statusEl = h('div', { class: 'status', 'data-testid': 'queue-status' }, t('queue.connecting'));
  // The only live region of the panel: the position, read out when it changes (every second would be noise).
  const position = h('div', { class: 'big', 'data-testid': 'queue-position', 'aria-live': 'polite', 'aria-atomic': 'true' }, '–');
  const positionLabel = h('p', { class: 'meta' }, t('queue.position'));
  const ahead = h('dd', { 'data-testid': 'queue-ahead' }, '–');
  const wait = h('dd', { 'data-testid': 'queue-wait' }, '–');
  const stats = h('dl', {}, h('div', {}, h('dt', {}, t('queue.ahead')), ahead), h('div', {}, h('dt', {}, t('queue.wait')), wait));
  const stalled = h('p', { class: 'notice', 'data-testid': 'queue-stalled', hidden: true }, t('queue.stalled'));
  const countdown = h('div', { class: 'big', role: 'timer', 'data-testid': 'queue-countdown' });
  const opensLine = h('p', { class: 'meta' });
  const before = h('div', { 'data-testid': 'queue-before-opening', hidden: true },
    h('p', { class: 'meta' }, t('queue.opensIn')), countdown, opensLine, h('p', {}, t('queue.draw')));
  const fill_ = h('span', { style: 'width:0%' });
  const bar = h('div', { class: 'bar', role: 'progressbar', 'aria-label': t('queue.progress'), 'aria-valuemin': '0',
    'aria-valuemax': '100', 'aria-valuenow': '0', 'data-testid': 'queue-progress' }, fill_);
  const setText = (el, text) => { if (el.textContent !== text) el.textContent = text; };
  const setProgress = (pct) => {
    fill_.style.width = pct + '%';
    bar.setAttribute('aria-valuenow', String(pct));
    bar.setAttribute('aria-valuetext', t('queue.progressText', { pct }));
  };
  let opensAtMs = null;
  const tickCountdown = () => {
    if (opensAtMs === null) return;
    const left = (opensAtMs - Date.now()) / 1000;
    setText(countdown, left > 0 ? duration(Math.ceil(left)) : t('queue.drawing'));
  };
  every(250, tickCountdown);
  const soldOut = h('div', { class: 'notice', role: 'status', 'data-testid': 'queue-sold-out', hidden: true },
    h('strong', {}, t('queue.soldOut')), h('p', {}, t('queue.soldOutKeep')));
  const show = (s) => {
    statusEl.dataset.status = s.status;
    // Every seat is sold: no ETA, no progress; the place is kept in case seats come back (then WAITING again).
    soldOut.hidden = s.status !== 'SOLD_OUT';
    stats.hidden = bar.hidden = s.status === 'SOLD_OUT' || s.status === 'BEFORE_OPENING';
    if (s.status === 'SOLD_OUT') {
      before.hidden = stalled.hidden = true;
      opensAtMs = null;
      setText(statusEl, t('queue.soldOutStatus'));
      setText(position, String(s.position || '–'));
      position.hidden = positionLabel.hidden = !(s.position > 0);
      return;
    }
    before.hidden = s.status !== 'BEFORE_OPENING';
    position.hidden = positionLabel.hidden = stats.hidden = bar.hidden = s.status === 'BEFORE_OPENING';
    if (s.status === 'BEFORE_OPENING') {
      setText(statusEl, t('queue.beforeOpening'));
      opensAtMs = opensAtLocalMs(s);
      if (s.opensAt) setText(opensLine, t('queue.opensAt', { time: when(s.opensAt) }));
      tickCountdown();
      stalled.hidden = true;
      return;
    }
    opensAtMs = null;
    setText(statusEl, s.status === 'ADMITTED' ? t('queue.admitted') : t('queue.waiting'));
    setText(position, s.status === 'ADMITTED' ? '✓' : String(s.position));
    setText(ahead, String(s.ahead ?? 0));
    const isStalled = s.status === 'WAITING' && s.admissionsStalled === true;
    stalled.hidden = !isStalled;
    setText(wait, isStalled ? t('queue.paused') : t('queue.about', { time: duration(s.estimatedWaitSeconds || 0) }));
    if (s.status === 'WAITING' && s.position > 0) {
      // Progress from the first position this entry was given: 0% there, 100% at admission.
      const mark = JSON.parse(store.getItem('q:' + performanceId) || '{}');
      const first = Math.max(mark.first || 0, s.position);
      if (first !== mark.first) store.setItem('q:' + performanceId, JSON.stringify({ ...mark, first }));
      setProgress(Math.round(100 * (first - s.position) / first));
    } else if (s.status === 'ADMITTED') setProgress(100);
    if (s.status === 'ADMITTED' && s.admissionToken) {
      store.setItem('adm:' + performanceId, s.admissionToken);
      setTimeout(() => { if (location.hash === here) go(`#/seats/${performanceId}/${showtimeId}`); }, 600);
    }
  };
  render(h('div', { class: 'card queue' },
    h('h2', {}, t('queue.title')),
    before, soldOut, positionLabel, position, statusEl, stalled, stats, bar,
    h('p', {}, h('button', { 'data-testid': 'leave-queue', onclick: async () => {
      queueSocket.close();
      try { await api('DELETE', `/api/queues/${performanceId}/entries/me`); } catch { /* gone already */ }
      store.removeItem('q:' + performanceId);
      store.removeItem('adm:' + performanceId);
      notice(t('queue.left'));
      go('#/p/' + performanceId);
    } }, t('queue.leave')))));

  const wasHere = store.getItem('q:' + performanceId);
  const { status, data } = await api('POST', `/api/queues/${encodeURIComponent(performanceId)}/entries`);
  if (wasHere && status === 201 && data.status === 'WAITING') notice(t('queue.movedBack'));
  store.setItem('q:' + performanceId, JSON.stringify({ ticket: data.ticket, showtimeId }));
  show(data);
  if (data.status === 'ADMITTED' && data.admissionToken) return; // show() navigates to the seats
  queueSocket.open(performanceId, (ev) => {
    if (location.hash !== here) return;
    if (ev.type === 'status') show(ev.status);
    else if (ev.type === 'reconnecting') {
      notice(ev.graceLeftMs > 0 ? t('queue.reconnecting', { time: duration(ev.graceLeftMs / 1000) }) : t('queue.offline', { time: duration(RECONNECT_GRACE_MS / 1000) }));
    } else if (ev.type === 'reconnected') {
      const text = t('queue.reconnected');
      notice(text, 'ok');
      setTimeout(() => { if (noticeBox.textContent === text) notice(null); }, 8000);
    }
    else if (ev.type === 'movedBack') {
      // After a drop: the grace period ran out. Otherwise another tab or a refresh entered again.
      notice(ev.afterDrop ? t('queue.graceOver', { time: duration(RECONNECT_GRACE_MS / 1000) }) : t('queue.movedBack'), 'error');
    }
    else if (ev.type === 'lost') { store.removeItem('q:' + performanceId); notice(t('queue.lost'), 'error'); }
  });
}

// ---------- seats, hold, payment ----------
const BEST_MAX_DEFAULT = 4;        // booking-svc's default per-fan limit, until the performance (or a 409) says its own
const BEST_COUNT_CAP = 10;   // a picker longer than this helps nobody
async function seatsPage(performanceId, showtimeId) {
  if (!requireLogin()) return;
  if (!admissionToken(performanceId)) { go(`#/queue/${performanceId}/${showtimeId}`); return; }
  // Keep the session's socket (admission-token renewals, session end) while choosing and paying.
  queueSocket.open(performanceId, (ev) => {
    if (ev.type === 'lost' && location.hash.startsWith('#/seats/')) notice(t('err.notAdmitted'), 'error');
  });
  const selected = new Map();
  let seats = [];
  let hold = null;
  const mapEl = h('div', { 'data-testid': 'seat-map' }, t('loading'));
  const summary = h('div', { class: 'card' });
  const sessionEl = h('p', { class: 'meta', 'data-testid': 'session-left' });
  const title = h('h2', {}, t('seats.title'));
  const best = h('div', { class: 'card best', 'data-testid': 'best-available' });
  render(h('div', { class: 'split' },
    h('div', { class: 'card' }, title, sessionEl, h('div', { class: 'stage' }, t('seats.stage')), mapEl,
      h('div', { class: 'legend' },
        h('span', {}, h('i', { style: 'background:var(--seat)' }), t('seats.available')),
        h('span', {}, h('i', { style: 'background:var(--seat-held)' }), t('seats.held')),
        h('span', {}, h('i', { style: 'background:var(--seat-sold)' }), t('seats.sold')),
        h('span', {}, h('i', { style: 'background:var(--seat-mine)' }), t('seats.selected'))),
      h('p', { class: 'meta' }, t('seats.live'))),
    h('div', {}, best, summary)));

  const label = (s) => `${s.section} ${s.row}-${s.number}`;
  function drawMap() {
    const sections = new Map();
    for (const s of seats) {
      if (!sections.has(s.section)) sections.set(s.section, new Map());
      const rows = sections.get(s.section);
      if (!rows.has(s.row)) rows.set(s.row, []);
      rows.get(s.row).push(s);
    }
    fill(mapEl, ...[...sections].map(([name, rows]) => h('div', { class: 'section' }, h('h4', {}, name),
      [...rows].map(([row, list]) => h('div', { class: 'row' }, h('span', { class: 'label' }, row),
        list.sort((a, b) => a.number - b.number).map((s) => h('button', {
          type: 'button', class: 'seat' + (selected.has(s.id) ? ' selected' : ''), title: `${label(s)} · ${money(s.price)}`,
          'aria-label': label(s), 'aria-pressed': selected.has(s.id) ? 'true' : 'false',
          disabled: (s.status !== 'AVAILABLE' && !selected.has(s.id)) || !!hold,
          dataset: { seatId: s.id, status: s.status, label: label(s) },
          onclick: () => { if (selected.has(s.id)) selected.delete(s.id); else selected.set(s.id, s); drawMap(); drawSummary(); },
        }, s.number)))))));
  }
  // Best available: the server picks `count` adjacent seats in one row (best tier, row, centre), in a section or
  // anywhere. The count stays within the per-fan limit when it is known (the performance says it, or a 409 did).
  let ticketLimit = null;
  const countIn = h('select', { name: 'count', 'aria-label': t('best.count') });
  const sectionIn = h('select', { name: 'section', 'aria-label': t('best.section') });
  const bestResult = h('div', { 'data-testid': 'best-result' });
  const bestButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'best-button', onclick: () => doHold({ count: +countIn.value, ...(sectionIn.value ? { section: sectionIn.value } : {}) }) }, t('best.hold'));
  fill(best, h('h3', {}, t('best.title')), h('p', { class: 'meta' }, t('best.help')),
    h('div', { class: 'grid2' }, h('label', { class: 'field' }, t('best.count'), countIn), h('label', { class: 'field' }, t('best.section'), sectionIn)),
    h('p', {}, bestButton), bestResult);
  function drawBest() {
    best.hidden = !!hold;
    const max = Math.max(1, Math.min(ticketLimit || BEST_MAX_DEFAULT, BEST_COUNT_CAP));
    const count = Math.min(+countIn.value || 2, max);
    if (countIn.options.length !== max) fill(countIn, ...Array.from({ length: max }, (_, i) => h('option', { value: i + 1 }, String(i + 1))));
    countIn.value = String(count);
    const names = [...new Set(seats.map((x) => x.section))];
    const chosen = sectionIn.value;
    if (sectionIn.options.length !== names.length + 1) {
      fill(sectionIn, h('option', { value: '' }, t('best.anySection')), ...names.map((n) => h('option', { value: n }, n)));
      sectionIn.value = names.includes(chosen) ? chosen : '';
    }
    bestButton.disabled = !!hold || !seats.some((x) => x.status === 'AVAILABLE');
  }
  function drawSummary() {
    drawBest();
    if (hold) return drawHold();
    const list = [...selected.values()];
    const total = list.reduce((a, s) => a + s.price, 0);
    const soldOut = seats.length > 0 && seats.every((s) => s.status !== 'AVAILABLE');
    fill(summary, 
      h('h3', {}, t('seats.selected')),
      soldOut && list.length === 0 ? h('p', { class: 'notice error', 'data-testid': 'sold-out' }, t('seats.soldOut')) : null,
      list.length === 0 ? h('p', { class: 'muted' }, t('seats.none')) :
        h('ul', { 'data-testid': 'selected-seats' }, list.map((s) => h('li', {}, `${label(s)} · ${money(s.price)}`))),
      h('p', {}, h('strong', {}, t('seats.total') + ': ' + money(total))),
      h('button', { class: 'primary', 'data-testid': 'hold-button', disabled: list.length === 0, onclick: () => doHold() }, t('seats.hold')));
  }
  async function refreshSeats() {
    try {
      const { data } = await api('GET', `/api/showtimes/${encodeURIComponent(showtimeId)}/seats`, { anonymous: true });
      seats = data.seats || [];
      if (data.startsAt) title.textContent = t('seats.title') + ' · ' + when(data.startsAt);
      // A seat someone else took since it was picked is dropped from the selection.
      for (const id of [...selected.keys()]) {
        const s = seats.find((x) => x.id === id);
        if (!hold && (!s || s.status !== 'AVAILABLE')) selected.delete(id);
      }
      drawMap();
      drawSummary();
    } catch (e) { if (e.status !== 401) notice(explain(e), 'error'); }
  }
  // `request` is {seatIds} (seats picked on the map) or {count, section?} (best available).
  async function doHold(request) {
    const byCount = !!(request && request.count);
    const body = byCount ? request : { seatIds: [...selected.keys()] };
    fill(bestResult);
    try {
      const { data } = await api('POST', `/api/showtimes/${encodeURIComponent(showtimeId)}/holds`, {
        headers: { 'X-Admission-Token': admissionToken(performanceId) }, body });
      hold = data;
      selected.clear();
      for (const x of hold.seats || []) selected.set(x.id, seats.find((y) => y.id === x.id) || x);
      notice(byCount ? t('best.held', { seats: (hold.seats || []).map(label).join(', ') }) : null, byCount ? 'ok' : undefined);
      drawMap();
      drawBest();
      drawHold();
    } catch (e) {
      const p = e.problem || {};
      if (e.status === 409 && p.limit !== undefined) { ticketLimit = p.limit; drawBest(); }
      if (byCount && e.status === 409) {
        // The server's detail says which: none together, or over the limit (how many the fan already has).
        const headline = p.limit !== undefined ? t('limit.over', { limit: p.limit, held: p.held ?? 0 }) : t('best.none', { count: request.count });
        fill(bestResult, h('p', { class: 'notice error', role: 'alert', 'data-testid': 'best-error' }, headline,
          p.detail ? h('small', { class: 'detail' }, p.detail) : null));
        await refreshSeats();
        return;
      }
      notice(explain(e, 'booking'), 'error');
      if (e.status === 409) { selected.clear(); await refreshSeats(); }
    }
  }
  function drawHold() {
    const left = () => (new Date(hold.expiresAt).getTime() - Date.now()) / 1000;
    const countdown = h('p', { 'data-testid': 'hold-expires' }, t('hold.expires', { time: duration(left()) }));
    const approve = h('input', { type: 'radio', name: 'paymentToken', value: 'tok_approve', checked: true });
    const decline = h('input', { type: 'radio', name: 'paymentToken', value: 'tok_decline' });
    const pay = h('button', { class: 'primary', 'data-testid': 'pay-button', onclick: async () => {
      pay.disabled = true;
      try {
        const token = decline.checked ? 'tok_decline' : 'tok_approve';
        const { data } = await api('POST', '/api/orders', { headers: { 'X-Admission-Token': admissionToken(performanceId) },
          body: { holdId: hold.holdId, paymentToken: token } });
        go('#/order/' + data.orderId);
      } catch (e) {
        pay.disabled = false;
        notice(explain(e, 'booking'), 'error');
        if (e.status === 409) { hold = null; selected.clear(); refreshSeats(); }
      }
    } }, t('hold.pay'));
    fill(summary, h('h3', {}, t('hold.title')),
      h('ul', { 'data-testid': 'held-seats' }, (hold.seats || []).map((s) => h('li', {}, `${s.section} ${s.row}-${s.number} · ${money(s.price)}`))),
      h('p', {}, h('strong', {}, t('seats.total') + ': ' + money(hold.amount))), countdown,
      h('fieldset', {}, h('legend', {}, t('hold.card')),
        h('label', {}, approve, ' ', t('hold.approve')), h('br'), h('label', {}, decline, ' ', t('hold.decline'))),
      h('p', {}, pay));
    const timer = every(1000, () => {
      if (!hold) { clearInterval(timer); return; }
      if (left() <= 0) {
        clearInterval(timer);
        hold = null; selected.clear();
        notice(t('hold.expired'), 'error');
        refreshSeats();
      } else countdown.textContent = t('hold.expires', { time: duration(left()) });
    });
  }
  const sessionEnd = () => jwtExpiry(admissionToken(performanceId));
  every(1000, () => {
    const end = sessionEnd();
    if (end) sessionEl.textContent = t('seats.session', { time: duration((end - Date.now()) / 1000) });
    if (end && end < Date.now()) notice(t('err.notAdmitted'), 'error');
  });
  api('GET', '/api/performances/' + encodeURIComponent(performanceId), { anonymous: true })
    .then(({ data }) => { if (data && data.ticketLimitPerFan) { ticketLimit = data.ticketLimitPerFan; drawBest(); } }).catch(() => {});
  await refreshSeats();
  every(3000, () => { if (!hold) refreshSeats(); });
}

// Orders list seat ids; fans read "R 3-12". Labels come from the (public) seat map, fetched once per showtime.
const seatLabelCache = new Map();
function seatLabels(showtimeId) {
  if (!seatLabelCache.has(showtimeId)) {
    seatLabelCache.set(showtimeId, api('GET', `/api/showtimes/${encodeURIComponent(showtimeId)}/seats`, { anonymous: true })
      .then(({ data }) => new Map((data.seats || []).map((x) => [x.id, `${x.section} ${x.row}-${x.number}`])))
      .catch(() => { seatLabelCache.delete(showtimeId); return new Map(); }));
  }
  return seatLabelCache.get(showtimeId);
}
async function seatText(order) {
  const labels = order.showtimeId ? await seatLabels(order.showtimeId) : new Map();
  return (order.seats || []).map((id) => labels.get(id) || id).join(', ');
}

// ---------- order status ----------
const TERMINAL = ['CONFIRMED', 'FAILED', 'EXPIRED', 'CANCELLED', 'REFUNDED'];
async function orderPage(orderId) {
  if (!requireLogin()) return;
  const statusEl = h('span', { class: 'status PENDING', 'data-testid': 'order-status' }, 'PENDING');
  const message = h('p', {}, h('span', { class: 'spinner' }), ' ', t('order.pending'));
  const details = h('div', { class: 'meta' });
  const actions = h('p', {});
  render(h('div', { class: 'card' }, h('h2', {}, t('order.title')), h('p', {}, statusEl), message, details, actions));
  const poll = async () => {
    let o;
    try { ({ data: o } = await api('GET', '/api/orders/' + encodeURIComponent(orderId))); } catch (e) { notice(explain(e), 'error'); return; }
    statusEl.textContent = o.status;
    statusEl.className = 'status ' + o.status;
    details.textContent = `${await seatText(o)} · ${money(o.amount)}`;
    if (!TERMINAL.includes(o.status)) return;
    pageTimers.forEach(clearInterval);
    const key = { CONFIRMED: 'order.confirmed', FAILED: 'order.failed', EXPIRED: 'order.expired', CANCELLED: 'order.cancelled', REFUNDED: 'order.refunded' }[o.status];
    message.textContent = t(key) + (o.status === 'FAILED' && o.failureReason ? ` (${o.failureReason})` : '');
    message.className = o.status === 'CONFIRMED' ? 'notice ok' : 'notice error';
    fill(actions, h('a', { class: 'button', href: '#/tickets' }, t('order.toTickets')));
    if (o.status === 'CONFIRMED') {
      // The booking is done: the waiting-room slot goes to the next fan (queue-svc hears BookingCompleted).
      queueSocket.close();
      store.removeItem('adm:' + o.performanceId);
      store.removeItem('q:' + o.performanceId);
    } else if (o.status === 'FAILED' && admissionToken(o.performanceId)) {
      actions.append(' ', h('a', { class: 'button', href: `#/seats/${o.performanceId}/${o.showtimeId}` }, t('order.again')));
    }
  };
  await poll();
  every(1000, poll);
}

// ---------- my tickets ----------
async function ticketsPage() {
  if (!requireLogin()) return;
  const body = h('div', {}, t('loading'));
  render(h('div', { class: 'card' }, h('h2', {}, t('tickets.title')), body));
  const load = async () => {
    const { data } = await api('GET', '/api/orders');
    const orders = (data || []).slice().sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    const seatsOf = new Map(await Promise.all(orders.map(async (o) => [o.orderId, await seatText(o)])));
    if (orders.length === 0) { fill(body, h('p', {}, t('tickets.none'))); return; }
    fill(body, h('table', { 'data-testid': 'tickets' },
      h('thead', {}, h('tr', {}, h('th', {}, t('col.order')), h('th', {}, t('col.status')), h('th', {}, t('col.seats')),
        h('th', {}, t('col.amount')), h('th', {}, t('col.created')), h('th', {}))),
      h('tbody', {}, orders.map((o) => h('tr', { dataset: { orderId: o.orderId } },
        h('td', {}, h('a', { href: '#/order/' + o.orderId }, o.orderId.slice(0, 8))),
        h('td', {}, h('span', { class: 'status ' + o.status }, o.status)),
        h('td', {}, seatsOf.get(o.orderId)), h('td', {}, money(o.amount)), h('td', {}, when(o.createdAt)),
        h('td', {}, o.status === 'CONFIRMED' ? h('button', { 'data-testid': 'cancel-order', onclick: async () => {
          if (!confirm(t('tickets.confirmCancel'))) return;
          try { await api('POST', `/api/orders/${o.orderId}/cancel`); notice(t('tickets.cancelled'), 'ok'); load(); }
          catch (e) { notice(explain(e), 'error'); }
        } }, t('tickets.cancel')) : null))))));
  };
  await load();
  every(3000, () => load().catch(() => {}));
}

// ---------- admin ----------
async function adminPage() {
  if (!requireLogin()) return;
  const me = currentUser();
  if (!(me.roles || []).includes('admin')) { render(h('div', { class: 'card' }, h('p', {}, t('admin.only')))); return; }
  const f = (name, attrs) => h('input', { name, ...(attrs || {}) });
  const titleIn = f('title', { required: true });
  const descIn = h('textarea', { name: 'description' });
  const venueIn = f('venue', { required: true });
  const catIn = f('category', { required: true, value: lang === 'ko' ? '콘서트' : 'Concert' });
  const start = new Date(Date.now() + 30 * 86400e3); start.setHours(19, 30, 0, 0);
  const localValue = (d, seconds) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, seconds ? 19 : 16);
  const startsBox = h('div', { class: 'field' }, t('admin.startsAt'), f('startsAt', { type: 'datetime-local', required: true, value: localValue(start) }));
  const sectionsIn = h('textarea', { name: 'sections' }, 'VIP,2,10,165000\nR,4,12,132000');
  const limitIn = f('ticketLimitPerFan', { type: 'number', min: 1, max: 100, placeholder: t('admin.rateDefault') });
  const created = h('div', {});
  // Free text with suggestions: any performance id works, the list only helps.
  const perfSelect = h('input', { name: 'performanceId', list: 'performance-ids', required: true, autocomplete: 'off' });
  const perfList = h('datalist', { id: 'performance-ids' });
  const capIn = f('capacity', { type: 'number', min: 1, value: 100 });
  const ttlIn = f('sessionTtlSeconds', { type: 'number', min: 30, value: 600 });
  const rateIn = f('admitPerSecond', { type: 'number', min: 1, placeholder: t('admin.rateDefault') });
  // Empty = open now. The browser's local time, sent with its offset (queue-svc takes ISO-8601 with an offset).
  const opensIn = f('opensAt', { type: 'datetime-local', step: 1 });
  const opensState = h('p', { class: 'meta', 'data-testid': 'opens-state' });
  const loadPerformances = async (selectId) => {
    const { data } = await api('GET', '/api/performances?page=0&size=100');
    fill(perfList, ...(data.items || []).map((p) => h('option', { value: p.id, label: p.title })));
    if (selectId) perfSelect.value = selectId;
    else if (!perfSelect.value && data.items && data.items.length) perfSelect.value = data.items[0].id;
  };
  const createForm = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const showtimes = [...startsBox.querySelectorAll('input')].filter((i) => i.value).map((i) => ({
        startsAt: new Date(i.value).toISOString(),
        sections: sectionsIn.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
          const [name, rows, seatsPerRow, price] = l.split(',').map((x) => x.trim());
          return { name, rows: +rows, seatsPerRow: +seatsPerRow, price: +price };
        }),
      }));
      const { data } = await api('POST', '/api/performances', { body: { title: titleIn.value.trim(), description: descIn.value.trim(),
        venue: venueIn.value.trim(), category: catIn.value.trim(), showtimes, ...(limitIn.value ? { ticketLimitPerFan: +limitIn.value } : {}) } });
      fill(created, h('p', { class: 'notice ok', 'data-testid': 'created' }, t('admin.created', { id: data.id }), ' ',
        h('a', { href: '#/p/' + data.id }, data.title)));
      await loadPerformances(data.id);
      perfSelect.dispatchEvent(new Event('change'));
    } catch (err) { notice(explain(err), 'error'); }
  } },
  h('label', {}, t('admin.title.f'), titleIn), h('label', {}, t('admin.description'), descIn),
  h('div', { class: 'grid2' }, h('label', {}, t('admin.venue'), venueIn), h('label', {}, t('admin.category'), catIn)),
  startsBox, h('button', { type: 'button', onclick: () => startsBox.append(f('startsAt', { type: 'datetime-local' })) }, '+'),
  h('label', {}, t('admin.sections'), sectionsIn), h('label', {}, t('admin.limit'), limitIn),
  h('button', { class: 'primary', type: 'submit' }, t('admin.submit')), created);
  const queueForm = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const body = { capacity: +capIn.value, sessionTtlSeconds: +ttlIn.value };
      if (rateIn.value) body.admitPerSecond = +rateIn.value;
      // Absent opens the room now (before its opening) or keeps the recorded time (after it, when it can no longer
      // change): a past opening shown unchanged is left out, a future one is sent again so that it stays.
      const opensAt = opensIn.value ? new Date(opensIn.value) : null;
      if (opensAt && (!loadedOpens || opensAt.getTime() !== new Date(loadedOpens).getTime() || opensAt > Date.now())) body.opensAt = isoWithOffset(opensAt);
      const { data } = await api('PUT', `/api/queues/${encodeURIComponent(perfSelect.value.trim())}/config`, { body });
      showOpening(data);
      notice(t('admin.saved'), 'ok');
    } catch (err) { notice(explain(err), 'error'); }
  } },
  h('label', {}, t('admin.perfId'), perfSelect, perfList), h('label', {}, t('admin.capacity'), capIn), h('label', {}, t('admin.ttl'), ttlIn),
  h('label', {}, t('admin.rate'), rateIn), h('label', {}, t('admin.opensAt'), opensIn), opensState,
  h('button', { class: 'primary', type: 'submit' }, t('admin.save')));
  let loadedOpens = '';
  function showOpening(data) {
    const at = data && data.opensAt ? new Date(data.opensAt) : null;
    opensIn.value = loadedOpens = at ? localValue(at, true) : '';
    opensState.textContent = !at ? t('admin.openNow') : at > Date.now() ? t('admin.opensOn', { time: when(data.opensAt) }) : t('admin.openedOn', { time: when(data.opensAt) });
  }
  // Choosing a performance shows its current settings; data-loaded tells which one the fields show.
  perfSelect.addEventListener('change', async () => {
    const id = perfSelect.value.trim();
    delete queueForm.dataset.loaded;
    showOpening(null);
    try {
      const { data } = await api('GET', `/api/queues/${encodeURIComponent(id)}/config`);
      if (perfSelect.value.trim() !== id) return;
      if (data.capacity) capIn.value = data.capacity;
      if (data.sessionTtlSeconds) ttlIn.value = data.sessionTtlSeconds;
      rateIn.value = data.admitPerSecond || '';
      showOpening(data);
    } catch { /* room not known yet */ }
    if (perfSelect.value.trim() === id) queueForm.dataset.loaded = id;
  });
  render(h('div', { class: 'card' }, h('h2', {}, t('admin.create')), createForm),
    h('div', { class: 'card' }, h('h2', {}, t('admin.queue')), queueForm));
  await loadPerformances();
  perfSelect.dispatchEvent(new Event('change'));
}

route();
