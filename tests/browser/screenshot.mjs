// Makes docs/screenshot.png for the README: the citizen web chat beside the
// staff console, after an official has answered the citizen's petition.
//   node tests/browser/screenshot.mjs --gateway build/petition-gateway [--out docs/screenshot.png]
// Two screenshots placed side by side on a page of their own (the pages
// themselves refuse to be framed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { Gateway } from './gateway.mjs';
import { act, fileInChat, logIn, openPetition, waitForReply } from './steps.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '..', '..');
const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string', default: path.join(source, 'build', 'petition-gateway') },
    out: { type: 'string', default: path.join(source, 'docs', 'screenshot.png') },
    chromium: { type: 'string', default: process.env.PG_CHROMIUM || '/usr/bin/chromium' },
  },
});

const size = { width: 560, height: 820 };
const gateway = new Gateway(path.resolve(args.gateway), source, path.join(path.dirname(args.out), '.screenshot-gateway.log'));
fs.mkdirSync(path.dirname(args.out), { recursive: true });
await gateway.start();
const browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: ['--no-sandbox'] });
try {
  const open = async (width) => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: size.height } });
    context.setDefaultTimeout(15000);
    return context.newPage();
  };
  const citizen = await open(size.width);
  const tracking = await fileInChat(citizen, gateway.base, 'Elm Street, outside number 12',
    'The street lamp outside number 12 has been dark for two weeks; the corner is unsafe at night. Please repair it.');

  const official = await open(1280);
  await logIn(official, gateway.base);
  await openPetition(official, tracking);
  await act(official, 'action-accept', 'accepted');
  await official.getByTestId('answer-text').fill('A crew will replace the lamp on Thursday. Thank you for telling us.');
  await official.getByTestId('answer-submit').click();
  await official.getByTestId('detail-status').filter({ hasText: /^answered$/ }).waitFor();
  await waitForReply(citizen, 'How satisfied are you');

  const left = await citizen.screenshot();
  const right = await official.screenshot();
  const board = await open(size.width + 1280 + 24);
  const img = (png) => `<img src="data:image/png;base64,${png.toString('base64')}">`;
  await board.setContent(`<!doctype html><body style="margin:0;background:#d0d4da;display:flex;gap:8px;padding:8px">
    ${img(left)}${img(right)}</body>`);
  await board.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
  await board.locator('body').screenshot({ path: args.out });
  console.log(`wrote ${args.out} (petition ${tracking})`);
} finally {
  await browser.close();
  await gateway.stop();
  fs.rmSync(path.join(path.dirname(args.out), '.screenshot-gateway.log'), { force: true });
}
