// The on-sale scenario for k6 users (same steps as the Gatling simulation; k6 is not installed on the development
// machine, so this script is not run by the build — see loadtest/README.md).
//   loadtest/provision-fans.sh -Dusers=2000                 # fans and their tokens, ahead of the sale (fan file)
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e USERS=2000 -e WINDOW_SECONDS=30 -e SEATS=200 -e CAPACITY=50 \
//          -e FANS_FILE=loadtest/target/fans/fan.tsv loadtest/k6/on-sale.js
// Fans are provisioned before the sale (the fan file: email, userId, accessToken, refreshToken, expiresAt; run
// provision-fans.sh again right before the window and every token has 15 fresh minutes); a fan whose access token
// is about to expire renews it with POST /api/auth/refresh, as the web UI does. setup() creates the performance as
// the admin and opens the room; the fans then arrive within the window (shared-iterations over a ramping arrival rate), enter the waiting room,
// hold the WebSocket until ADMITTED, hold random available seats (another pick on 409), order, and poll to a final state.
import http from 'k6/http';
import ws from 'k6/ws';
import { check, sleep, fail } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import { SharedArray } from 'k6/data';

const BASE = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const WS_BASE = BASE.replace(/^http/, 'ws');
const USERS = parseInt(__ENV.USERS || '2000');
const WINDOW = parseInt(__ENV.WINDOW_SECONDS || '30');
const SEATS = parseInt(__ENV.SEATS || '200');
const CAPACITY = parseInt(__ENV.CAPACITY || '50');
const SEATS_PER_FAN = parseInt(__ENV.SEATS_PER_FAN || '2');
const DECLINE_SHARE = parseFloat(__ENV.DECLINE_SHARE || '0.1');
const MAX_QUEUE_WAIT = parseInt(__ENV.MAX_QUEUE_WAIT_SECONDS || '900');
const FAN_PREFIX = __ENV.FAN_PREFIX || 'fan';
const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };
// One line per fan: email, userId, accessToken, refreshToken, accessExpiresAtMillis (tab-separated).
const FANS = new SharedArray('fans', () => open(__ENV.FANS_FILE || fail('set FANS_FILE (loadtest/provision-fans.sh writes it)'))
  .split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t'))
  .map(([email, userId, accessToken, refreshToken, expiresAt]) => ({ email, accessToken, refreshToken, expiresAt: Number(expiresAt) })));

const queueWait = new Trend('queue_wait', true);
const soldOutNotice = new Trend('sold_out_notice', true); // enter → the room says every seat is sold
const orderToConfirmed = new Trend('order_to_confirmed', true);
const fiveXx = new Counter('http_5xx');
const holdConflicts = new Counter('hold_conflicts');

export const options = {
  setupTimeout: `${Math.max(300, USERS / 4)}s`,
  scenarios: {
    onsale: {
      executor: 'per-vu-iterations', vus: USERS, iterations: 1, maxDuration: `${WINDOW + MAX_QUEUE_WAIT + 300}s`,
    },
  },
  thresholds: { http_5xx: ['count==0'] },
};

function auth(token, extra) {
  return { headers: Object.assign({ Authorization: `Bearer ${token}` }, JSON_HEADERS, extra || {}) };
}

function track(res) {
  if (res.status >= 500 || res.status === 0) fiveXx.add(1);
  return res;
}

// This VU's fan session; renewed a minute before the access token expires (the WebSocket needs it only at its handshake).
let session = null;
function token() {
  if (session === null) session = Object.assign({}, FANS[(__VU - 1) % FANS.length]);
  if (session.expiresAt - Date.now() < 60000) {
    const r = track(http.post(`${BASE}/api/auth/refresh`, JSON.stringify({ refreshToken: session.refreshToken }), { headers: JSON_HEADERS, tags: { name: 'refresh' } }));
    if (r.status !== 200) fail(`refresh ${session.email}: ${r.status}`);
    session = { email: session.email, accessToken: r.json('accessToken'), refreshToken: r.json('refreshToken'), expiresAt: Date.now() + r.json('expiresIn') * 1000 };
  }
  return session.accessToken;
}

function login(email, password) {
  const r = http.post(`${BASE}/api/auth/login`, JSON.stringify({ email, password }), { headers: JSON_HEADERS });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.body}`);
  return r.json('accessToken');
}

export function setup() {
  const admin = login(__ENV.TICKETING_ADMIN_EMAIL || 'admin@ticketing.local', (__ENV.TICKETING_ADMIN_PASSWORD || fail('set TICKETING_ADMIN_PASSWORD: the local stack keeps its generated one in .devstack/admin-password')));
  const perRow = Math.min(20, SEATS);
  const rows = Math.ceil(SEATS / perRow);
  const sections = [];
  for (let i = 0; i * 200 < rows; i++) sections.push({ name: `S${i + 1}`, rows: Math.min(200, rows - i * 200), seatsPerRow: perRow, price: 99000 });
  const startsAt = new Date(Date.now() + 30 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = http.post(`${BASE}/api/performances`, JSON.stringify({
    title: `Load test on-sale (k6) ${new Date().toISOString()}`, description: 'on-sale load test (loadtest/)',
    venue: 'Loadtest Arena', category: 'concert', showtimes: [{ startsAt, sections }],
  }), auth(admin));
  if (r.status !== 201) throw new Error(`create performance: ${r.status} ${r.body}`);
  const perfId = r.json('id');
  const showtimeId = r.json('showtimes.0.id');
  for (let i = 0; ; i++) { // the room exists once queue-svc consumed PerformanceUpserted
    const c = http.put(`${BASE}/api/queues/${perfId}/config`, JSON.stringify({ capacity: CAPACITY, sessionTtlSeconds: 120 }), auth(admin));
    if (c.status === 200 && c.json('live') === true) break; // settings may be stored before the room is open
    if (i > 180) throw new Error(`queue config: ${c.status} ${c.body}`);
    sleep(0.5);
  }
  if (FANS.length < USERS) fail(`the fan file has ${FANS.length} fans, USERS=${USERS}: run loadtest/provision-fans.sh -Dusers=${USERS}`);
  console.log(`on sale: performance ${perfId}, showtime ${showtimeId}, ${FANS.length} provisioned fans (run the checker with these ids)`);
  return { perfId, showtimeId };
}

function availableSeats(showtimeId) {
  const r = track(http.get(`${BASE}/api/showtimes/${showtimeId}/seats`, { tags: { name: 'seats' } }));
  return r.status === 200 ? r.json('seats').filter((s) => s.status === 'AVAILABLE').map((s) => s.id) : [];
}

export default function (data) {
  sleep(Math.random() * WINDOW); // arrival within the window
  const { perfId, showtimeId } = data;
  const enteredAt = Date.now();
  const e = track(http.post(`${BASE}/api/queues/${perfId}/entries`, null, Object.assign(auth(token()), { tags: { name: 'enter' } })));
  if (!check(e, { 'entered': (r) => r.status === 200 || r.status === 201 })) return;
  let admissionToken = e.json('admissionToken');
  let soldOut = e.json('status') === 'SOLD_OUT';
  if (e.json('status') !== 'ADMITTED' && !soldOut) {
    const url = `${WS_BASE}/api/queues/${perfId}/ws?ticket=${encodeURIComponent(e.json('ticket') || '')}`;
    // The token rides in the subprotocol carrier (never in the URL); the server selects 'bearer-token-carrier'.
    const protocols = `bearer-token-carrier, ${encodeURIComponent('quarkus-http-upgrade#Authorization#Bearer ' + token())}`;
    ws.connect(url, { headers: { 'Sec-WebSocket-Protocol': protocols } }, (socket) => {
      socket.on('message', (msg) => {
        const m = JSON.parse(msg);
        if (m.status === 'ADMITTED') { admissionToken = m.admissionToken; socket.close(); }
        // Every seat sold: the room says so instead of admitting the fan to an empty map.
        if (m.status === 'SOLD_OUT') { soldOut = true; socket.close(); }
      });
      socket.setTimeout(() => socket.close(), MAX_QUEUE_WAIT * 1000);
    });
  }
  if (soldOut) {
    soldOutNotice.add(Date.now() - enteredAt);
    track(http.del(`${BASE}/api/queues/${perfId}/entries/me`, null, Object.assign(auth(token()), { tags: { name: 'leave' } })));
    return;
  }
  if (!admissionToken) return;
  queueWait.add(Date.now() - enteredAt);
  const adm = { 'X-Admission-Token': admissionToken };
  let available = availableSeats(showtimeId);
  let holdId = null;
  for (let attempt = 0; attempt < 5 && !holdId && available.length > 0; attempt++) {
    available.sort(() => Math.random() - 0.5);
    const pick = available.splice(0, 1 + Math.floor(Math.random() * SEATS_PER_FAN));
    const h = track(http.post(`${BASE}/api/showtimes/${showtimeId}/holds`, JSON.stringify({ seatIds: pick }),
      Object.assign(auth(token(), adm), { tags: { name: 'hold' }, responseCallback: http.expectedStatuses(201, 409) })));
    if (h.status === 201) holdId = h.json('holdId');
    else if (h.status === 409) { holdConflicts.add(1); available = availableSeats(showtimeId); }
  }
  if (!holdId) { // sold out: leave the room so the next fan gets the slot
    http.del(`${BASE}/api/queues/${perfId}/entries/me`, null, Object.assign(auth(token()), { responseCallback: http.expectedStatuses(204, 404) }));
    return;
  }
  const paymentToken = Math.random() < DECLINE_SHARE ? 'tok_decline' : 'tok_approve';
  const orderedAt = Date.now();
  const o = track(http.post(`${BASE}/api/orders`, JSON.stringify({ holdId, paymentToken }), Object.assign(auth(token(), adm), { tags: { name: 'order' } })));
  if (!check(o, { 'order accepted': (r) => r.status === 202 })) return;
  const orderId = o.json('orderId');
  let status = 'PENDING';
  while (status === 'PENDING' && Date.now() - orderedAt < 120000) {
    sleep(0.5);
    const g = track(http.get(`${BASE}/api/orders/${orderId}`, Object.assign(auth(token()), { tags: { name: 'order status' } })));
    if (g.status === 200) status = g.json('status');
  }
  check(status, { 'order final': (s) => s !== 'PENDING' });
  if (status === 'CONFIRMED') orderToConfirmed.add(Date.now() - orderedAt);
  else http.del(`${BASE}/api/queues/${perfId}/entries/me`, null, Object.assign(auth(token()), { responseCallback: http.expectedStatuses(204, 404) }));
}
