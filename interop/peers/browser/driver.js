// Loads the grpc-web test page in Debian's headless Chromium (playwright-core, never a downloaded
// browser), waits for it to finish its calls, keeps a screenshot and prints the page's results.
//   node driver.js --url=http://127.0.0.1:PORT/ --screenshot=FILE [--chromium=/usr/bin/chromium]
// Prints one line "RESULTS <json>" and exits 0 once the page is done; non-zero if it never is.
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const PAGE_TIMEOUT_MS = 30000;

function flags() {
  const values = { chromium: '/usr/bin/chromium' };
  for (const arg of process.argv.slice(2)) {
    const match = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (!match) {
      throw new Error('unknown argument ' + arg);
    }
    values[match[1]] = match[2];
  }
  if (!values.url || !values.screenshot) {
    throw new Error('usage: driver.js --url=URL --screenshot=FILE [--chromium=PATH]');
  }
  return values;
}

async function main() {
  const options = flags();
  // The flags this machine needs: no sandbox (root), no GPU, and no background traffic, which
  // the closed network refuses. Playwright gives each launch a new empty profile directory.
  const browser = await chromium.launch({
    executablePath: options.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.on('console', (message) => console.log('console.' + message.type() + ': ' + message.text()));
    page.on('pageerror', (error) => console.log('page error: ' + error.message));
    await page.goto(options.url);
    await page.waitForSelector('body[data-done="true"]', { timeout: PAGE_TIMEOUT_MS });
    fs.mkdirSync(path.dirname(options.screenshot), { recursive: true });
    await page.screenshot({ path: options.screenshot, fullPage: true });
    const results = await page.textContent('#results');
    console.log('RESULTS ' + JSON.stringify(JSON.parse(results)));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
