// Browser tests of the web chat, the staff console and the public page, run by
// ctest as browser_e2e:
//   node tests/browser/e2e.mjs --gateway <petition-gateway> --artifacts <dir>
// Debian's chromium, driven by playwright-core, against the real binary on
// 127.0.0.1. Screenshots of each step go to the artifacts folder. Without
// chromium or node_modules (a developer who has not run scripts/install-deps)
// it exits 77, which ctest reports as skipped.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string' },
    source: { type: 'string', default: path.resolve(here, '..', '..') },
    artifacts: { type: 'string', default: path.join(process.cwd(), 'browser-artifacts') },
    chromium: { type: 'string', default: process.env.PG_CHROMIUM || '/usr/bin/chromium' },
  },
});
if (!args.gateway) {
  console.error('usage: node e2e.mjs --gateway <petition-gateway> [--artifacts <dir>] [--source <repo>]');
  process.exit(2);
}
const skip = (why) => {
  console.log(`SKIP browser_e2e: ${why} (scripts/install-deps installs it)`);
  process.exit(77);
};
if (!fs.existsSync(args.chromium)) skip(`no chromium at ${args.chromium}`);
if (!fs.existsSync(path.join(here, 'node_modules', 'playwright-core'))) skip(`no ${here}/node_modules/playwright-core`);

const { test, before, after } = await import('node:test');
const assert = (await import('node:assert/strict')).default;
const { chromium, request: requests } = await import('playwright-core');
const { Gateway } = await import('./gateway.mjs');
const { waitForReply, fileInChat, logIn, openPetition, act, type } = await import('./steps.mjs');

// One bound for every wait on the page: the gateway answers on loopback in
// milliseconds, so this only decides how long a failure takes to report.
const bound = 15000;
const evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const evilPlace = '<b>Elm Street 4</b><img src=y onerror="window.__pwned=3">';
const place = 'Corner of Elm Street and 5th Avenue';
const description = 'The street lamp outside number 12 has been dark for two weeks; please repair it.';
const answer = 'A crew replaced the lamp this morning. Thank you for telling us.';

fs.mkdirSync(args.artifacts, { recursive: true });
const gateway = new Gateway(path.resolve(args.gateway), args.source, path.join(args.artifacts, 'gateway.log'));
let browser;
const shared = {};  // what one step leaves for the next: tracking numbers, the two pages

async function newContext() {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 720, height: 900 } });
  context.setDefaultTimeout(bound);
  return context;
}

// Polls `condition` (every 100 ms, for at most `limit` ms); whether it held.
async function until(condition, limit) {
  const deadline = Date.now() + limit;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => { setTimeout(resolve, 100); });
  }
  return true;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(args.artifacts, `${name}.png`), fullPage: true });
}

// Markup the citizen typed must be text in the page: no element made from
// it, and nothing it would run has run. (The CSP would block the inline
// handler anyway; the element check is what proves the page escapes.)
async function assertInert(page, scope) {
  const found = await page.evaluate((s) => ({
    pwned: window.__pwned,
    elements: document.querySelectorAll(`${s} script, ${s} img, ${s} b`).length,
  }), scope);
  assert.equal(found.pwned, undefined, `${page.url()}: a script from a petition ran`);
  assert.equal(found.elements, 0, `${page.url()}: markup from a petition became elements in ${scope}`);
}

async function trackOnPublicPage(page, tracking) {
  await page.goto(`${gateway.base}/public`);
  await page.getByTestId('track-number').fill(tracking);
  await page.getByTestId('track-submit').click();
  await page.getByTestId('track-result').waitFor();
  assert.equal(await page.getByTestId('track-tracking').innerText(), tracking);
}

before(async () => {
  await gateway.start();
  browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  if (browser) await browser.close();
  await gateway.stop();
});

test('a citizen files a petition in the web chat and gets a tracking number', async () => {
  const citizen = await (await newContext()).newPage();
  shared.tracking = await fileInChat(citizen, gateway.base, place, description, (n) => shot(citizen, `01-citizen-${n}`));
  await shot(citizen, '02-citizen-filed');
  shared.citizen = citizen;
});

test('an official answers in the console and the citizen page shows it without a reload', async () => {
  const { citizen, tracking } = shared;
  assert.ok(tracking, 'needs the petition filed by the first test');
  // Survives only while the citizen page stays the same document.
  await citizen.evaluate(() => { window.__sameDocument = true; });

  const official = await (await newContext()).newPage();
  await logIn(official, gateway.base);
  await openPetition(official, tracking);
  assert.match(await official.getByTestId('conversation').innerText(), /dark for two weeks/);
  await act(official, 'action-accept', 'accepted');
  await official.getByTestId('answer-text').fill(answer);
  await official.getByTestId('answer-submit').click();
  await official.getByTestId('detail-status').filter({ hasText: /^answered$/ }).waitFor();
  await shot(official, '03-console-answered');
  shared.official = official;

  await waitForReply(citizen, 'How satisfied are you with this answer?');
  const text = await citizen.locator('li[data-from="gateway"]').filter({ hasText: answer }).last().innerText();
  assert.match(text, new RegExp(`answered your request ${tracking}`));
  assert.equal(await citizen.evaluate(() => window.__sameDocument), true, 'the citizen page was reloaded');
  await shot(citizen, '04-citizen-sees-answer');
});

test('the public page shows the status and timeline of a tracking number, not the description', async () => {
  const { tracking } = shared;
  assert.ok(tracking, 'needs the petition filed by the first test');
  const page = await (await newContext()).newPage();
  await trackOnPublicPage(page, tracking);
  assert.equal(await page.getByTestId('track-status').innerText(), 'answered');
  const timeline = await page.getByTestId('track-timeline-entry').allInnerTexts();
  assert.ok(timeline.some((t) => /answered/.test(t)), `timeline without the answer: ${timeline.join(' | ')}`);
  assert.ok(timeline.some((t) => /accepted/.test(t)), `timeline without the acceptance: ${timeline.join(' | ')}`);
  const body = await page.locator('body').innerText();
  for (const secret of [description, place, answer]) {
    assert.ok(!body.includes(secret), `the public page shows personal data: ${secret}`);
  }
  await shot(page, '05-public-track');
});

test('markup a citizen writes renders as text in the chat, the console and the public page', async () => {
  const citizen = await (await newContext()).newPage();
  const tracking = await fileInChat(citizen, gateway.base, evilPlace, evil);
  const said = await citizen.locator('li[data-from="citizen"] [data-testid="bubble-text"]').allInnerTexts();
  assert.ok(said.includes(evil), `the citizen page does not show the description as typed: ${said.join(' | ')}`);
  const summary = await citizen.locator('li[data-from="gateway"]').filter({ hasText: 'Please check your request' })
    .last().innerText();
  assert.ok(summary.includes(evil) && summary.includes(evilPlace), `summary without the typed text: ${summary}`);
  await assertInert(citizen, '#messages');
  await shot(citizen, '07-escape-citizen');

  const official = shared.official ?? await (async () => {
    const page = await (await newContext()).newPage();
    await logIn(page, gateway.base);
    return page;
  })();
  await official.locator(`tr[data-tracking="${tracking}"]`).waitFor();  // the list polls
  await openPetition(official, tracking);
  const conversation = await official.getByTestId('conversation').innerText();
  assert.ok(conversation.includes(evil), `the console does not show the description as typed: ${conversation}`);
  assert.ok((await official.getByTestId('petition-detail').innerText()).includes(evilPlace), 'place not shown as typed');
  await assertInert(official, '#app');
  await shot(official, '08-escape-console');

  const pub = await (await newContext()).newPage();
  await trackOnPublicPage(pub, tracking);
  assert.ok(!(await pub.locator('body').innerText()).includes(evil), 'the public page shows the description');
  await assertInert(pub, 'main');
  await shot(pub, '09-escape-public');
});

test('the console refuses requests without a session, from another site or without the CSRF token', async () => {
  const { tracking } = shared;
  assert.ok(tracking, 'needs the petition filed by the first test');
  const url = (p) => `${gateway.base}${p}`;
  const actions = url(`/staff/console/api/petitions/${tracking}/actions`);
  const same = { Origin: gateway.base };

  const stranger = await (await newContext()).request;
  assert.equal((await stranger.get(url('/staff/console/api/petitions'))).status(), 401);
  assert.equal((await stranger.get(url(`/staff/console/api/petitions/${tracking}`))).status(), 401);
  assert.equal((await stranger.get(url('/staff/console/api/me'))).status(), 401);
  const anonymous = await stranger.post(actions, { headers: same, data: { action: 'close' } });
  assert.ok([401, 403].includes(anonymous.status()), `a POST without a session answered ${anonymous.status()}`);

  // A logged-in official's cookie, sent by a request the official did not make.
  const staff = (await newContext()).request;
  const login = await staff.post(url('/staff/login'), { headers: same, data: { name: 'official', password: 'demo' } });
  assert.equal(login.status(), 200, await login.text());
  const token = (await login.json()).csrf_token;
  assert.ok(token, 'login answered no csrf_token');
  const read = async () => (await staff.get(url(`/staff/console/api/petitions/${tracking}`))).json();
  const beforeAll = await read();
  assert.equal(beforeAll.status, 'answered');

  const refused = {
    'a foreign Origin': { Origin: 'http://evil.example', 'X-CSRF-Token': token },
    'no Origin': { 'X-CSRF-Token': token },
    'a cross-site fetch': { ...same, 'Sec-Fetch-Site': 'cross-site', 'X-CSRF-Token': token },
    'no CSRF token': same,
    'a wrong CSRF token': { ...same, 'X-CSRF-Token': `${token}x` },
  };
  for (const [what, headers] of Object.entries(refused)) {
    const res = await staff.post(actions, { headers, data: { action: 'close' } });
    assert.equal(res.status(), 403, `${what}: answered ${res.status()} ${await res.text()}`);
  }
  const afterRefusals = await read();
  assert.equal(afterRefusals.status, 'answered', 'a refused request changed the petition');
  assert.equal(afterRefusals.timeline.length, beforeAll.timeline.length, 'a refused request added to the timeline');

  // The same request with both checks met goes through: the refusals above
  // were about the origin and the token, not about the request.
  const ok = await staff.post(actions, { headers: { ...same, 'X-CSRF-Token': token }, data: { action: 'close' } });
  assert.equal(ok.status(), 200, await ok.text());
  assert.equal((await read()).status, 'closed');
});

test("a citizen session cannot read another citizen's conversation", async () => {
  assert.ok(shared.citizen, 'needs the citizen page of the first test');
  const history = (p) => `${gateway.base}${p}`;

  // A second browser: its own session, and its history is empty.
  const other = await newContext();
  assert.equal((await other.request.get(history('/chat/web/history'))).status(), 401, 'history without a session');
  assert.equal((await other.request.get(history('/chat/web/session'))).status(), 200);
  const own = await (await other.request.get(history('/chat/web/history?after=0'))).json();
  assert.deepEqual(own.entries, [], `a fresh session reads entries: ${JSON.stringify(own.entries).slice(0, 300)}`);

  // The first citizen's cookie, altered by one character, is no session.
  const [cookie] = (await shared.citizen.context().cookies(gateway.base)).filter((c) => c.path === '/' || c.path.startsWith('/chat'));
  assert.ok(cookie, 'the citizen page has no session cookie');
  const flip = cookie.value.slice(0, -1) + (cookie.value.endsWith('0') ? '1' : '0');
  const jarless = await requests.newContext();
  const forged = await jarless.get(history('/chat/web/history?after=0'), {
    headers: { Cookie: `${cookie.name}=${flip}` },
  });
  assert.equal(forged.status(), 401, `a forged session cookie answered ${forged.status()}`);
  await jarless.dispose();

  // Its page greets it afresh and shows nothing of the first conversation.
  const page = await other.newPage();
  await page.goto(`${gateway.base}/`);
  await waitForReply(page, 'What would you like to do?');
  const shown = await page.getByTestId('message-list').innerText();
  assert.ok(!shown.includes(description) && !shown.includes(answer), 'a second citizen sees the first one\'s messages');
  await shot(page, '10-second-citizen');
});

// Last: it stops the gateway. Issue 15: the page used to give up after three
// retries (about 6 s), clear the message and leave it looking sent.
test('a message typed while the gateway is down stays queued and is answered once it is back', async () => {
  const page = await (await newContext()).newPage();
  await page.goto(`${gateway.base}/`);
  await waitForReply(page, 'What would you like to do?');
  const failedPosts = [];
  page.on('requestfailed', (r) => {
    if (r.method() === 'POST' && r.url().includes('/webhook/')) failedPosts.push(Date.now());
  });

  const port = gateway.port;
  await gateway.halt();
  await type(page, '1');  // "File a request"
  const bubble = page.locator('li[data-from="citizen"][data-pending="true"]').last();
  const id = await bubble.getAttribute('data-client-id');
  assert.ok(id, 'no pending bubble for the message');
  // More than the old page's retries: five failed tries, or ten seconds of them.
  await until(() => failedPosts.length >= 5 || (failedPosts.length > 0 && Date.now() - failedPosts[0] > 10000), 30000);
  assert.equal(await bubble.getAttribute('data-delivery'), 'queued', 'the message is not shown as waiting');
  assert.equal(await bubble.getByTestId('bubble-note').innerText(), 'Waiting to send…');
  const queued = JSON.parse(await page.evaluate(() => localStorage.getItem('pg_chat_queue_web')) || '[]');
  assert.deepEqual(queued.map((m) => m.id), [id], 'the message is not kept for a reload');
  await shot(page, '11-citizen-message-queued');

  await gateway.start(port);  // the same data and port: the page's session holds
  await page.locator('li[data-from="gateway"]').filter({ hasText: 'What is your request about?' })
    .first().waitFor({ timeout: 45000 });
  // Answered once, shown once, and nothing left waiting.
  await page.locator('li[data-pending="true"]').first().waitFor({ state: 'detached' });
  assert.equal(await page.locator('li[data-from="gateway"]').filter({ hasText: 'What is your request about?' }).count(), 1);
  assert.equal(await page.locator(`li[data-client-id="${id}"]`).count(), 1);
  assert.equal(await page.evaluate(() => localStorage.getItem('pg_chat_queue_web')), '[]');
  const history = await (await page.context().request.get(`${gateway.base}/chat/web/history?after=0`)).json();
  assert.equal(history.entries.filter((e) => e.from === 'citizen' && e.frame.id === id).length, 1);
  await shot(page, '12-citizen-message-answered');
});
