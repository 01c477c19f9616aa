'use strict';
// Browser end-to-end test of the fan UI against a running stack (./ticketing up), in real headless Chromium.
//
// Two fans, waiting-room capacity 1:
//   1. fan A is admitted; fan B waits with a live position (WebSocket pushes) and people ahead;
//   2. fan A holds a seat and pays with the sandbox's approving card; the order is CONFIRMED and fan B is admitted
//      by that (BookingCompleted frees A's slot) without touching the page;
//   3. the admin raises the capacity to 2 on the admin page; fan A books again: a seat fan A holds cannot be taken by
//      fan B (the page says so and the API answers 409);
//   4. fan B's first card is declined (FAILED, seats released, clear message), the retry is approved: both fans have
//      confirmed tickets for different seats;
//   5. fan A cancels one booking in "my tickets": REFUNDED, and the seat is back on sale.
// The flaky phone (in step 1): a third fan (API only) waits behind fan B; fan B's browser goes offline and its socket
// is dropped mid-wait; back online, the page reconnects with its ticket and fan B is at the same position (1, not
// behind fan C), with the same ticket. Offline for longer than the grace period (30 s), the page gives the place up
// only then, makes a fresh entry when the network is back and says so: fan B is behind fan C.
// The on-sale (step 6): a second performance whose waiting room the admin schedules to open a few seconds ahead on
// the admin page; both fans enter before the opening and see the countdown (BEFORE_OPENING); at the opening they are
// drawn (one admitted, the other waiting at position 1, never before opensAt), and the admitted fan's "best
// available" is refused over the per-fan limit (lowered to 1 by the admin: the page shows the 409's sentence and the
// server's detail), then, back at 4, holds 2 adjacent seats.
// Screenshots go to e2e/artifacts/. Exit code 0 = pass.
//
// Env: E2E_BASE_URL (http://127.0.0.1:8080), TICKETING_ADMIN_EMAIL / TICKETING_ADMIN_PASSWORD (default: the stack's generated one),
//      CHROMIUM (/usr/bin/chromium), E2E_TIMEOUT_MS (per step, 120000 — the dev box is slow and loaded).
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const BASE = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const ADMIN_EMAIL = process.env.TICKETING_ADMIN_EMAIL || 'admin@ticketing.local';
// The local stack generates its admin password on the first run and keeps it in .devstack/admin-password.
const ADMIN_PASSWORD = process.env.TICKETING_ADMIN_PASSWORD
  || require('fs').readFileSync(require('path').join(__dirname, '..', '.devstack', 'admin-password'), 'utf8').trim();
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP = parseInt(process.env.E2E_TIMEOUT_MS || '120000', 10);
const ARTIFACTS = path.join(__dirname, 'artifacts');
const RUN = Date.now().toString(36);

const log = (...a) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...a);
function assert(cond, message) { if (!cond) throw new Error('assertion failed: ' + message); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(method, url, { token, body, expect, headers } = {}) {
  const res = await fetch(BASE + url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}), ...(headers || {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (expect && !expect.includes(res.status)) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return { status: res.status, data };
}

async function eventually(what, fn, timeout = STEP) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    await sleep(1000);
  }
  throw new Error(`timed out: ${what}${last ? ' (' + last.message + ')' : ''}`);
}

async function createPerformance(admin, title, sections) {
  const startsAt = new Date(Date.now() + 20 * 86400e3).toISOString();
  const { data: perf } = await api('POST', '/api/performances', { token: admin, expect: [201], body: {
    title, description: 'Browser end-to-end test / 브라우저 종단 간 테스트', venue: 'Test Hall', category: 'Concert',
    showtimes: [{ startsAt, sections }],
  } });
  return perf;
}

// A fan that never opens a page: signs up and enters the line through the API (no socket, so never reaped).
async function apiFan(name) {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${RUN}@e2e.test`;
  await api('POST', '/api/auth/signup', { body: { email, password: 'e2e-password-123', name }, expect: [201, 200] });
  const { data } = await api('POST', '/api/auth/login', { body: { email, password: 'e2e-password-123' }, expect: [200] });
  return { name, token: data.accessToken };
}

async function setUp() {
  const { data: tokens } = await api('POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, expect: [200] });
  const admin = tokens.accessToken;
  const startsAt = new Date(Date.now() + 20 * 86400e3).toISOString();
  const { data: perf } = await api('POST', '/api/performances', { token: admin, expect: [201], body: {
    title: `E2E 콘서트 ${RUN}`, description: 'Browser end-to-end test / 브라우저 종단 간 테스트', venue: 'Test Hall', category: 'Concert',
    showtimes: [{ startsAt, sections: [{ name: 'A', rows: 1, seatsPerRow: 6, price: 50000 }] }],
  } });
  // The waiting room opens once queue-svc has consumed the PerformanceUpserted event (settings may be stored before).
  await eventually('waiting room open', async () => {
    const r = await api('PUT', `/api/queues/${perf.id}/config`, { token: admin, body: { capacity: 1, sessionTtlSeconds: 300 } });
    return r.status === 200 && r.data && r.data.live === true;
  });
  log('performance', perf.id, 'showtime', perf.showtimes[0].id, 'capacity 1');
  return { admin, performanceId: perf.id, showtimeId: perf.showtimes[0].id };
}

async function newFan(browser, name) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'ko-KR' });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP);
  page.on('pageerror', (e) => log(`${name} page error:`, e.message));
  page.on('console', (m) => { if (m.type() === 'error') log(`${name} console:`, m.text()); });
  const fan = { name, context, page, frames: 0, sockets: 0, statuses: [] };
  page.on('websocket', (ws) => {
    fan.sockets++;
    ws.on('framereceived', (f) => {
      fan.frames++;
      try { const s = JSON.parse(f.payload); fan.statuses.push({ url: ws.url(), ...s, at: Date.now() }); } catch { /* not JSON */ }
    });
  });
  await page.goto(BASE + '/#/signup');
  await page.fill('input[name=name]', name);
  await page.fill('input[name=email]', `${name.toLowerCase().replace(/\W/g, '')}-${RUN}@e2e.test`);
  await page.fill('input[name=password]', 'e2e-password-123');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=who]:has-text("' + name + '")');
  log(name, 'signed up and logged in');
  return fan;
}

async function book(fan, performanceId) {
  await fan.page.goto(`${BASE}/#/p/${performanceId}`);
  await fan.page.click('[data-testid=book]');
  await fan.page.waitForSelector('[data-testid=queue-status][data-status], [data-testid=seat-map]');
}

const seatButton = (fan, id) => fan.page.locator(`.seat[data-seat-id="${id}"]`);
async function waitForSeats(fan) {
  await fan.page.waitForURL(/#\/seats\//, { timeout: STEP });
  await fan.page.waitForSelector('.seat[data-seat-id]');
}
async function holdAndPay(fan, seatId, shot, card = 'tok_approve', expected = 'CONFIRMED') {
  await seatButton(fan, seatId).click();
  await fan.page.click('[data-testid=hold-button]');
  await fan.page.waitForSelector('[data-testid=pay-button]');
  if (shot) await fan.page.screenshot({ path: path.join(ARTIFACTS, shot) });
  await fan.page.check(`input[name=paymentToken][value=${card}]`);
  await fan.page.click('[data-testid=pay-button]');
  await fan.page.waitForURL(/#\/order\//);
  await fan.page.waitForSelector('[data-testid=order-status].CONFIRMED, [data-testid=order-status].FAILED', { timeout: STEP });
  const status = await fan.page.textContent('[data-testid=order-status]');
  assert(status === expected, `${fan.name}'s order is ${status}, expected ${expected}`);
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const ctx = await setUp();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    const a = await newFan(browser, 'Fan A');
    const b = await newFan(browser, 'Fan B');

    // 1. A is admitted (capacity 1); B waits with a live position.
    await book(a, ctx.performanceId);
    await waitForSeats(a);
    log('fan A admitted');
    await book(b, ctx.performanceId);
    await b.page.waitForSelector('[data-testid=queue-status][data-status=WAITING]');
    const framesBefore = b.frames;
    await eventually('live position pushes to fan B', async () => b.frames >= framesBefore + 2, 30000);
    const position = await b.page.textContent('[data-testid=queue-position]');
    const ahead = await b.page.textContent('[data-testid=queue-ahead]');
    assert(position === '1' && ahead === '0', `fan B is at position ${position} with ${ahead} ahead`);
    assert(/#\/queue\//.test(b.page.url()), 'fan B stays in the waiting room while A books');
    await b.page.screenshot({ path: path.join(ARTIFACTS, '01-fan-b-waiting.png') });
    log(`fan B waiting: position ${position}, ahead ${ahead}, ${b.frames - framesBefore}+ live updates`);
    const bar = await b.page.$eval('[data-testid=queue-progress]', (el) => ({ role: el.getAttribute('role'),
      min: el.getAttribute('aria-valuemin'), max: el.getAttribute('aria-valuemax'), now: el.getAttribute('aria-valuenow') }));
    assert(bar.role === 'progressbar' && bar.min === '0' && bar.max === '100' && bar.now !== null, `progress bar ${JSON.stringify(bar)}`);

    // 1b. The flaky phone: fan C waits behind B; B's network goes and its socket drops in the middle of the wait.
    const c = await apiFan('Fan C');
    const { data: cEntry } = await api('POST', `/api/queues/${ctx.performanceId}/entries`, { token: c.token, expect: [200, 201] });
    assert(cEntry.status === 'WAITING' && cEntry.position === 2, `fan C waits at position 2 (got ${JSON.stringify(cEntry)})`);
    const ticketBefore = await b.page.evaluate((id) => JSON.parse(sessionStorage.getItem('q:' + id)).ticket, ctx.performanceId);
    const socketsBefore = b.sockets;
    const dropAt = Date.now();
    await b.context.setOffline(true);
    await b.page.evaluate(() => queueSocket.ws.close(4000, 'e2e: the network went away'));
    await b.page.waitForSelector('#notice:not([hidden])');
    assert(/다시 연결|Reconnecting/.test(await b.page.textContent('#notice')), 'fan B is told the page is reconnecting');
    await sleep(4000);
    await b.page.screenshot({ path: path.join(ARTIFACTS, '01b-fan-b-offline.png') });
    await b.context.setOffline(false);
    await eventually('fan B reconnected', async () => b.sockets > socketsBefore
      && b.statuses.length > 0 && b.statuses[b.statuses.length - 1].at > dropAt + 4000, 30000);
    await b.page.waitForSelector('#notice.ok:not([hidden])');
    const positionAfter = await b.page.textContent('[data-testid=queue-position]');
    const ticketAfter = await b.page.evaluate((id) => JSON.parse(sessionStorage.getItem('q:' + id)).ticket, ctx.performanceId);
    assert(positionAfter === position, `fan B is back at position ${positionAfter}, was ${position}`);
    assert(ticketAfter === ticketBefore, 'fan B kept the ticket (the place), no fresh entry');
    const { data: cAfter } = await api('GET', `/api/queues/${ctx.performanceId}/entries/me`, { token: c.token, expect: [200] });
    assert(cAfter.position === 2, `fan C is still behind fan B (position ${cAfter.position})`);
    await b.page.screenshot({ path: path.join(ARTIFACTS, '01c-fan-b-reconnected.png') });
    log(`fan B dropped for ${((Date.now() - dropAt) / 1000).toFixed(1)} s (${b.sockets - socketsBefore} new socket(s)), back at position ${positionAfter}; fan C still 2`);

    // 1c. Gone for longer than the grace period (30 s): the place is lost, and the page says so. Here the server must
    //     see the socket close (Chromium's offline mode holds the close frame back, so the server would keep a
    //     half-open socket and the place): the page closes it while online, and every later socket fails as on a dead
    //     network until the test brings the network back (an `online` event).
    const longDropAt = Date.now();
    await b.page.evaluate(() => {
      const Real = window.WebSocket;
      const Dead = function DeadNetwork(url, protocols) { return new Real('ws://127.0.0.1:9/', protocols); };
      Object.setPrototypeOf(Dead, Real);
      Dead.prototype = Real.prototype;
      window.e2eRealWebSocket = Real;
      window.WebSocket = Dead;
      queueSocket.ws.close(4000, 'e2e: the network went away for long');
    });
    await b.page.waitForSelector('#notice:not([hidden]):has-text("아직 연결되지")', { timeout: 60000 });
    assert(Date.now() - longDropAt >= 29000, `the page said the place may be gone after ${Date.now() - longDropAt} ms, before the grace period ended`);
    await sleep(2000); // the server's reaper runs every 250 ms
    await b.page.evaluate(() => { window.WebSocket = window.e2eRealWebSocket; window.dispatchEvent(new Event('online')); });
    await b.page.waitForSelector('#notice.error:not([hidden]):has-text("맨 뒤")', { timeout: 30000 });
    await b.page.waitForSelector('[data-testid=queue-position]:text-is("2")');
    const ticketLong = await b.page.evaluate((id) => JSON.parse(sessionStorage.getItem('q:' + id)).ticket, ctx.performanceId);
    assert(ticketLong !== ticketBefore, 'a fresh entry (new ticket) after the grace period');
    const { data: cFirst } = await api('GET', `/api/queues/${ctx.performanceId}/entries/me`, { token: c.token, expect: [200] });
    assert(cFirst.position === 1, `fan C moved ahead of fan B (position ${cFirst.position})`);
    await b.page.screenshot({ path: path.join(ARTIFACTS, '01d-fan-b-back-of-line.png') });
    log(`fan B offline for ${((Date.now() - longDropAt) / 1000).toFixed(1)} s: told so, fresh entry at position 2 behind fan C`);
    await api('DELETE', `/api/queues/${ctx.performanceId}/entries/me`, { token: c.token, expect: [200, 204] });
    await b.page.waitForSelector('[data-testid=queue-position]:text-is("1")');

    // 2. A buys the first seat; that frees A's slot and B is admitted by the waiting room itself.
    const seatIds = await a.page.$$eval('.seat[data-seat-id]', (els) => els.map((e) => e.dataset.seatId));
    assert(seatIds.length === 6, `6 seats on the map, got ${seatIds.length}`);
    const [s1, s2, s3] = seatIds;
    await holdAndPay(a, s1, '02-fan-a-holding.png');
    await a.page.screenshot({ path: path.join(ARTIFACTS, '03-fan-a-confirmed.png') });
    log('fan A CONFIRMED seat 1');
    await waitForSeats(b);
    await b.page.waitForSelector(`.seat[data-seat-id="${s1}"][data-status=SOLD]`);
    await b.page.screenshot({ path: path.join(ARTIFACTS, '04-fan-b-admitted.png') });
    log('fan B admitted after fan A finished');

    // 3. Room for both (the admin page); A books again and holds seat 2 while B has it selected.
    const admin = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    const adminPage = await admin.newPage();
    adminPage.setDefaultTimeout(STEP);
    await adminPage.goto(BASE + '/#/login?next=' + encodeURIComponent('#/admin'));
    await adminPage.fill('input[name=email]', ADMIN_EMAIL);
    await adminPage.fill('input[name=password]', ADMIN_PASSWORD);
    await adminPage.click('button[type=submit]');
    await adminPage.waitForSelector('form[data-loaded]');
    await adminPage.fill('input[name=performanceId]', ctx.performanceId);
    await adminPage.press('input[name=performanceId]', 'Tab');
    await adminPage.waitForSelector(`form[data-loaded="${ctx.performanceId}"]`);
    await adminPage.fill('input[name=capacity]', '2');
    await adminPage.fill('input[name=sessionTtlSeconds]', '300');
    await adminPage.click('form:has(input[name=capacity]) button[type=submit]');
    await adminPage.waitForSelector('#notice.ok:not([hidden])');
    await adminPage.screenshot({ path: path.join(ARTIFACTS, '05a-admin-capacity.png') });
    const { data: room } = await api('GET', `/api/queues/${ctx.performanceId}/config`, { token: ctx.admin, expect: [200] });
    assert(room.capacity === 2, `capacity after the admin page is ${room.capacity}`);
    log('admin set capacity 2 on the admin page');
    await book(a, ctx.performanceId);
    await waitForSeats(a);
    await seatButton(b, s2).click();
    await seatButton(a, s2).click();
    await a.page.click('[data-testid=hold-button]');
    await a.page.waitForSelector('[data-testid=pay-button]');
    log('fan A holds seat 2');
    await b.page.click('[data-testid=hold-button]', { timeout: 5000 }).catch(() => { /* selection already dropped by a refresh */ });
    await eventually('fan B told seat 2 is taken', async () => {
      const notice = await b.page.locator('#notice:not([hidden])').textContent().catch(() => '');
      const held = await b.page.locator(`.seat[data-seat-id="${s2}"][data-status=HELD]`).count();
      return /다른 분|someone else/i.test(notice || '') || held === 1;
    }, 30000);
    await b.page.waitForSelector(`.seat[data-seat-id="${s2}"][data-status=HELD]`);
    assert(await seatButton(b, s2).isDisabled(), "seat 2 can't be picked by fan B");
    // The server refuses too, whatever the page shows.
    const direct = await b.page.evaluate(async ({ showtimeId, performanceId, seat }) => {
      const r = await fetch(`/api/showtimes/${showtimeId}/holds`, { method: 'POST', headers: {
        'Content-Type': 'application/json', Authorization: 'Bearer ' + sessionStorage.getItem('accessToken'),
        'X-Admission-Token': sessionStorage.getItem('adm:' + performanceId) }, body: JSON.stringify({ seatIds: [seat] }) });
      return r.status;
    }, { showtimeId: ctx.showtimeId, performanceId: ctx.performanceId, seat: s2 });
    assert(direct === 409, `holding fan A's seat as fan B answers ${direct}, expected 409`);
    await b.page.screenshot({ path: path.join(ARTIFACTS, '05-fan-b-seat-taken.png') });
    log('fan B cannot take seat 2 (409)');

    // 4. Both finish with different seats; B's first card is declined.
    await holdAndPay(b, s3, null, 'tok_decline', 'FAILED');
    assert(/거절|declined/i.test(await b.page.textContent('main')), 'the page says the payment was declined');
    await b.page.screenshot({ path: path.join(ARTIFACTS, '06-fan-b-declined.png') });
    log('fan B declined → FAILED');
    await b.page.click('a[href^="#/seats/"]');
    await waitForSeats(b);
    await b.page.waitForSelector(`.seat[data-seat-id="${s3}"][data-status=AVAILABLE]`);
    await holdAndPay(b, s3);
    await b.page.screenshot({ path: path.join(ARTIFACTS, '07-fan-b-confirmed.png') });
    await a.page.check('input[name=paymentToken][value=tok_approve]');
    await a.page.click('[data-testid=pay-button]');
    await a.page.waitForSelector('[data-testid=order-status].CONFIRMED');
    log('fan B CONFIRMED seat 3, fan A CONFIRMED seat 2');

    const soldSeats = async () => (await api('GET', `/api/showtimes/${ctx.showtimeId}/seats`, { expect: [200] }))
      .data.seats.filter((s) => s.status === 'SOLD').map((s) => s.id).sort();
    assert(JSON.stringify(await soldSeats()) === JSON.stringify([s1, s2, s3].sort()), 'seats 1, 2 and 3 are sold');

    // 5. A cancels the second booking from "my tickets": refunded, seat 2 back on sale.
    const secondOrder = a.page.url().split('#/order/')[1];
    a.page.on('dialog', (d) => d.accept());
    await a.page.goto(BASE + '/#/tickets');
    await a.page.click(`tr[data-order-id="${secondOrder}"] [data-testid=cancel-order]`);
    await a.page.waitForSelector(`tr[data-order-id="${secondOrder}"] .status.REFUNDED`);
    await a.page.screenshot({ path: path.join(ARTIFACTS, '08-fan-a-tickets-refunded.png') });
    await eventually('seat 2 back on sale', async () => JSON.stringify(await soldSeats()) === JSON.stringify([s1, s3].sort()), 60000);
    log('fan A cancelled seat 2 → REFUNDED, seat back on sale');

    // 6. A scheduled on-sale: the admin sets the opening a few seconds ahead on the admin page; both fans arrive
    //    before it (countdown), are drawn at the opening (capacity 1: one admitted, one waiting at position 1), and the
    //    admitted fan's best available holds 2 adjacent seats.
    const sale = await createPerformance(ctx.admin, `E2E 오픈 ${RUN}`, [{ name: 'R', rows: 2, seatsPerRow: 8, price: 90000 }]);
    await eventually('second waiting room live', async () => {
      const r = await api('PUT', `/api/queues/${sale.id}/config`, { token: ctx.admin,
        body: { capacity: 1, sessionTtlSeconds: 300, opensAt: new Date(Date.now() + 300e3).toISOString() } });
      return r.status === 200 && r.data && r.data.live === true;
    });
    await adminPage.fill('input[name=performanceId]', sale.id);
    await adminPage.press('input[name=performanceId]', 'Tab');
    await adminPage.waitForSelector(`form[data-loaded="${sale.id}"]`);
    const lead = 15000;
    const opensLocal = await adminPage.evaluate((ms) => {
      const d = new Date(Date.now() + ms);
      return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
    }, lead);
    await adminPage.fill('input[name=capacity]', '1');
    await adminPage.fill('input[name=opensAt]', opensLocal);
    // The notice of step 3's save may still show: wait for this save's answer.
    const saved = adminPage.waitForResponse((r) => r.url().endsWith(`/api/queues/${sale.id}/config`) && r.request().method() === 'PUT');
    await adminPage.click('form:has(input[name=capacity]) button[type=submit]');
    assert((await saved).status() === 200, 'the admin page saved the opening');
    await adminPage.waitForSelector('[data-testid=opens-state]:has-text("Opens")');
    const { data: saleRoom } = await api('GET', `/api/queues/${sale.id}/config`, { token: ctx.admin, expect: [200] });
    const opensAt = Date.parse(saleRoom.opensAt);
    assert(saleRoom.opensAt && Math.abs(opensAt - (Date.now() + lead)) < lead, `opensAt from the admin page: ${saleRoom.opensAt}`);
    await adminPage.screenshot({ path: path.join(ARTIFACTS, '09-admin-opens-at.png') });
    log('admin scheduled the opening at', saleRoom.opensAt);
    for (const fan of [a, b]) {
      fan.statuses = [];
      await book(fan, sale.id);
      await fan.page.waitForSelector('[data-testid=queue-status][data-status=BEFORE_OPENING]');
      await fan.page.waitForSelector('[data-testid=queue-countdown]:visible');
      assert(/\d/.test(await fan.page.textContent('[data-testid=queue-countdown]')), `${fan.name} sees a countdown`);
    }
    assert(Date.now() < opensAt, 'both fans arrived before the opening');
    await b.page.screenshot({ path: path.join(ARTIFACTS, '10-fan-b-before-opening.png') });
    log('both fans pre-queued, countdown showing');
    const seatsUrl = (fan) => /#\/seats\//.test(fan.page.url());
    const first = await eventually('one fan admitted at the opening', async () => (seatsUrl(a) ? a : seatsUrl(b) ? b : null), 60000);
    const second = first === a ? b : a;
    await second.page.waitForSelector('[data-testid=queue-status][data-status=WAITING]');
    const secondPosition = await second.page.textContent('[data-testid=queue-position]');
    assert(secondPosition === '1', `${second.name} was drawn to position ${secondPosition}`);
    const frames = first.statuses.filter((x) => x.url.includes(sale.id));
    const admittedFrame = frames.find((x) => x.status === 'ADMITTED');
    assert(frames[0] && frames[0].status === 'BEFORE_OPENING', `${first.name}'s first frame is BEFORE_OPENING`);
    assert(admittedFrame && admittedFrame.sentAt >= opensAt, `${first.name} admitted at ${admittedFrame && admittedFrame.sentAt}, not before ${opensAt}`);
    await second.page.screenshot({ path: path.join(ARTIFACTS, '11-drawn-waiting.png') });
    log(`${first.name} drawn and admitted ${admittedFrame.sentAt - opensAt} ms after the opening; ${second.name} drawn to position 1`);

    await waitForSeats(first);
    // Over the per-fan limit (the admin lowers it to 1): the 409's own sentence and the server's detail.
    await api('PUT', `/api/performances/${sale.id}/ticket-limit`, { token: ctx.admin, body: { limit: 1 }, expect: [200] });
    await first.page.selectOption('select[name=count]', '2');
    await first.page.click('[data-testid=best-button]');
    await first.page.waitForSelector('[data-testid=best-error]');
    const overLimit = await first.page.textContent('[data-testid=best-error]');
    assert(/최대 1매/.test(overLimit) && /at most 1/.test(overLimit), `the over-limit message with the server's detail: ${overLimit}`);
    assert((await first.page.locator('select[name=count] option').count()) === 1, 'the count picker follows the limit');
    await first.page.screenshot({ path: path.join(ARTIFACTS, '12a-over-limit.png') });
    log(`${first.name}: over the limit → "${overLimit}"`);
    await api('PUT', `/api/performances/${sale.id}/ticket-limit`, { token: ctx.admin, body: { limit: 4 }, expect: [200] });
    await first.page.reload();
    await waitForSeats(first);
    await first.page.waitForSelector('select[name=count] option[value="4"]', { state: 'attached' });
    await first.page.selectOption('select[name=count]', '2');
    const holdResponse = first.page.waitForResponse((r) => r.url().includes('/holds') && r.request().method() === 'POST');
    await first.page.click('[data-testid=best-button]');
    const held = await holdResponse;
    assert(held.status() === 201, `best available answered ${held.status()}: ${await held.text()}`);
    const hold = await held.json();
    await first.page.waitForSelector('[data-testid=pay-button]');
    const heldSeats = hold.seats.slice().sort((x, y) => x.number - y.number);
    assert(heldSeats.length === 2 && heldSeats[0].row === heldSeats[1].row && heldSeats[1].number === heldSeats[0].number + 1,
      `best available holds 2 adjacent seats: ${JSON.stringify(heldSeats)}`);
    assert((await first.page.locator('[data-testid=held-seats] li').count()) === 2, 'the page lists the 2 held seats');
    const map = (await api('GET', `/api/showtimes/${sale.showtimes[0].id}/seats`, { expect: [200] })).data.seats;
    assert(heldSeats.every((x) => map.find((m) => m.id === x.id).status === 'HELD'), 'the seat map shows them held');
    await first.page.screenshot({ path: path.join(ARTIFACTS, '12-best-available-held.png') });
    log(`${first.name}: best available held ${heldSeats.map((x) => `${x.section} ${x.row}-${x.number}`).join(', ')}`);

    // 7. Sold out: a one-seat performance is bought through the API; a fan who comes to its waiting room afterwards
    //    is told at once (매진, no ETA) and keeps a place; a new showtime puts it back on sale and the same page admits
    //    the fan to the seats without a reload.
    const tiny = await createPerformance(ctx.admin, `E2E 매진 ${RUN}`, [{ name: 'S', rows: 1, seatsPerRow: 1, price: 10000 }]);
    await eventually('one-seat waiting room live', async () => {
      const r = await api('PUT', `/api/queues/${tiny.id}/config`, { token: ctx.admin, body: { capacity: 1, sessionTtlSeconds: 300 } });
      return r.status === 200 && r.data && r.data.live === true;
    });
    const buyer = await apiFan('Buyer');
    const { data: entry } = await api('POST', `/api/queues/${tiny.id}/entries`, { token: buyer.token, expect: [201, 200] });
    assert(entry.status === 'ADMITTED' && entry.admissionToken, `the buyer is admitted at once: ${JSON.stringify(entry)}`);
    const tinyShowtime = tiny.showtimes[0].id;
    const onlySeat = (await api('GET', `/api/showtimes/${tinyShowtime}/seats`, { expect: [200] })).data.seats[0].id;
    const adm = { 'X-Admission-Token': entry.admissionToken };
    const { data: tinyHold } = await api('POST', `/api/showtimes/${tinyShowtime}/holds`, { token: buyer.token, headers: adm,
      body: { seatIds: [onlySeat] }, expect: [201] });
    const { data: tinyOrder } = await api('POST', '/api/orders', { token: buyer.token, headers: adm,
      body: { holdId: tinyHold.holdId, paymentToken: 'tok_approve' }, expect: [202] });
    await eventually('the only seat confirmed', async () => (await api('GET', `/api/orders/${tinyOrder.orderId}`,
      { token: buyer.token })).data.status === 'CONFIRMED', 60000);
    const prober = await apiFan('Prober');
    await eventually('the waiting room knows it is sold out', async () => (await api('POST', `/api/queues/${tiny.id}/entries`,
      { token: prober.token })).data.status === 'SOLD_OUT', 60000);
    await book(b, tiny.id);
    await b.page.waitForSelector('[data-testid=queue-status][data-status=SOLD_OUT]');
    await b.page.waitForSelector('[data-testid=queue-sold-out]:visible');
    assert(/매진/.test(await b.page.textContent('[data-testid=queue-sold-out]')), 'the page says 매진');
    assert(await b.page.locator('[data-testid=queue-wait]').isHidden(), 'no wait estimate for a sold-out sale');
    await b.page.screenshot({ path: path.join(ARTIFACTS, '13-sold-out.png') });
    log(`${b.name}: sold out → the waiting room says so at once`);
    await api('DELETE', `/api/queues/${tiny.id}/entries/me`, { token: prober.token, expect: [204] }); // it stood ahead of B
    await api('PUT', `/api/performances/${tiny.id}`, { token: ctx.admin, expect: [200], body: {
      title: tiny.title, venue: tiny.venue, category: tiny.category,
      addShowtimes: [{ startsAt: new Date(Date.now() + 21 * 86400e3).toISOString(), sections: [{ name: 'S', rows: 1, seatsPerRow: 1, price: 10000 }] }] } });
    await waitForSeats(b);
    log(`${b.name}: a new showtime → on sale again → admitted from the same page`);
    log('PASS — screenshots in', ARTIFACTS);
  } catch (e) {
    for (const [i, p] of browser.contexts().flatMap((c) => c.pages()).entries()) {
      await p.screenshot({ path: path.join(ARTIFACTS, `failure-${i}.png`) }).catch(() => {});
    }
    throw e;
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e) => { console.error('[e2e] FAIL:', e.message); process.exit(1); });
