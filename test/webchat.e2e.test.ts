import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp, type HearlineApp } from '../src/app';
import { loadConfig } from '../src/config';
import { PromptCatalog } from '../src/i18n/prompt-catalog';
import { createLogger } from '../src/logging/logger';
import { findProjectRoot } from '../src/util/project-root';

/**
 * The customer's view: the official Web Chat bundle in Debian's Chromium, talking to the whole
 * Hearline app over Direct Line (token, conversation, WebSocket stream). Needs
 * `apt-get install chromium fonts-wqy-microhei`.
 */

const root = findProjectRoot();
const prompts = PromptCatalog.load(path.join(root, 'prompts'));
const ARTIFACTS = path.join(root, 'test-artifacts');
const TRACKING_CODE = /HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/;
/** Longest wait for any one thing to appear on the page. */
const WAIT_MS = 20_000;
const CHROMIUM = '/usr/bin/chromium';

jest.setTimeout(120_000);

describe('web chat in Chromium', () => {
  let dataDir: string;
  let app: HearlineApp | undefined;
  let url: string;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    // Without a Chinese font the screenshot shows empty boxes where the conversation should be.
    if (!spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).stdout?.trim()) {
      throw new Error('no Chinese font for Chromium: apt-get install -y fonts-wqy-microhei (or fonts-noto-cjk)');
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-webchat-'));
    app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }), { logger: createLogger('silent') });
    const server: Server = await app.listen();
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: WAIT_MS,
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function newPage(locale: string): Promise<{ page: Page; problems: string[] }> {
    if (!browser) throw new Error('browser did not start');
    const context = await browser.newContext({ locale, viewport: { width: 560, height: 1100 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    // Anything the Content-Security-Policy blocks, or any uncaught error, fails the test.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    return { page, problems };
  }

  it('takes a Chinese complaint to a tracking code, choosing the confirmation with a click', async () => {
    const { page, problems } = await newPage('zh-CN');
    const tokenResponse = page.waitForResponse((res) => res.url() === `${url}/api/directline/token`);
    const response = await page.goto(`${url}/`);
    expect(response?.status()).toBe(200);
    expect((await tokenResponse).status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('#hl-title').textContent()).toBe(app?.config.webChat.title);

    const sendBox = page.locator('[data-id="webchat-sendbox-input"]');
    await sendBox.waitFor({ state: 'visible' });
    // The greeting's menu shows the conversation is up before the customer types.
    await page.getByRole('toolbar').getByRole('button', { name: prompts.text('zh-CN', 'main.menu.complaint'), exact: true }).waitFor();

    await sendBox.fill('订单123456的快递三天没到，我要退款');
    await sendBox.press('Enter');
    await page.getByText(prompts.text('zh-CN', 'intake.askContact'), { exact: true }).filter({ visible: true }).last().waitFor();

    await sendBox.fill('13812345678');
    await sendBox.press('Enter');
    // Suggested actions sit in Web Chat's toolbar (a screen-reader live region repeats them, hidden).
    const confirm = page.getByRole('toolbar').getByRole('button', { name: prompts.text('zh-CN', 'intake.confirmChoice'), exact: true });
    await confirm.waitFor();
    await confirm.click();

    const codeOnPage = page.getByText(TRACKING_CODE).filter({ visible: true }).last();
    await codeOnPage.waitFor({ state: 'visible' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-zh-complaint.png') });

    expect(await codeOnPage.isVisible()).toBe(true);
    const code = TRACKING_CODE.exec((await codeOnPage.textContent()) ?? '')?.[0] ?? '';
    expect(code).toMatch(TRACKING_CODE);
    expect(await page.getByText('订单123456的快递三天没到，我要退款', { exact: true }).filter({ visible: true }).count()).toBeGreaterThan(0);
    const complaint = await app?.store.complaints.findByCode(code);
    expect(complaint).toMatchObject({ code, locale: 'zh-CN', orderRef: '123456', remedy: 'refund' });
    expect(problems).toEqual([]);
  });

  it('says so in the customer\'s language when no token can be had, and retries on request', async () => {
    const { page, problems } = await newPage('en-US');
    let refusals = 0;
    await page.route(`${url}/api/directline/token`, async (route) => {
      refusals += 1;
      await route.fulfill({ status: 429, contentType: 'application/json', body: '{"error":{"code":"RATE_LIMITED","message":"slow down"}}' });
    });
    await page.goto(`${url}/`);
    const alert = page.getByRole('alert').filter({ hasText: prompts.text('en-US', 'webchat.tokenError') });
    await alert.waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en-US');
    expect(await page.locator('[data-id="webchat-sendbox-input"]').count()).toBe(0);
    expect(refusals).toBe(1);

    await page.unroute(`${url}/api/directline/token`);
    await page.getByRole('button', { name: prompts.text('en-US', 'webchat.retry'), exact: true }).click();
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor({ state: 'visible' });
    expect(await alert.isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('adds a chat bubble to another site with one script tag and opens the chat in a frame', async () => {
    const { page, problems } = await newPage('zh-CN');
    // Another server on another port stands in for a customer's own website (a real local server:
    // Chromium lets only local pages load scripts from loopback addresses).
    const shop = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1><script src="${url}/embed.js" data-locale="en-US"></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', () => resolve()));
    try {
      const address = shop.address();
      await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);

      const bubble = page.getByRole('button', { name: prompts.text('en-US', 'webchat.openChat') });
      await bubble.waitFor();
      expect(await bubble.getAttribute('aria-expanded')).toBe('false');
      expect(await page.locator('iframe').count()).toBe(0);
      await bubble.click();

      const close = page.getByRole('button', { name: prompts.text('en-US', 'webchat.closeChat') });
      expect(await close.getAttribute('aria-expanded')).toBe('true');
      const frameElement = page.locator('#hearline-chat-panel iframe');
      expect(await frameElement.getAttribute('src')).toBe(`${url}/?embed=1&locale=en-US`);
      expect(await frameElement.getAttribute('title')).toBe(prompts.text('en-US', 'webchat.chatWindow'));

      const frame = page.frameLocator('#hearline-chat-panel iframe');
      await frame.locator('[data-id="webchat-sendbox-input"]').waitFor({ state: 'visible' });
      // A list item of the greeting shows the framed page reached the bot, in the locale the tag
      // asked for (the first line would do, but Web Chat's Markdown curls its apostrophe).
      const greetingItem = (prompts.text('en-US', 'main.greeting').split('\n')[1] ?? '').replace(/^- /, '');
      await frame.getByText(greetingItem, { exact: true }).filter({ visible: true }).first().waitFor();
      expect(await frame.locator('html').getAttribute('lang')).toBe('en-US');
      expect(await frame.locator('#hl-title').isHidden()).toBe(true);

      await close.click();
      expect(await page.locator('#hearline-chat-panel').isHidden()).toBe(true);
      expect(await bubble.getAttribute('aria-expanded')).toBe('false');
      expect(problems).toEqual([]);
    } finally {
      shop.closeAllConnections();
      await new Promise<void>((resolve) => shop.close(() => resolve()));
    }
  });
});
