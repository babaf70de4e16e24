import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';
import { SAMPLE, type ServedTxnflow, serveTxnflow } from '../../infra/test/serve/support.ts';
import { describeInChromium, screenshot, WAIT_MS } from '../support/chromium.ts';

/**
 * The console as a person uses it, in a real Chromium against `txnflow serve`: upload the
 * sample file, watch the balances and the alert arrive live, open the email, replay the
 * archive to the ledger and see that nobody is notified again, and redrive a dead-letter
 * queue. With TXNFLOW_SCREENSHOTS=docs/screenshots the pictures of the README are taken.
 */

/** A whole scenario, each of its waits up to WAIT_MS: a hang still fails. */
const BROWSER_TEST_MS = 6 * WAIT_MS;

const rowOf = (page: Page, table: string, ...texts: string[]) =>
  texts.reduce((rows, text) => rows.filter({ hasText: text }), page.locator(`${table} tbody tr`));

const waitForRow = (page: Page, table: string, ...texts: string[]) =>
  rowOf(page, table, ...texts)
    .first()
    .waitFor({ timeout: WAIT_MS });

async function openConsole(browser: Browser, served: ServedTxnflow): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(served.server.url);
  await page.locator('#live', { hasText: 'live' }).waitFor({ timeout: WAIT_MS });
  expect(errors).toEqual([]);
  return page;
}

describeInChromium('the txnflow console', (browser) => {
  let served: ServedTxnflow;
  afterEach(async () => {
    await served.stop();
  });

  describe('a fresh state and the sample file', () => {
    beforeEach(async () => {
      served = await serveTxnflow();
    });

    it('uploads the sample, shows C2 reach 1750.00 and the alert live, opens the email, and a replay to the ledger notifies nobody again', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      const page = await openConsole(browser(), served);
      // Set on the page now: still there later means nothing reloaded it.
      await page.evaluate('window.txnflowStillTheSamePage = true');

      await page.getByLabel(/^File/).setInputFiles(SAMPLE);
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await page
        .locator('#upload-status', { hasText: 'Uploaded incoming/transactions.txt' })
        .waitFor({ timeout: WAIT_MS });
      await waitForRow(page, '#balances-table', 'C2', '1750.00');
      await waitForRow(page, '#alerts-table', 'C2', 'yes');
      await screenshot(page, 'console-balances-and-alerts', '#main');

      expect(await page.evaluate('window.txnflowStillTheSamePage')).toBe(true);
      expect(await rowOf(page, '#balances-table', 'C1').textContent()).toContain('907.55');

      await page.getByRole('button', { name: /^Open email/ }).click();
      const email = page.locator('#email-view');
      await email.waitFor({ state: 'visible', timeout: WAIT_MS });
      await screenshot(page, 'console-email', '#outbox');
      expect(await email.locator('h3').textContent()).toBe('Warning! Account balance is very high');
      expect(await email.locator('pre').textContent()).toContain('Dear customer C2,');

      await page.getByLabel('TransactionRecordedToLedger', { exact: true }).check();
      await page.getByRole('button', { name: 'Start replay' }).click();
      await page.locator('#replay-status', { hasText: 'started' }).waitFor({ timeout: WAIT_MS });
      await waitForRow(page, '#replays-table', 'COMPLETED', 'TransactionRecordedToLedger');
      await served.txnflow.runUntilIdle();
      await page.reload();
      await page.locator('#live', { hasText: 'live' }).waitFor({ timeout: WAIT_MS });
      await waitForRow(page, '#replays-table', 'COMPLETED');
      await screenshot(page, 'console-replay', '#archive');

      expect(await rowOf(page, '#balances-table', 'C2').textContent()).toContain('1750.00');
      expect(await page.locator('#alerts-table tbody tr').count()).toBe(1);
      expect(await page.locator('#outbox-table tbody tr').count()).toBe(1);
      expect(await rowOf(page, '#queues-table', 'CustomerNotify').first().textContent()).toMatch(
        /CustomerNotify\s*queue\s*1/,
      );
    });

    it('traces the alert from its row: the upload, the events, the ledger entry and the email', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      const page = await openConsole(browser(), served);
      await page.getByLabel(/^File/).setInputFiles(SAMPLE);
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await waitForRow(page, '#alerts-table', 'C2', 'yes');

      await page.getByRole('button', { name: /^Trace alert C2:/ }).click();
      const trace = page.locator('#trace-view');
      await trace.locator('.kind', { hasText: 'email' }).first().waitFor({ timeout: WAIT_MS });
      await screenshot(page, 'console-trace', '#trace');

      const kinds = await trace.locator('.kind').allTextContents();
      expect(kinds).toEqual(
        expect.arrayContaining(['upload', 'event', 'ledger-entry', 'alert', 'email']),
      );
    });
  });

  describe('what a file carries is shown as text', () => {
    beforeEach(async () => {
      served = await serveTxnflow();
    });

    it('shows an address holding markup as text, never as markup', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      const { writeFile, mkdtemp } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const file = join(await mkdtemp(join(tmpdir(), 'txnflow-markup-')), 'markup.txt');
      const address = '<img src=x onerror="window.txnflowInjected=1">';
      await writeFile(
        file,
        `customer_id|customer_address|trn_id|trn_date|trn_amount\nC7|${address}|T1|2023-03-01|10.00\n`,
      );
      const page = await openConsole(browser(), served);

      await page.getByLabel(/^File/).setInputFiles(file);
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await waitForRow(page, '#customers-table', 'C7');

      expect(await rowOf(page, '#customers-table', 'C7').locator('td').first().textContent()).toBe(
        address,
      );
      expect(await page.locator('#customers-table img').count()).toBe(0);
      expect(await page.evaluate('window.txnflowInjected')).toBeUndefined();
    });
  });

  describe('an upload that ingest could not take', () => {
    beforeEach(async () => {
      // Ingest failing every attempt: the upload's "Object Created" ends in its rule's DLQ.
      const { mkdtemp } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const stateDir = join(await mkdtemp(join(tmpdir(), 'txnflow-redrive-')), 'state');
      const failing = LocalTxnflow.open({ stateDir, faults: { failRate: 1, seed: 1 } });
      await failing.ingest(failing.planUploads([SAMPLE]));
      failing.close();
      served = await serveTxnflow({ stateDir });
    });

    it('shows the message in its dead-letter queue, and a redrive puts it through', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      const page = await openConsole(browser(), served);
      const dlq = 'UploadsObjectCreatedToIngestDLQ';
      await waitForRow(page, '#queues-table', dlq);
      expect(await rowOf(page, '#queues-table', dlq).textContent()).toMatch(
        /dead-letter queue\s*1/,
      );

      await page.getByRole('button', { name: `Messages of ${dlq}` }).click();
      await page.locator('#queue-messages li', { hasText: 'error' }).waitFor({ timeout: WAIT_MS });
      await screenshot(page, 'console-dead-letter', '#queues');
      await page.getByRole('button', { name: `Redrive ${dlq}` }).click();
      await page
        .locator('#queue-status', { hasText: `Redrove 1 message(s) from ${dlq}` })
        .waitFor({ timeout: WAIT_MS });
      await waitForRow(page, '#balances-table', 'C2', '1750.00');

      expect(await rowOf(page, '#queues-table', dlq).textContent()).toMatch(
        /dead-letter queue\s*0/,
      );
      expect(await page.getByRole('button', { name: `Redrive ${dlq}` }).count()).toBe(0);
    });
  });
});
