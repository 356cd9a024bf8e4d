import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { issueApiKey } from '../../src/db/organizations';
import { eventually } from '../support/harness';
import { allRepliesUsed, type PipelineHarness, reply, REVIEWER, startPipelineHarness } from '../support/pipeline';
import { customSkill } from '../support/skills';

/**
 * The reviewer console in a real headless browser (Debian's chromium, driven by playwright-core):
 * the API app served on a local port, the real worker on the real Temporal server, the fake
 * Claude. A reviewer signs in with the keyboard, finds the waiting approval in the inbox, opens
 * it, approves with a comment, and watches the timeline (Server-Sent Events, no reload) until the
 * issue completes. Screenshots of each page go to .data/screenshots/ (git-ignored).
 *
 * Chromium: CHROMIUM_PATH or /usr/bin/chromium (.ci/run installs it). Missing, the test is
 * skipped on a developer's machine and FAILS under CI=true.
 */
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const available = fs.existsSync(executablePath);
const SCREENSHOTS = path.resolve(__dirname, '../../.data/screenshots');
const TITLE = 'Invoice totals off by a cent <img src=x onerror=alert(1)>';

(available || process.env['CI'] === 'true' ? describe : describe.skip)('reviewer console in a browser', () => {
  let h: PipelineHarness;
  let server: ReturnType<typeof createAdaptorServer>;
  let base: string;
  let browser: Browser;
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`no chromium at ${executablePath}: .ci/run installs Debian's chromium (apt-get install chromium); or set CHROMIUM_PATH`);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    h = await startPipelineHarness();
    server = createAdaptorServer({ fetch: h.fetch });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Root in CI: Chromium's own sandbox needs user namespaces it may not get there.
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
    await h?.close();
    process.stdout.write(`[console-browser] screenshots in ${SCREENSHOTS}\n`);
  });

  async function newPage(): Promise<Page> {
    // A laptop screen.
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  }

  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  // Browser-side code is given as text: the project's TypeScript has no DOM library.
  const inBrowser = <T>(page: Page, expression: string) => page.evaluate<T>(expression);
  const focusedId = (page: Page) => inBrowser<string | undefined>(page, 'document.activeElement && document.activeElement.id');

  /** Every visible form control has a label; the page fits the screen's width. */
  async function expectAccessible(page: Page) {
    const unlabelled = await inBrowser<string[]>(
      page,
      "[...document.querySelectorAll('input, textarea, select')].filter((e) => e.type !== 'hidden' && e.labels.length === 0).map((e) => e.outerHTML)",
    );
    expect(unlabelled).toEqual([]);
    expect(await inBrowser<boolean>(page, 'document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    expect(await inBrowser<string>(page, 'document.documentElement.lang')).toBe('en');
  }

  it('signs in, approves the waiting plan from the inbox and watches the issue complete live', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ planApproval: 'required', finalApproval: 'never' });
    const { key: alice } = await issueApiKey(h.db.db, organizationId, 'alice laptop', { scopes: ['review'], reviewerUserId: REVIEWER });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const issue = await h.submit(apiKey, { title: TITLE });
    await h.waitFor(apiKey, issue.id, (view) => view.pending?.kind === 'approval');

    // Signed out, the inbox sends us to sign in; the keyboard alone signs in (Tab to the field, type, Enter).
    const page = await newPage();
    await page.goto(`${base}/console/inbox`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await shoot(page, '1-sign-in');
    await expectAccessible(page);
    await inBrowser(page, 'document.activeElement && document.activeElement.blur()');
    for (let presses = 0; presses < 10 && (await focusedId(page)) !== 'key'; presses++) await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('key');
    await page.keyboard.type(alice);
    await Promise.all([page.waitForURL(`${base}/console/inbox`), page.keyboard.press('Enter')]);

    // The inbox shows the waiting approval.
    const row = page.locator(`#inbox tr[data-id="${issue.id}"]`);
    await expect(row.textContent()).resolves.toContain('Plan approval');
    expect(await row.locator('a').textContent()).toBe(TITLE);
    await shoot(page, '2-inbox');
    await expectAccessible(page);

    // Open it: the wait, the form, the timeline rendered by the server.
    await Promise.all([page.waitForURL(`${base}/console/issues/${issue.id}`), row.locator('a').click()]);
    expect(await page.locator('#issue-title').textContent()).toBe(TITLE);
    expect(await page.locator('#waiting-heading').textContent()).toContain('Plan approval');
    expect(await page.locator('#timeline li').count()).toBeGreaterThan(0);
    await shoot(page, '3-issue-waiting');
    await expectAccessible(page);

    // Approve with a comment; the page comes back with the live timeline, and no reload happens after that.
    // The code stage's answer waits until the page is following the event stream, so the
    // pipeline is still running when the page has loaded: what it logs next must arrive
    // through the stream, however fast the steps and however slow the page (a busy machine).
    let releaseCode!: () => void;
    h.fake.onTool('submit_change', { ...reply.change(), after: new Promise<void>((resolve) => (releaseCode = resolve)) });
    h.fake.onTool('submit_review', reply.review('approve'));
    await page.getByLabel(/^Comment/).fill('Plan looks right');
    await Promise.all([page.waitForURL(`${base}/console/issues/${issue.id}?done=approve`), page.getByRole('button', { name: 'Approve the plan' }).click()]);
    expect(await page.locator('#notice').textContent()).toContain('Approved');
    await inBrowser(page, 'window.notReloaded = true');
    await page.locator('#live-state', { hasText: 'Live: following' }).waitFor();
    releaseCode();
    await page.locator('#issue-status', { hasText: 'completed' }).waitFor({ timeout: 60_000 });
    expect(await inBrowser<boolean>(page, 'window.notReloaded === true')).toBe(true);
    expect(await page.locator('#timeline li.new').count()).toBeGreaterThan(0); // appended from the event stream
    await page.locator('#live-state', { hasText: 'ended' }).waitFor();
    await shoot(page, '4-issue-completed-live');
    expect(await h.get(apiKey, issue.id)).toMatchObject({ status: 'completed', decisions: [{ gate: 'plan', decision: 'approve', reviewer: REVIEWER, comment: 'Plan looks right' }] });

    // The page says it is behind; reloaded, it shows the change the code stage made.
    await Promise.all([page.waitForURL(`${base}/console/issues/${issue.id}`), page.locator('#stale-notice a').click()]);
    expect(await page.locator('#diff pre.diff').textContent()).toContain('+    total += line.quantity * line.unitPriceCents;');
    expect(await page.locator('#people').textContent()).toContain('approve by alice');
    await shoot(page, '5-issue-completed');

    // The issue's trackingUrl opens this page.
    const trackingUrl = new URL((await h.get(apiKey, issue.id)).trackingUrl);
    await page.goto(`${base}${trackingUrl.pathname}`);
    expect(await page.locator('#issue-status').textContent()).toBe('completed');
    expect(dialogs).toEqual([]); // the hostile title never ran
    expect(allRepliesUsed(h.fake)).toBe(true);
    h.fake.reset();
  });

  it('settles a skill run\'s question and review from the inbox', async () => {
    const { organizationId, apiKey } = await h.newOrganization();
    const { key: alice } = await issueApiKey(h.db.db, organizationId, 'alice laptop', { scopes: ['review'], reviewerUserId: REVIEWER });
    expect((await h.post(apiKey, '/api/skills', { source: customSkill('deal-summary', '1.0.0', { errorHandling: true }) })).status).toBe(201);
    expect((await h.post(apiKey, '/api/personas', { slug: 'sales-analyst', name: 'Sales Analyst', systemPrompt: 'You summarise deals.', allowedSkills: ['deal-summary'] })).status).toBe(201);
    h.fake.onTool(
      'submit_output',
      { calls: [{ name: 'request_info', input: { question: 'Which currency is <b>the deal</b> in?' } }] },
      { calls: [{ name: 'flag_for_review', input: { reason: 'The deal is 10x its usual size' } }] },
      { tool: 'submit_output', input: { summary: 'Won: 80k EUR' } },
    );
    const started = await h.post(apiKey, '/api/skills/deal-summary/invoke', { persona: 'sales-analyst', input: { dealId: 'd-7' } });
    expect(started.status).toBe(202);
    const id = started.body['id'] as string;
    const liveStatus = async () => ((await h.getJson(apiKey, `/api/invocations/${id}`)) as { liveStatus: string | null }).liveStatus;
    await eventually(liveStatus, (status) => status === 'awaiting_input', 30_000);

    const page = await newPage();
    await page.goto(`${base}/console/sign-in`);
    await page.getByLabel(/Personal API key/).fill(alice);
    await Promise.all([page.waitForURL(`${base}/console/inbox`), page.getByRole('button', { name: 'Sign in' }).click()]);
    const row = page.locator(`#inbox tr[data-id="${id}"]`);
    await expect(row.textContent()).resolves.toContain('Answer to a question');
    await Promise.all([page.waitForURL(`${base}/console/invocations/${id}`), row.locator('a').click()]);
    expect(await page.locator('#request-prompt').textContent()).toBe('Which currency is <b>the deal</b> in?');
    await shoot(page, '7-skill-run-question');
    await expectAccessible(page);
    await page.getByLabel('Your answer').fill('EUR');
    await Promise.all([page.waitForURL(`${base}/console/invocations/${id}?done=invocation_answer`), page.getByRole('button', { name: 'Send the answer' }).click()]);
    expect(await page.locator('#notice').textContent()).toContain('Answer sent');

    await eventually(liveStatus, (status) => status === 'awaiting_review', 30_000);
    await page.goto(`${base}/console/invocations/${id}`);
    expect(await page.locator('#waiting-heading').textContent()).toContain('Review of a skill run');
    await page.getByLabel(/^Comment/).fill('Checked with sales: it is real');
    await Promise.all([page.waitForURL(`${base}/console/invocations/${id}?done=invocation_approve`), page.getByRole('button', { name: /^Approve/ }).click()]);
    const ended = await eventually(() => h.getJson(apiKey, `/api/invocations/${id}`) as Promise<Record<string, unknown>>, (view) => view['status'] === 'completed', 30_000);
    expect(ended).toMatchObject({
      output: { summary: 'Won: 80k EUR' },
      requests: [
        { kind: 'question', status: 'answered', respondedBy: REVIEWER, response: 'EUR' },
        { kind: 'review', status: 'approved', respondedBy: REVIEWER, response: 'Checked with sales: it is real' },
      ],
    });
    await page.goto(`${base}/console/invocations/${id}`);
    expect(await page.locator('#invocation-output').textContent()).toContain('Won: 80k EUR');
    await shoot(page, '8-skill-run-completed');
    expect(dialogs).toEqual([]);
    expect(allRepliesUsed(h.fake)).toBe(true);
    h.fake.reset();
  });

  it('shows admins the queue, the kill switch and recent failures', async () => {
    const { organizationId } = await h.newOrganization();
    const { key: olivia } = await issueApiKey(h.db.db, organizationId, 'olivia laptop', { scopes: ['admin'], reviewerUserId: 'olivia' });
    const page = await newPage();
    await page.goto(`${base}/console/sign-in`);
    await page.getByLabel(/Personal API key/).fill(olivia);
    await Promise.all([page.waitForURL(`${base}/console/inbox`), page.getByRole('button', { name: 'Sign in' }).click()]);
    await Promise.all([page.waitForURL(`${base}/console/admin`), page.getByRole('link', { name: 'Admin' }).click()]);
    expect(await page.locator('#paused-state').textContent()).toContain('Running');
    await page.getByLabel(/^Reason/).fill('deploying the ERP');
    await Promise.all([page.waitForURL(`${base}/console/admin?done=pause`), page.getByRole('button', { name: 'Pause' }).click()]);
    expect(await page.locator('#paused-state').textContent()).toContain('Paused');
    await shoot(page, '6-admin');
    await expectAccessible(page);
    await Promise.all([page.waitForURL(`${base}/console/admin?done=resume`), page.getByRole('button', { name: 'Resume' }).click()]);
    expect(await page.locator('#paused-state').textContent()).toContain('Running');
  });
});
