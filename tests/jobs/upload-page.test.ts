import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@evh/testing';
import { type Browser, chromium } from 'playwright-core';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';
import { plainCounts, SAMPLE, sampleText } from './job-fixture.js';

/** Debian's Chromium (tests/infra/chromium.sh installs it); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let f: PipelineFixture;
let browser: Browser;
// One fixed path, overwritten by each run: kept for a look after the test, never piling up.
const shot = join(tmpdir(), 'evh-upload-page.png');

before(async () => {
  f = await startPipeline({}, { reporter: true, env: { STORAGE_DIR: tempDir('evh-page-') } });
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
  await f?.close();
});

test('the upload page uploads a file, shows live progress and then the summary', async () => {
  const reporter = f.reporter;
  assert.ok(reporter);
  const page = await browser.newPage();
  await page.goto(`${reporter.url}/`);
  assert.equal(await page.title(), 'Event Horizon · upload a log file');
  await page.setInputFiles('#file', fileURLToPath(SAMPLE));
  await page.fill('#projectId', 'page-test');
  await page.click('button[type=submit]');

  await page.locator('#status', { hasText: /^completed$/ }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getAttribute('#bar', 'value'), '100');
  await page.waitForSelector('#summary:not(.hidden)', { timeout: 10_000 });
  const rows = await page.$$eval('#summaryRows tr', (trs) =>
    trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]),
  );
  const byName = Object.fromEntries(rows);
  const plain = plainCounts(sampleText());
  assert.equal(byName['top services'], plain.top_services.join(', '));
  assert.equal(byName['peak hours'], plain.peak_hours.join(', '));
  assert.match(String(byName.lines), new RegExp(`^${plain.lines} `));
  await page.screenshot({ path: shot, fullPage: true });
  process.stdout.write(`# screenshot: ${shot}\n`);
});

test('a refused upload shows the reason', async () => {
  const reporter = f.reporter;
  assert.ok(reporter);
  const page = await browser.newPage();
  await page.goto(`${reporter.url}/`);
  await page.setInputFiles('#file', {
    name: 'picture.png',
    mimeType: 'image/png',
    buffer: Buffer.from('png'),
  });
  await page.click('button[type=submit]');
  await page.locator('#status', { hasText: /^refused$/ }).waitFor({ timeout: 10_000 });
  assert.match(String(await page.textContent('#error')), /picture\.png/);
});
