// The steps a citizen and an official take in the pages, shared by the
// browser tests (e2e.mjs) and the README screenshot (screenshot.mjs). Every
// wait is a Playwright locator wait, bounded by the context's default timeout.

// The citizen page: a message of the gateway that says `text` (the newest
// such; a reply may be followed by another message, such as the menu).
export function reply(page, text) {
  return page.locator('li[data-from="gateway"]').filter({ hasText: text }).last();
}

export async function waitForReply(page, text) {
  await reply(page, text).waitFor();
}

// Press a button of the gateway's newest message (older ones are disabled).
export async function press(page, label) {
  const button = page.locator('li[data-from="gateway"]').last().locator('button.choice', { hasText: label });
  await button.first().click();
}

// Type into the composer and send, as a citizen does.
export async function type(page, text) {
  await page.getByTestId('message-input').fill(text);
  await page.getByTestId('send-button').click();
}

// Walks the filing dialog as a citizen does and returns the tracking number.
export async function fileInChat(page, base, where, what, onConfirm) {
  await page.goto(`${base}/`);
  await waitForReply(page, 'What would you like to do?');
  await press(page, 'File a request');
  await waitForReply(page, 'What is your request about?');
  await press(page, 'Street lighting');
  await waitForReply(page, 'Where exactly is it?');
  await type(page, where);
  await waitForReply(page, 'Describe it in');
  await type(page, what);
  // Guided drafting (the demo flow asks both): since when, what outcome; skipped here.
  await waitForReply(page, 'Since when has this been a problem?');
  await press(page, 'Skip');
  await waitForReply(page, 'What would you like the city to do?');
  await press(page, 'Skip');
  await waitForReply(page, 'You can add up to');
  await press(page, 'No photos');
  await waitForReply(page, 'Please check your request');
  if (onConfirm) await onConfirm('confirm');
  await press(page, 'Send');
  // Another citizen's open request at the same place may be offered first: file anyway.
  const duplicates = reply(page, 'Requests like yours were filed nearby');
  await reply(page, 'Tracking number:').or(duplicates).first().waitFor();
  if (await duplicates.count() > 0) {
    await press(page, 'Mine is different: file it');
    await waitForReply(page, 'Tracking number:');
  }
  const filed = await reply(page, 'Tracking number:').innerText();
  const m = /Tracking number:\s*([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(filed);
  if (!m) throw new Error(`no tracking number in the citizen page's message: ${filed}`);
  return m[1];
}

// The demo config's accounts (README: official / demo, supervisor / demo).
export async function logIn(page, base, name = 'official') {
  await page.goto(`${base}/staff`);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill('demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('console').waitFor();
}

export async function openPetition(page, tracking) {
  await page.locator(`tr[data-tracking="${tracking}"]`).click();
  await page.getByTestId('detail-tracking').filter({ hasText: tracking }).waitFor();
}

// Press an action button of the open petition and wait for its new status.
export async function act(page, testid, status) {
  await page.getByTestId(testid).click();
  await page.getByTestId('detail-status').filter({ hasText: new RegExp(`^${status}$`) }).waitFor();
}

