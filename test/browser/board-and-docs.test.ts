import { existsSync, mkdirSync } from 'node:fs';
import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import type { Listening } from '../../shared/infra/http/listen.js';
import { startOps } from '../support/ops.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts/screenshots';

describe('in a real browser (headless Chromium): Bull Board and Swagger UI', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;
  let ops: Listening;
  let browser: Browser;

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run scripts/ensure-browser.sh`);
    mkdirSync(ARTIFACTS, { recursive: true });
    pipeline = await startPipeline();
    ops = await startOps(pipeline);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await ops?.close();
    await pipeline?.stop();
  });

  it('shows every queue in Bull Board to an operator with credentials', async () => {
    const context = await browser.newContext({
      httpCredentials: {
        username: pipeline.config.board.user,
        password: pipeline.config.board.password,
      },
    });
    const page = await context.newPage();
    const response = await page.goto(`${ops.url}/admin/queues`);
    expect(response?.status()).to.equal(200);
    for (const name of Object.values(QUEUE_NAMES)) {
      await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    await page.screenshot({ path: `${ARTIFACTS}/bull-board.png`, fullPage: true });
    await context.close();
  });

  it('refuses Bull Board without credentials', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const statuses: number[] = [];
    page.on('response', (response) => statuses.push(response.status()));
    // Headless Chromium turns an unanswered auth challenge into a navigation error.
    await page.goto(`${ops.url}/admin/queues`).catch(() => undefined);
    // The only answer the browser got was the refusal: no board page, no board API call.
    expect(statuses).to.deep.equal([401]);
    await context.close();
  });

  it('renders the listing service’s operations in Swagger UI at /api/', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Port 6000 is blocked in browsers, but tests use free ports; the ops port also serves these docs.
    await page.goto(`${pipeline.urls.listings}/api/`);
    await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
    const summaries = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(summaries.map((s) => s.replace(/\u200b/g, ''))).to.include.members([
      '/listings',
      '/listings/{id}',
    ]);
    await page.screenshot({ path: `${ARTIFACTS}/swagger-ui-listings.png`, fullPage: true });
    await context.close();
  });
});
