// Drives a page in Debian's headless Chromium (playwright-core, never a downloaded browser): loads
// the URL, runs the steps a user (or the page itself) would take, keeps a screenshot of the end
// state (also after a failed step) and prints what the steps read from the page.
//   node driver.js --url=http://127.0.0.1:PORT/ --screenshot=FILE --steps=JSON [--chromium=PATH]
// JSON is an array of steps, each an object with one action:
//   {"fill": SELECTOR, "value": TEXT}   types TEXT into the field
//   {"click": SELECTOR}                 clicks the element
//   {"waitFor": SELECTOR}               waits until an element matches
//   {"text": SELECTOR, "as": NAME}      prints "RESULT NAME=<its text, whitespace collapsed>"
//   {"json": SELECTOR, "as": NAME}      prints "RESULT NAME=<its text parsed as JSON, compact>"
// Exits 0 once every step is done; non-zero (with the reason) if one fails or times out.
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const STEP_TIMEOUT_MS = 30000;

function flags() {
  const values = { chromium: '/usr/bin/chromium' };
  for (const arg of process.argv.slice(2)) {
    const match = /^--([a-z_]+)=(.*)$/s.exec(arg);
    if (!match) {
      throw new Error('unknown argument ' + arg);
    }
    values[match[1]] = match[2];
  }
  if (!values.url || !values.screenshot || !values.steps) {
    throw new Error('usage: driver.js --url=URL --screenshot=FILE --steps=JSON [--chromium=PATH]');
  }
  return values;
}

async function run(page, step) {
  if ('fill' in step) {
    await page.fill(step.fill, step.value, { timeout: STEP_TIMEOUT_MS });
  } else if ('click' in step) {
    await page.click(step.click, { timeout: STEP_TIMEOUT_MS });
  } else if ('waitFor' in step) {
    await page.waitForSelector(step.waitFor, { timeout: STEP_TIMEOUT_MS });
  } else if ('text' in step) {
    const text = await page.textContent(step.text, { timeout: STEP_TIMEOUT_MS });
    console.log('RESULT ' + step.as + '=' + text.replace(/\s+/g, ' ').trim());
  } else if ('json' in step) {
    const text = await page.textContent(step.json, { timeout: STEP_TIMEOUT_MS });
    console.log('RESULT ' + step.as + '=' + JSON.stringify(JSON.parse(text)));
  } else {
    throw new Error('unknown step ' + JSON.stringify(step));
  }
}

async function main() {
  const options = flags();
  const steps = JSON.parse(options.steps);
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
    try {
      await page.goto(options.url);
      for (const step of steps) {
        console.log('step ' + JSON.stringify(step));
        await run(page, step);
      }
    } finally {
      // Also when a step failed: the screenshot shows what the page showed instead.
      fs.mkdirSync(path.dirname(options.screenshot), { recursive: true });
      await page.screenshot({ path: options.screenshot, fullPage: true })
        .catch((error) => console.log('no screenshot: ' + error.message));
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
