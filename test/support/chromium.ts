import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';

/**
 * Debian's `chromium` package (.ci/run installs it with apt-get): Playwright's own browser
 * downloads cannot run here, so playwright-core drives the system's Chromium. CHROMIUM_PATH,
 * when set, is the only place looked at.
 */
const CANDIDATES = process.env.CHROMIUM_PATH
  ? [process.env.CHROMIUM_PATH]
  : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Flags for a headless Chromium as root in a sandbox without a network: no sandbox (root),
 * no GPU, and none of the background connections a closed network refuses.
 */
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** How long a page may take to show what a test waits for (a busy 2-core machine is slow). */
const WAIT_MS = 90_000;

type Availability =
  | { readonly available: true; readonly executablePath: string }
  | { readonly available: false; readonly reason: string };

/**
 * Where Chromium is. When `CI` is set, a missing Chromium is an error (CI must run the
 * browser tests, and fails on a skipped one); on a laptop the tests are skipped, saying why.
 *
 * @throws {Error} in CI when no Chromium is installed.
 */
function chromiumAvailability(): Availability {
  const executablePath = CANDIDATES.find((path) => existsSync(path));
  if (executablePath) return { available: true, executablePath };
  const reason = `no Chromium at ${CANDIDATES.join(' or ')} (install Debian's package: apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(`${reason}. CI must run the browser tests.`);
  console.warn(`${reason}; skipping the browser tests.`);
  return { available: false, reason };
}

/**
 * A describe block whose tests share one headless Chromium (skipped on a laptop without
 * one, failing in CI). `body` gets a getter for the browser.
 *
 * @example describeInChromium('console', (browser) => { it('…', async () => { const page = await browser().newPage(); }); });
 */
function describeInChromium(name: string, body: (browser: () => Browser) => void): void {
  const availability = chromiumAvailability();
  describe.skipIf(!availability.available)(`${name} (in Chromium)`, () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (!availability.available) return;
      browser = await chromium.launch({
        executablePath: availability.executablePath,
        headless: true,
        args: LAUNCH_ARGS,
      });
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
    }, 60_000);
    body(() => {
      if (!browser) throw new Error('Chromium is not running');
      return browser;
    });
  });
}

/**
 * Saves a screenshot of the page (or of one part) under `TXNFLOW_SCREENSHOTS` (a folder,
 * e.g. docs/screenshots, where the README's pictures come from), when it is set.
 *
 * @example await screenshot(page, 'balances', '#balances');
 */
async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  const folder = process.env.TXNFLOW_SCREENSHOTS;
  if (!folder) return;
  await mkdir(folder, { recursive: true });
  const path = join(folder, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path });
}

export { chromiumAvailability, describeInChromium, screenshot, WAIT_MS };
