import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp, type HearlineApp } from '../src/app';
import { loadConfig } from '../src/config';
import { PromptCatalog } from '../src/i18n/prompt-catalog';
import { createLogger } from '../src/logging/logger';
import { StoreKnowledgeGaps } from '../src/services/knowledge/knowledge-gaps';
import { findProjectRoot } from '../src/util/project-root';
import { say, startChat } from './support/server-process';

/**
 * The content editor's view, in Debian's Chromium: an editor made with `bin/hearline user add`
 * signs in, changes an article's answer, publishes, and the bot answers with the new text at
 * once, without a restart. Then a real question from the gaps view becomes an example question.
 */

const root = findProjectRoot();
const prompts = PromptCatalog.load(path.join(root, 'prompts'));
const ARTIFACTS = path.join(root, 'test-artifacts');
const WAIT_MS = 20_000;
const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'correct horse battery staple';
const en = (key: string, vars?: Record<string, string | number>) => prompts.text('en-US', `editor.${key}`, vars);

jest.setTimeout(180_000);

describe('knowledge editor in Chromium', () => {
  let dataDir: string;
  let app: HearlineApp | undefined;
  let url: string;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    if (!spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).stdout?.trim()) {
      throw new Error('no Chinese font for Chromium: apt-get install -y fonts-wqy-microhei (or fonts-noto-cjk)');
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-editor-e2e-'));

    // The editor account, made the documented way: the CLI, password on stdin, fresh DATA_DIR.
    const added = spawnSync(path.join(root, 'bin', 'hearline'), ['user', 'add', '--name', 'edith', '--role', 'editor'], {
      cwd: root,
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      timeout: 120_000,
    });
    if (added.status !== 0) throw new Error(`hearline user add failed (${added.status}): ${added.stderr}`);
    expect(added.stdout).toBe('added edith (editor)\n');

    app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }), { logger: createLogger('silent') });
    const address = (await app.listen()).address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: WAIT_MS,
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 1300 } });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    // Anything the Content-Security-Policy blocks, or any uncaught error, fails the test.
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in, edits an article, publishes, and the bot answers with the new text without a restart', async () => {
    if (!app) throw new Error('app did not start');
    const question = 'Are you open on weekends?';
    const before = await startChat(url, { locale: 'en-US' });
    expect((await say(url, before, question)).join('\n')).not.toContain('Hearline e2e');

    // The editor page sends a signed-out browser to the sign-in page and back.
    await page.goto(`${url}/editor`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('html').getAttribute('lang')).toBe('en-US');
    await page.getByLabel(prompts.text('en-US', 'auth.name')).fill('edith');
    await page.getByLabel(prompts.text('en-US', 'auth.password')).fill(PASSWORD);
    await page.getByRole('button', { name: prompts.text('en-US', 'auth.submit') }).click();
    await page.waitForURL(`${url}/editor`);
    await page.getByRole('heading', { name: en('heading') }).waitFor();

    // Find the article: language and search filters.
    await page.locator('#hl-f-locale').selectOption('en-US');
    await page.locator('#hl-f-q').fill('opening');
    await page.locator('#hl-articles').getByRole('button', { name: 'opening-hours', exact: true }).click();
    await page.getByRole('heading', { name: /opening-hours \(en-US\)/ }).waitFor();

    const body = page.locator('#hl-e-body');
    const newAnswer = 'Hearline e2e: our agents now answer **around the clock**, every day of the year.';
    await body.fill(newAnswer);
    // The live preview renders the Markdown as the chat would show it.
    await page.locator('#hl-preview-chat strong', { hasText: 'around the clock' }).waitFor();
    await page.locator('#hl-e-comment').fill('24/7 service from the e2e test');

    // An invalid change is refused inline, field by field, and nothing is published.
    const questions = page.locator('#hl-e-questions');
    const originalQuestions = await questions.inputValue();
    await questions.fill('only one question');
    await page.locator('.hl-field-error[data-field="questions"]', { hasText: 'needs at least 3 example questions' }).waitFor();
    await questions.fill(originalQuestions);
    await page.locator('.hl-field-error[data-field="questions"]').waitFor({ state: 'hidden' });

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'editor-edit.png'), fullPage: true });

    await page.getByRole('button', { name: en('publish'), exact: true }).click();
    await page.locator('#hl-message').filter({ hasText: en('published', { version: 1 }) }).waitFor();

    // Same server, no restart: a new conversation gets the new answer.
    const after = await startChat(url, { locale: 'en-US' });
    expect((await say(url, after, question)).join('\n')).toContain(newAnswer);

    // The history shows the new version with its author and comment.
    await page.locator('#hl-history-list li[data-version="1"]', { hasText: 'edith' }).waitFor();
    expect(await page.locator('#hl-history-list li[data-version="1"]').textContent()).toContain('24/7 service from the e2e test');

    // Try a question: the decision and the ranked articles with scores.
    await page.getByRole('tab', { name: en('tabs.try') }).click();
    await page.locator('#hl-t-locale').selectOption('en-US');
    await page.locator('#hl-t-question').fill(question);
    await page.getByRole('button', { name: en('try.ask') }).click();
    await page.locator('#hl-t-ranked tbody tr').first().waitFor();
    expect(await page.locator('#hl-t-ranked tbody tr').first().locator('td').first().textContent()).toBe('opening-hours');
    expect(problems).toEqual([]);
  });

  it('shows gaps grouped by similarity and adds one as an example question in one click', async () => {
    if (!app) throw new Error('app did not start');
    const gaps = new StoreKnowledgeGaps({ documents: app.store.documents, onError: (error) => { throw error; } });
    const at = new Date().toISOString();
    await gaps.record({ locale: 'zh-CN', question: '春节期间客服上班吗', reason: 'low_confidence', channel: 'directline', at });
    await gaps.record({ locale: 'zh-CN', question: '春节期间人工客服上班吗', reason: 'not_helpful', articleId: 'opening-hours', confidence: 0.31, channel: 'directline', at });
    await gaps.record({ locale: 'zh-CN', question: '可以用比特币付款吗', reason: 'low_confidence', channel: 'wechat', at });

    await page.getByRole('tab', { name: en('tabs.gaps') }).click();
    await page.locator('#hl-g-locale').selectOption('zh-CN');
    const group = page.locator('.hl-gap-group').filter({ hasText: en('gaps.count', { count: 2 }) });
    await group.waitFor();
    expect(await page.locator('.hl-gap-group').count()).toBe(2);
    const row = group.locator('.hl-gap').filter({ hasText: '春节期间客服上班吗' });
    expect(await row.locator('select').inputValue()).toBe('opening-hours');
    await page.screenshot({ path: path.join(ARTIFACTS, 'editor-gaps.png'), fullPage: true });

    await row.getByRole('button', { name: en('gaps.add') }).click();
    await page.locator('#hl-message').filter({ hasText: en('gaps.added', { id: 'opening-hours', version: 1 }) }).waitFor();
    await page.locator('.hl-gap', { hasText: '春节期间客服上班吗' }).waitFor({ state: 'detached' });
    expect(app.liveKnowledge.getArticle('opening-hours', 'zh-CN')?.questions).toContain('春节期间客服上班吗');

    // Switching the page to Chinese relabels it without a reload.
    await page.locator('#hl-lang-zh').click();
    await page.getByRole('tab', { name: prompts.text('zh-CN', 'editor.tabs.gaps') }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(problems).toEqual([]);
  });
});
