// Opens the partnergraph playground in headless Chromium (Debian's /usr/bin/chromium, never a
// browser of Playwright's own), presses run on the query it opens with, and prints one line of
// JSON: what the response pane shows and every request the page made.
//
//   node playground.mjs <playground url> [screenshot.png]
//
// PLAYGROUND_PROFILE names a Chromium profile directory to use (and keep) instead of a fresh one;
// PLAYGROUND_TIMEOUT_MS bounds each wait (30 s by default); CHROMIUM_PATH overrides the browser.
//
// Exit status 0 when a response appeared (the caller judges it), 1 otherwise (the JSON says why).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (!url) {
  console.error('usage: node playground.mjs <playground url> [screenshot.png]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const timeout = Number(process.env.PLAYGROUND_TIMEOUT_MS) || 30_000;
// Without the background-networking flags Chromium calls Google's hosts at every start.
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const report = {
  ok: false,
  requests: [],
  blocked: [],
  violations: [],
  consoleErrors: [],
  pageErrors: [],
};
const origin = new URL(url).origin;
const keepProfile = Boolean(process.env.PLAYGROUND_PROFILE);
const userDataDir =
  process.env.PLAYGROUND_PROFILE || mkdtempSync(join(tmpdir(), 'partnergraph-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args,
    viewport: { width: 1400, height: 1600 },
    timeout,
  });
  context.setDefaultTimeout(timeout);
  // Every request is recorded; one that would leave the server's origin is refused as well.
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target.startsWith('data:') || new URL(target).origin === origin) {
      return route.continue();
    }
    report.blocked.push(target);
    return route.abort('blockedbyclient');
  });
  context.on('request', (request) => report.requests.push(request.url()));
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`)
    );
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') report.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => report.pageErrors.push(String(error)));

  await page.goto(url, { waitUntil: 'load' });
  report.title = await page.title();
  const run = page.locator('.graphiql-execute-button');
  await run.waitFor({ state: 'visible' });
  report.query = await editorText(page, '.graphiql-query-editor');
  // The variables and headers editors, whichever tab is open.
  report.editorTools = await page.evaluate(() =>
    [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')].map((e) =>
      e.CodeMirror.getValue()
    )
  );
  // Touch the headers as a user would (a blank line at the end), which GraphiQL stores.
  await page.evaluate(() => {
    const editors = document.querySelectorAll('.graphiql-editor-tool .CodeMirror');
    for (const element of editors) {
      const editor = element.CodeMirror;
      if (editor.getValue().includes('Authorization')) {
        editor.replaceRange('\n', { line: editor.lastLine() + 1, ch: 0 });
      }
    }
  });
  await page.waitForTimeout(1000); // GraphiQL stores edits after a pause
  await run.click();
  // The response pane is a CodeMirror editor: wait until it holds a whole JSON document.
  await page.waitForFunction(() => {
    const editor = document.querySelector('.result-window .CodeMirror')?.CodeMirror;
    const text = editor ? editor.getValue() : '';
    try {
      return text.trim() !== '' && JSON.parse(text) !== null;
    } catch {
      return false;
    }
  });
  report.response = await editorText(page, '.result-window');
  report.visibleText = await page.locator('.result-window').innerText();
  report.violations = await page.evaluate(() => window.__violations);
  if (screenshot) await page.screenshot({ path: screenshot });
  report.ok = true;
} catch (error) {
  report.error = String(error && error.message ? error.message : error);
} finally {
  await context?.close().catch(() => {});
  if (!keepProfile) rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
process.exit(report.ok ? 0 : 1);

/** The whole text of the CodeMirror editor inside `selector` (not only its visible lines). */
async function editorText(page, selector) {
  return page.evaluate((selector) => {
    const root = document.querySelector(selector);
    const element = root?.matches('.CodeMirror') ? root : root?.querySelector('.CodeMirror');
    return element?.CodeMirror?.getValue() ?? null;
  }, selector);
}
