import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { randomName, repoRoot, tempDir, waitFor } from '@evh/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { plainCounts, SAMPLE, sampleText } from '../jobs/job-fixture.js';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';

// Issue 14: the web console in a real browser (Debian's Chromium, driven by playwright-core)
// against real ingest, consumer and reporter processes with authentication on. The tests run
// in order on one signed-in page, as a person would go through the console.

// What the functions given to page.evaluate read in the page (the tests compile without the DOM library).
declare const sessionStorage: { length: number; getItem(key: string): string | null };
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };
interface Control {
  labels?: { length: number } | null;
  getAttribute(name: string): string | null;
  closest(selector: string): unknown;
}

/** Debian's Chromium (tests/infra/chromium.sh installs it); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN = `admin-${randomUUID()}`;
// Every run writes its screenshots under .run/; SCREENSHOTS=docs refreshes the README's
// (a PNG differs from run to run, so writing them there always would leave the tree dirty).
const SHOTS = join(repoRoot, process.env.SCREENSHOTS === 'docs' ? 'docs/screenshots' : '.run/screenshots');

let f: PipelineFixture;
let browser: Browser;
let page: Page;
let project: { projectId: string; ingestKey: string; readToken: string };
const words = `zebra${randomUUID().slice(0, 8)}`;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

function reporterUrl(): string {
  assert.ok(f.reporter);
  return f.reporter.url;
}

/** A crash through the ingest with the project's key; resolves with its event id once accepted. */
async function sendCrash(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${f.ingest.url}/v1/crashes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${project.ingestKey}` },
    body: JSON.stringify({
      severity: 'error',
      message: `Checkout failed: ${words} basket overflow`,
      stacktrace: [
        { file: 'app/checkout.ts', method: 'placeOrder', line: 42, inApp: true, context: 'basket.total()' },
        { file: 'node_modules/orm/query.js', method: 'run', line: 7, inApp: false },
      ],
      metadata: { tags: { release: '1.4.2', browser: 'firefox' } },
      userId: 'user-7',
      ...extra,
    }),
  });
  const body = (await res.json()) as { eventId?: string; message?: string };
  assert.equal(res.status, 202, body.message);
  return body.eventId ?? '';
}

/** Every form control on the page has a label a screen reader announces. */
async function assertLabelled(): Promise<void> {
  const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
    els
      .filter((e) => {
        const c = e as unknown as Control;
        return (c.labels?.length ?? 0) === 0 && !c.getAttribute('aria-label') && !c.closest('label');
      })
      .map((e) => e.outerHTML),
  );
  assert.deepEqual(unlabelled, []);
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  f = await startPipeline(
    // No counter definition cache, so a counter defined on the page counts the next crash.
    { MAX_ATTEMPTS: '2', RETRY_BACKOFF_MS: '10', COUNTER_CACHE_MS: '0' },
    {
      reporter: true,
      env: { AUTH: 'on', ADMIN_TOKEN: ADMIN, AUTH_REFRESH_MS: '200', STORAGE_DIR: tempDir('evh-console-') },
    },
  );
  const created = await f.read('/v1/projects', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Shop', projectId: randomName('shop') }),
  });
  assert.equal(created.status, 201);
  project = created.json;
  // The ingest learns a new key within its refresh period.
  await waitFor('the ingest to know the key', async () => {
    const res = await fetch(`${f.ingest.url}/v1/crashes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${project.ingestKey}` },
      body: '{}',
    });
    return res.status === 400;
  });
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
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
after(async () => {
  await browser?.close();
  await f?.close();
});

test('a wrong token is refused with a clear message, and nothing is stored', async () => {
  await page.goto(`${reporterUrl()}/`);
  assert.equal(await page.title(), 'Event Horizon console');
  await assertLabelled();
  await page.fill('#token', 'evhr_not-a-token-at-all');
  await page.click('button[type=submit]');
  const error = page.locator('#sign-in-error');
  await error.waitFor({ timeout: 5000 });
  assert.match(String(await error.textContent()), /^Sign-in refused: this token is not valid/);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await shot('sign-in');
  // A read token without its project is refused too, with what to do.
  await page.fill('#token', project.readToken);
  await page.click('button[type=submit]');
  await page.locator('#sign-in-error', { hasText: 'give the project' }).waitFor({ timeout: 5000 });
});

test('the admin signs in with the keyboard; creating a project shows its DSN and keys once', async () => {
  await page.fill('#project', '');
  await page.focus('#token');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(ADMIN);
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Projects' }).waitFor({ timeout: 5000 });
  // The token lives in the tab's session, never in the address.
  assert.doesNotMatch(page.url(), new RegExp(ADMIN));
  assert.match(String(await page.evaluate(() => sessionStorage.getItem('evh.console.session'))), /admin/);
  await page.locator(`a[href="#/p/${project.projectId}"]`).waitFor();
  await page.fill('#new-name', 'Billing');
  await page.click('button:has-text("Create")');
  const dsn = String(await page.locator('#created-dsn').textContent({ timeout: 5000 }));
  assert.match(dsn, /^http:\/\/evhi_[^@]+@127\.0\.0\.1:\d+\/\d+$/);
  assert.match(String(await page.textContent('#created-read-token')), /^evhr_/);
  await assertLabelled();
  await shot('projects');
});

let crashedAt = 0;
test('a crash appears in the issue list within 2 s', async () => {
  await page.goto(`${reporterUrl()}/#/p/${project.projectId}/issues`);
  await page.locator('text=No open issue').waitFor({ timeout: 5000 });
  const sent = Date.now();
  await sendCrash();
  const row = page.locator('#issues tr[data-issue="1"]');
  await row.waitFor({ timeout: 5000 });
  crashedAt = Date.now() - sent;
  process.stdout.write(`# crash visible in the issue list ${crashedAt} ms after the ingest accepted it\n`);
  assert.ok(crashedAt < 2000, `${crashedAt} ms`);
  assert.match(String(await row.textContent()), /Checkout failed/);
  await assertLabelled();
  await shot('issues');
});

test('resolving changes the status; a new crash reopens it; the detail marks in-app frames', async () => {
  await page.click('#issues tr[data-issue="1"] a');
  await page.locator('#issue-status', { hasText: 'open' }).waitFor({ timeout: 5000 });
  await page.locator('.frames li.in-app').waitFor({ timeout: 5000 });
  assert.equal(await page.locator('.frames li.in-app').count(), 1);
  assert.equal(await page.locator('.frames li.lib').count(), 1);
  assert.match(
    String(await page.textContent('.frames li.in-app')),
    /in app\s+placeOrder in app\/checkout\.ts:42/,
  );
  await page.click('button:has-text("Resolve")');
  await page.locator('#issue-status', { hasText: 'resolved' }).waitFor({ timeout: 5000 });
  const issue = await f.read(`/v1/projects/${project.projectId}/issues/1`, {
    headers: { authorization: `Bearer ${project.readToken}` },
  });
  assert.equal(issue.json.status, 'resolved');
  await sendCrash({ metadata: { tags: { release: '1.4.3', browser: 'firefox' } } });
  await page.locator('#issue-status', { hasText: 'open' }).waitFor({ timeout: 5000 });
  await page.locator('#event-position', { hasText: 'event 2 of 2' }).waitFor({ timeout: 5000 });
  await page.click('button:has-text("Older")');
  await page.locator('#event-position', { hasText: 'event 1 of 2' }).waitFor({ timeout: 5000 });
  // The tag distribution over both events: two releases, one browser.
  await page.reload();
  await page.locator('ul[aria-label="values of release"] li').nth(1).waitFor({ timeout: 5000 });
  assert.equal(await page.locator('ul[aria-label="values of release"] li').count(), 2);
  assert.match(String(await page.textContent('ul[aria-label="values of browser"]')), /firefox\s*2/);
  await shot('issue');
});

test('a search finds the crash and highlights the words', async () => {
  await page.goto(`${reporterUrl()}/#/p/${project.projectId}/search`);
  await page.fill('#search-q', `${words} overflow`);
  await page.press('#search-q', 'Enter');
  await page.locator('#results li').first().waitFor({ timeout: 5000 });
  assert.equal(await page.locator('#results li').count(), 2);
  const marks = await page.$$eval('#results li:first-child mark', (ms) => ms.map((m) => m.textContent));
  assert.deepEqual(marks, [words, 'overflow']);
  await assertLabelled();
  await shot('search');
});

test("the overview's severity chart counts a new crash in its latest bucket; counters are defined and deleted", async () => {
  // A quota, as the controller would write it; the ingest re-reads quotas after the version moves.
  await f.redis.hset(
    'quota:effective',
    project.projectId,
    JSON.stringify({ eventsPerSecond: 50, burst: 100, weight: 1, mode: 'enforce', source: 'test' }),
  );
  await f.redis.incr('quota:version');
  await sleep(1500);
  // Not in the last seconds of a minute, so the crash and the read share the latest bucket.
  if (Date.now() % 60_000 > 50_000) await sleep(60_000 - (Date.now() % 60_000) + 100);
  await sendCrash({ message: 'A brand new failure', severity: 'error' });
  await page.goto(`${reporterUrl()}/#/p/${project.projectId}`);
  const lastRow = page.locator('figure.chart details tbody tr').last();
  await waitFor('the latest bucket to count the crash', async () => {
    const cells = await lastRow
      .locator('td')
      .allTextContents()
      .catch(() => []);
    return cells.length === 3 && Number(cells[0]) >= 1 ? cells : undefined;
  });
  assert.equal(await page.locator('figure.chart details tbody tr').count(), 60);
  assert.match(String(await page.textContent('.figures')), /crashes\s*3/);
  // The crash went through the quota: the overview shows it, and the minute's accepted count.
  const quota = page.locator('section[aria-label="Quota, last minute"] .figures');
  await quota.filter({ hasText: /accepted\s*[1-9]/ }).waitFor({ timeout: 10_000 });
  assert.match(String(await quota.textContent()), /quota\s*50\/s, burst 100 \(enforce\)/);
  await page.fill('#counter-name', 'firefox');
  await page.fill('#counter-path', 'metadata.tags.browser');
  await page.selectOption('#counter-op', 'eq');
  await page.fill('#counter-value', '"firefox"');
  await page.click('button:has-text("Define")');
  await page.locator('button[aria-label="Delete counter firefox"]').waitFor({ timeout: 5000 });
  await sendCrash();
  await page.locator('tr[data-counter="firefox"] td.count', { hasText: /^1$/ }).waitFor({ timeout: 10_000 });
  await assertLabelled();
  await shot('project');
  await page.click('button[aria-label="Delete counter firefox"]');
  await page.locator('text=No custom counter yet.').waitFor({ timeout: 5000 });
});

test("an upload's progress bar reaches 100 % and its charts show the job's figures", async () => {
  await page.goto(`${reporterUrl()}/#/p/${project.projectId}/jobs`);
  await page.setInputFiles('#upload-file', fileURLToPath(SAMPLE));
  await page.fill('#upload-key', project.ingestKey);
  await page.click('button:has-text("Upload")');
  await page.locator('#job-status', { hasText: /^completed$/ }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getAttribute('progress.job-bar', 'value'), '100');
  const plain = plainCounts(sampleText());
  const summary = page.locator('section[aria-label="Summary"]');
  await summary.waitFor({ timeout: 10_000 });
  assert.match(
    String(await summary.locator('.figures').textContent()),
    new RegExp(`lines\\s*${plain.lines}`),
  );
  const services = await summary
    .locator('ul[aria-label="top services, by rank"] .bar-name')
    .allTextContents();
  assert.deepEqual(services, plain.top_services);
  // The 24-hour chart: its highest hours are the job's peak hours.
  const hours = (await summary.locator('figure.chart details tbody td').allTextContents()).map(Number);
  assert.equal(hours.length, 24);
  const pad = (h: number) => String(h).padStart(2, '0');
  const max = Math.max(...hours);
  const peaks = hours.flatMap((n, h) => (n === max ? [`${pad(h)}:00-${pad(h + 1)}:00`] : []));
  assert.deepEqual(peaks, plain.peak_hours);
  assert.match(String(await summary.textContent()), new RegExp(`Peak hours: ${plain.peak_hours.join(', ')}`));
  const statuses = await summary.locator('ul[aria-label="payment statuses"] li').allTextContents();
  assert.equal(statuses.length, Object.keys(plain.payment_statuses).length);
  // The stored entries (PostgreSQL), filtered: FAILURE lines whose message has "timeout",
  // counted from the file itself.
  const timeouts = sampleText()
    .split('\n')
    .filter(
      (l) => l.split(' ')[1] === 'FAILURE' && /\btimeout\b/i.test(l.split(' ').slice(4).join(' ')),
    ).length;
  assert.ok(timeouts > 0 && timeouts < 50, `${timeouts} timeouts fit one page`);
  const entries = page.locator('#job-entries');
  await entries.locator('tbody tr').first().waitFor({ timeout: 10_000 });
  await page.fill('#job-entries-level', 'failure');
  await page.fill('#job-entries-q', 'timeout');
  await entries.locator('button:has-text("Filter")').click();
  await entries.locator('caption', { hasText: `Page 1: ${timeouts} entries` }).waitFor({ timeout: 10_000 });
  const levels = await entries.locator('tbody td .sev').allTextContents();
  assert.deepEqual([...new Set(levels)], ['FAILURE']);
  assert.equal(await entries.locator('tbody mark').count(), timeouts, 'the word is marked in each message');
  // The invalid lines listed are as many as the progress line says.
  const progress = String(await page.locator('.progress label').first().textContent());
  const invalid = Number(/(\d+) invalid/.exec(progress)?.[1] ?? Number.NaN);
  if (invalid > 0) {
    await page.locator('#invalid-lines tbody tr').first().waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#invalid-lines tbody tr').count(), Math.min(invalid, 100));
  } else {
    assert.equal(invalid, 0, progress);
    await page.locator('text=Every line could be used.').waitFor({ timeout: 10_000 });
  }
  // The project's job list comes from the job records and names this file; its logs were
  // read again when the job completed.
  await page
    .locator('table.list a', { hasText: 'payments-example_input.txt' })
    .first()
    .waitFor({ timeout: 10_000 });
  await page
    .locator('#project-logs tbody tr')
    .first()
    .waitFor({ timeout: 10_000 })
    .catch(async (err: Error) => {
      throw new Error(
        `${err.message}\nthe logs card shows: ${await page.locator('#project-logs').textContent()}`,
      );
    });
  await assertLabelled();
  await shot('jobs');
});

test('a dead letter can be replayed from the pipeline page and is then processed', async () => {
  const until = Date.now() + 3000;
  const res = await f.post('/events', {
    userId: randomName('u'),
    type: 'checkout',
    payload: { failUntil: until },
  });
  assert.equal(res.status, 202);
  const id = String(res.json.eventId);
  await page.goto(`${reporterUrl()}/#/pipeline`);
  const row = page.locator(`#dlq tr[data-event="${id}"]`);
  await row.waitFor({ timeout: 10_000 });
  assert.match(String(await row.textContent()), /PROCESSING_FAILED/);
  await sleep(Math.max(0, until + 100 - Date.now()));
  await row.locator('button:has-text("Replay")').click();
  await row.locator('td.state', { hasText: 'replayed' }).waitFor({ timeout: 10_000 });
  const state = await f.read(`/v1/events/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  assert.equal(state.json.status, 'processed');
  assert.notEqual(await page.textContent('.figures'), null);
  assert.match(String(await page.textContent('.figures')), /consumer lag\s*\d+/);
  await shot('pipeline');
});

test('at a phone width the pages fit the screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, hash, shown] of [
    ['issues-phone', `#/p/${project.projectId}/issues?status=all`, '#issues'],
    ['project-phone', `#/p/${project.projectId}`, 'figure.chart canvas'],
  ] as const) {
    await page.goto(`${reporterUrl()}/${hash}`);
    await page.locator(shown).first().waitFor({ timeout: 10_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: ${overflow} px wider than the screen`);
    await shot(name);
  }
});
