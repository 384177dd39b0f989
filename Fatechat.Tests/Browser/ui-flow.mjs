// Walks the whole web UI flow in headless Chromium, as two people in two browser contexts.
//
//   node ui-flow.mjs <baseUrl> <outputFolder>
//
// Prints exactly one JSON line on stdout ({ ok, steps, screenshots, ... } or { ok: false, step, error, ... })
// and exits 0 only when every step passed. Diagnostics go to stderr. A hard timeout ends the run whatever happens.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const HARD_TIMEOUT_MS = Number(process.env.UI_FLOW_TIMEOUT_MS || 120_000);
const STEP_TIMEOUT_MS = 15_000;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];

const [baseArg, outArg] = process.argv.slice(2);
if (!baseArg || !outArg) {
  console.log(JSON.stringify({ ok: false, step: 'arguments', error: 'usage: node ui-flow.mjs <baseUrl> <outputFolder>' }));
  process.exit(2);
}
const baseUrl = baseArg.replace(/\/+$/, '');
const outDir = path.resolve(outArg);
mkdirSync(outDir, { recursive: true });

const started = Date.now();
const steps = [];
const screenshots = [];
const consoleErrors = [];
const pageErrors = [];
const dialogs = [];
let currentStep = 'start';
let finished = false;
let browser;

function finish(result, code) {
  if (finished) return;
  finished = true;
  console.log(JSON.stringify({ ...result, baseUrl, steps, screenshots, dialogs, pageErrors, consoleErrors, durationMs: Date.now() - started }));
  process.exitCode = code;
}

const hardTimer = setTimeout(() => {
  finish({ ok: false, step: currentStep, error: `hard timeout after ${HARD_TIMEOUT_MS} ms` }, 3);
  browser?.close().catch(() => {});
  setTimeout(() => process.exit(3), 2000).unref();
}, HARD_TIMEOUT_MS);

async function step(name, action) {
  currentStep = name;
  const t0 = Date.now();
  await action();
  steps.push({ name, ms: Date.now() - t0 });
  console.error(`ok   ${name} (${Date.now() - t0} ms)`);
}

/** The first lines of an error (Playwright's name the locator it waited for), without terminal colours. */
function describe(err) {
  const text = String(err?.message ?? err).replace(/\x1b\[[0-9;]*m/g, '');
  return text.split('\n').map(line => line.trim()).filter(Boolean).slice(0, 4).join(' | ');
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Watches one page: uncaught errors, console errors, dialogs (an alert here would mean injected script ran). */
function watch(page, who) {
  page.on('pageerror', err => pageErrors.push(`${who}: ${err.message}`));
  page.on('console', msg => { if (msg.type() === 'error') consoleErrors.push(`${who}: ${msg.text()}`); });
  page.on('dialog', dialog => { dialogs.push(`${who}: ${dialog.type()} ${dialog.message()}`); dialog.dismiss().catch(() => {}); });
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
}

/** Records the socket.io requests of a page, to check how it connected. */
function recordSocketTraffic(page) {
  const traffic = { polling: [], websockets: [] };
  page.on('request', request => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/socket.io/') && url.searchParams.get('transport') === 'polling') {
      traffic.polling.push({ method: request.method(), sid: url.searchParams.get('sid'), authorization: request.headers().authorization ?? null });
    }
  });
  page.on('websocket', ws => traffic.websockets.push(ws.url()));
  return traffic;
}

const roomLog = (page, room) => page.getByRole('log', { name: `Messages in ${room}` });
const privateLog = (page, email) => page.getByRole('log', { name: `Private messages with ${email}` });
const messageIn = (log, text) => log.locator('li.message').filter({ has: log.page().locator('.text', { hasText: text }) });

async function register(page, email, password) {
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/#\/login$/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL(/#\/register$/);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/#\/rooms$/);
  await page.getByTestId('current-user').filter({ hasText: email }).waitFor();
}

async function logIn(page, email, password) {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function enterRoom(page, room) {
  await page.locator(`.room-link[data-room-name="${room}"]`).click();
  await page.getByTestId('chat-page').waitFor();
  await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
  await roomLog(page, room).waitFor();
}

async function send(page, text) {
  const input = page.getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
  // The composer empties only once the server acknowledged the message.
  await page.waitForFunction(() => document.querySelector('[data-testid="message-input"]').value === '');
}

async function main() {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const alice = { email: `alice-${tag}@example.com`, password: `Alice-pass-${tag}` };
  const bob = { email: `bob-${tag}@example.com`, password: `Bob-pass-${tag}` };
  const room = `room-${tag}`;
  const hello = `Hello from Alice ${tag}`;
  const live = `Are you there, Bob? ${tag}`;
  const secret = `Psst, Bob, a private word ${tag}`;
  const reply = `Private reply from Bob ${tag}`;
  const xss = '<img src=x onerror=alert(1)>';

  // A plain launch gives Chromium a fresh temporary profile, removed when the browser closes.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });

  const contextA = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const pageA = await contextA.newPage();
  // What alice's page sends to the socket, over WebSocket frames and polling POSTs alike.
  const sentByA = [];
  pageA.on('websocket', (ws) => ws.on('framesent', (frame) => sentByA.push(String(frame.payload))));
  pageA.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/socket.io/')) sentByA.push(request.postData() ?? '');
  });
  watch(pageA, 'alice');
  const socketA = recordSocketTraffic(pageA);

  // Bob uses a phone-sized screen, so the narrow layout is exercised too.
  const contextB = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const pageB = await contextB.newPage();
  watch(pageB, 'bob');

  try {
    await step('alice registers', () => register(pageA, alice.email, alice.password));

    await step('alice logs out', async () => {
      await pageA.getByTestId('logout').click();
      await pageA.waitForURL(/#\/login$/);
      check(await pageA.evaluate(() => localStorage.getItem('fatechat.token')) === null, 'token still stored after logout');
    });

    await step('a wrong password is refused with the server message', async () => {
      await logIn(pageA, alice.email, 'not-the-password');
      await pageA.getByTestId('auth-error').filter({ hasText: 'Invalid credentials' }).waitFor();
      check(/#\/login$/.test(pageA.url()), 'left the login page after a refused login');
    });

    await step('alice logs in', async () => {
      await logIn(pageA, alice.email, alice.password);
      await pageA.waitForURL(/#\/rooms$/);
      await pageA.getByTestId('current-user').filter({ hasText: alice.email }).waitFor();
    });

    await step('alice creates a room and sees it listed', async () => {
      await pageA.locator('#room-name').fill(room);
      await pageA.getByRole('button', { name: 'Create', exact: true }).click();
      await pageA.locator(`.room-link[data-room-name="${room}"]`).waitFor();
    });

    await step('creating the same room again shows the error', async () => {
      await pageA.locator('#room-name').fill(room);
      await pageA.getByRole('button', { name: 'Create', exact: true }).click();
      const error = pageA.getByTestId('create-error');
      await error.waitFor();
      check((await error.textContent()).trim().length > 0, 'empty error for a duplicate room');
    });

    await step('alice enters the room', async () => {
      await enterRoom(pageA, room);
      await pageA.locator(`[data-testid="online-users"] li[data-email="${alice.email}"]`).waitFor();
    });

    await step('the socket connected by polling with the token, then upgraded to websocket', async () => {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      while (socketA.websockets.length === 0 && Date.now() < deadline) await pageA.waitForTimeout(100);
      const handshake = socketA.polling[0];
      const token = await pageA.evaluate(() => localStorage.getItem('fatechat.token'));
      check(handshake && handshake.sid === null, 'first socket.io request was not a polling handshake');
      check(handshake.authorization === token, 'polling handshake did not carry the token in Authorization');
      check(socketA.websockets.some(url => url.includes('/socket.io/') && url.includes('transport=websocket')), 'no websocket upgrade');
    });

    await step('alice sends a message and sees it with her name', async () => {
      await send(pageA, hello);
      const message = messageIn(roomLog(pageA, room), hello);
      await message.waitFor();
      check(await message.getAttribute('data-sender') === alice.email, 'wrong sender on own message');
      const frame = sentByA.find((f) => f.includes('"sendMessage"') && f.includes(hello));
      check(frame && /"clientMessageId":"[0-9a-f-]{32,36}"/.test(frame), `the send carries no clientMessageId: ${frame}`);
      check((await message.locator('time').textContent()).trim().length > 0, 'no time on the message');
    });

    await step('bob registers on a phone-sized screen and enters the room', async () => {
      await register(pageB, bob.email, bob.password);
      await pageB.locator(`.room-link[data-room-name="${room}"]`).waitFor();
      await enterRoom(pageB, room);
    });

    await step('bob sees the earlier message in the history', async () => {
      await messageIn(roomLog(pageB, room), hello).waitFor();
    });

    await step('bob appears in alice\'s online list', async () => {
      await pageA.locator(`[data-testid="online-users"] li[data-email="${bob.email}"]`).waitFor();
      await pageA.locator('[data-testid="online-count"]', { hasText: '2' }).waitFor();
    });

    await step('on the phone, the people drawer opens, lists alice, and closes', async () => {
      const alicePerson = pageB.locator(`[data-testid="online-users"] li[data-email="${alice.email}"]`);
      check(!(await alicePerson.isVisible()), 'the people list is on screen before the drawer opens');
      await pageB.getByRole('button', { name: /^People/ }).click();
      await alicePerson.waitFor({ state: 'visible' });
      await pageB.locator('.drawer-backdrop').click({ position: { x: 20, y: 200 } });
      await alicePerson.waitFor({ state: 'hidden' });
    });

    await step('bob receives alice\'s new message live', async () => {
      await send(pageA, live);
      const message = messageIn(roomLog(pageB, room), live);
      await message.waitFor();
      check(await message.getAttribute('data-sender') === alice.email, 'bob sees the wrong sender');
    });

    await step('alice writes to bob privately', async () => {
      await pageA.locator(`[data-testid="online-users"] li[data-email="${bob.email}"] button`).click();
      await pageA.locator(`.tab[data-key="private:${bob.email}"][aria-selected="true"]`).waitFor();
      await send(pageA, secret);
      await messageIn(privateLog(pageA, bob.email), secret).waitFor();
    });

    await step('bob gets the private message (unread badge, not in the room)', async () => {
      const tab = pageB.locator(`.tab[data-key="private:${alice.email}"]`);
      await tab.locator('.badge', { hasText: '1' }).waitFor();
      check(await roomLog(pageB, room).getByText(secret).count() === 0, 'private message shown in the room');
      await tab.click();
      await messageIn(privateLog(pageB, alice.email), secret).waitFor();
    });

    await step('bob replies privately and alice gets it', async () => {
      await send(pageB, reply);
      await messageIn(privateLog(pageB, alice.email), reply).waitFor();
      await messageIn(privateLog(pageA, bob.email), reply).waitFor();
    });

    await step('markup in a message shows as text', async () => {
      await pageA.locator('.tab[data-key="room"]').click();
      await send(pageA, xss);
      await pageB.locator('.tab[data-key="room"]').click();
      for (const page of [pageA, pageB]) {
        const message = messageIn(roomLog(page, room), xss);
        await message.waitFor();
        check(await message.locator('.text').textContent() === xss, 'message text changed on the way');
        check(await message.locator('img').count() === 0, 'an <img> was created inside the message');
        check(await page.locator('img[src="x"]').count() === 0, 'an injected <img> exists on the page');
      }
      // Give a would-be onerror handler time to fire before checking for dialogs.
      await pageA.waitForTimeout(500);
      check(dialogs.length === 0, `a dialog fired: ${dialogs.join('; ')}`);
    });

    await step('a link in a message is clickable and the text stays as sent', async () => {
      const text = `see https://example.com/docs?page=1. and <b>this</b> ${tag}`;
      await send(pageA, text);
      const message = messageIn(roomLog(pageB, room), `example.com/docs?page=1. and <b>this</b> ${tag}`);
      await message.waitFor();
      const link = message.locator('a.message-link');
      check(await link.getAttribute('href') === 'https://example.com/docs?page=1', `wrong href ${await link.getAttribute('href')}`);
      check((await link.getAttribute('rel')).includes('noopener'), 'the link may reach back into the page');
      check(await message.locator('.text').textContent() === text, 'the text changed');
      check(await message.locator('b').count() === 0, 'markup became an element');
    });

    await step('typing shows to the other user only, and goes away', async () => {
      const input = pageA.getByTestId('message-input');
      await input.click();
      await input.pressSequentially('typing something', { delay: 20 });
      await pageB.getByTestId('typing-indicator').filter({ hasText: `${alice.email} is typing` }).waitFor();
      check((await pageA.getByTestId('typing-indicator').textContent()) === '', 'alice sees herself typing');
      const shot = path.join(outDir, 'typing.png');
      await pageB.screenshot({ path: shot });
      screenshots.push(shot);
      await input.fill('');
      await input.press('Backspace');
      await pageB.waitForFunction(() => document.querySelector('[data-testid="typing-indicator"]').textContent === '');
    });

    await step('scrolled up, a new message gets a divider and a jump-to-latest button', async () => {
      for (let i = 0; i < 14; i++) await send(pageA, `filler ${i} ${tag}`);
      await messageIn(roomLog(pageB, room), `filler 13 ${tag}`).waitFor();
      await roomLog(pageB, room).evaluate(el => { el.scrollTop = 0; });
      await send(pageA, `while you were away ${tag}`);
      const jump = pageB.locator('.message-view', { has: roomLog(pageB, room) }).getByTestId('jump-latest');
      await jump.filter({ hasText: '1 new message' }).waitFor();
      const divider = roomLog(pageB, room).getByTestId('new-messages-divider');
      await divider.waitFor({ state: 'attached' });
      const next = await divider.evaluate(el => el.nextElementSibling?.querySelector('.text')?.textContent);
      check(next === `while you were away ${tag}`, `the divider is above "${next}"`);
      const shot = path.join(outDir, 'new-messages.png');
      await pageB.screenshot({ path: shot });
      screenshots.push(shot);
      await jump.click();
      await jump.waitFor({ state: 'hidden' });
      check(await roomLog(pageB, room).evaluate(el => el.scrollHeight - el.scrollTop - el.clientHeight < 80), 'not at the newest message');
    });

    await step('a reload is neither a leave nor a join, and keeps the private conversations', async () => {
      const before = await roomLog(pageB, room).locator('li.event').count();
      await pageA.reload();
      await pageA.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
      await pageA.locator(`.tab[data-key="private:${bob.email}"]`).waitFor();
      await pageA.waitForTimeout(1500);
      check(await roomLog(pageB, room).locator('li.event').count() === before, 'bob saw a leave or join for the reload');
      const welcomes = await roomLog(pageA, room).locator('li.note:not(.event)').filter({ hasText: 'Welcome' }).count();
      check(welcomes === 0, 'a new welcome after the reload');
    });

    await step('offline: a banner, the online list greyed, then recovery', async () => {
      await contextA.setOffline(true);
      const banner = pageA.getByTestId('offline-banner');
      await banner.waitFor({ state: 'visible', timeout: 30_000 });
      await pageA.locator('[data-testid="online-users"].stale').waitFor();
      const shot = path.join(outDir, 'offline.png');
      await pageA.screenshot({ path: shot });
      screenshots.push(shot);
      // Sent while Alice is away: her session is recovered (connection state recovery), the message arrives once.
      await send(pageB, `while away ${tag}`);
      await contextA.setOffline(false);
      await pageA.getByText('Back online; nothing was missed.').waitFor({ timeout: 30_000 });
      await banner.waitFor({ state: 'hidden', timeout: 30_000 });
      await messageIn(roomLog(pageA, room), `while away ${tag}`).waitFor();
      await pageA.waitForTimeout(500);
      check(await messageIn(roomLog(pageA, room), `while away ${tag}`).count() === 1, 'the message sent while away is not shown exactly once');
      await pageA.locator('[data-testid="online-users"]:not(.stale)').waitFor();
      await pageA.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
      await send(pageA, `back again ${tag}`);
      await messageIn(roomLog(pageB, room), `back again ${tag}`).waitFor();
    });

    await step('the room list counts what came since the last visit, the title too, and lists private conversations', async () => {
      await pageB.goto(`${baseUrl}/#/rooms`);
      await pageB.locator(`.room-link[data-room-name="${room}"]`).waitFor();
      await send(pageA, `unread one ${tag}`);
      await send(pageA, `unread two ${tag}`);
      await pageB.getByRole('button', { name: 'Refresh' }).click();
      await pageB.locator(`.room-link[data-room-name="${room}"] [data-testid="room-unread"]`, { hasText: '2' }).waitFor();
      await pageB.waitForFunction(() => document.title.startsWith('(2) '));
      const conversation = pageB.locator(`[data-testid="private-conversations"] .room-link[data-peer="${alice.email}"]`);
      await conversation.waitFor();
      check((await conversation.textContent()).includes(reply), 'the private conversation shows no preview of its last message');
      const shot = path.join(outDir, 'rooms-unread.png');
      await pageB.screenshot({ path: shot });
      screenshots.push(shot);
      await conversation.click();
      await pageB.locator(`.tab[data-key="private:${alice.email}"][aria-selected="true"]`).waitFor();
      await messageIn(privateLog(pageB, alice.email), reply).waitFor();
      await pageB.locator('.tab[data-key="room"]').click();
      await messageIn(roomLog(pageB, room), `unread two ${tag}`).waitFor();
    });

    await step('screenshots of the chat page', async () => {
      await pageB.locator('.tab[data-key="room"]').click();
      const desktop = path.join(outDir, 'chat-page.png');
      await pageA.screenshot({ path: desktop });
      screenshots.push(desktop);
      const phone = path.join(outDir, 'chat-page-phone.png');
      await pageB.screenshot({ path: phone });
      screenshots.push(phone);
    });

    check(pageErrors.length === 0, `uncaught page errors: ${pageErrors.join('; ')}`);
    finish({ ok: true }, 0);
  } catch (err) {
    for (const [page, who] of [[pageA, 'alice'], [pageB, 'bob']]) {
      const file = path.join(outDir, `failure-${who}.png`);
      await page.screenshot({ path: file, timeout: 5000 }).then(() => screenshots.push(file), () => {});
    }
    finish({ ok: false, step: currentStep, error: describe(err) }, 1);
  }
}

try {
  await main();
} catch (err) {
  finish({ ok: false, step: currentStep, error: describe(err) }, 1);
} finally {
  await browser?.close().catch(() => {});
  clearTimeout(hardTimer);
}
