import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp, type HearlineApp } from '../src/app';
import { loadConfig } from '../src/config';
import { PromptCatalog } from '../src/i18n/prompt-catalog';
import { createLogger } from '../src/logging/logger';
import { findProjectRoot } from '../src/util/project-root';

/**
 * Both sides of a handoff in Debian's Chromium, two browser contexts on one Hearline: a customer
 * in Web Chat gets angry (no "转人工": the emotion detector and the escalation policy decide), the
 * agent console (agent made with `bin/hearline user add`) shows the conversation live with its
 * packet, the agent claims and replies, the customer sees the reply and answers, the agent
 * returns the conversation to the bot, and the bot answers the customer's next message.
 * Saves test-artifacts/agent-console.png and agent-customer.png.
 */

const root = findProjectRoot();
const prompts = PromptCatalog.load(path.join(root, 'prompts'));
const ARTIFACTS = path.join(root, 'test-artifacts');
const WAIT_MS = 20_000;
const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'correct horse battery staple';
const ANGRY = '你们这是什么破服务！！！气死我了';
const en = (key: string, vars?: Record<string, string | number>) => prompts.text('en-US', `agent.${key}`, vars);
const zh = (key: string, vars?: Record<string, string | number>) => prompts.text('zh-CN', key, vars);

jest.setTimeout(180_000);

describe('agent console and web chat in Chromium', () => {
  let dataDir: string;
  let app: HearlineApp | undefined;
  let url: string;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    if (!spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).stdout?.trim()) {
      throw new Error('no Chinese font for Chromium: apt-get install -y fonts-wqy-microhei (or fonts-noto-cjk)');
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-agent-e2e-'));

    // The agent account, made the documented way: the CLI, password on stdin, fresh DATA_DIR.
    const added = spawnSync(path.join(root, 'bin', 'hearline'), ['user', 'add', '--name', 'arthur', '--role', 'agent'], {
      cwd: root,
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      timeout: 120_000,
    });
    if (added.status !== 0) throw new Error(`hearline user add failed (${added.status}): ${added.stderr}`);
    expect(added.stdout).toBe('added arthur (agent)\n');

    app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }), { logger: createLogger('silent') });
    const address = (await app.listen()).address();
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

  async function newPage(locale: string, viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
    if (!browser) throw new Error('browser did not start');
    const context = await browser.newContext({ locale, viewport });
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

  /** Waits until the customer's Web Chat shows `text` as a whole message (or paragraph). */
  const shown = (page: Page, text: string) => page.getByText(text, { exact: true }).filter({ visible: true }).last().waitFor();

  it('hands an angry web-chat customer to the agent and back to the bot', async () => {
    if (!app) throw new Error('app did not start');

    // The agent signs in (a signed-out browser is sent to the sign-in page and back) and goes online.
    const { page: agent, problems: agentProblems } = await newPage('en-US', { width: 1440, height: 1200 });
    await agent.goto(`${url}/agent`);
    expect(new URL(agent.url()).pathname).toBe('/login');
    await agent.getByLabel(prompts.text('en-US', 'auth.name')).fill('arthur');
    await agent.getByLabel(prompts.text('en-US', 'auth.password')).fill(PASSWORD);
    await agent.getByRole('button', { name: prompts.text('en-US', 'auth.submit') }).click();
    await agent.waitForURL(`${url}/agent`);
    await agent.getByRole('heading', { name: en('heading') }).waitFor();
    await agent.locator('#hl-live', { hasText: en('live.connected') }).waitFor();
    await agent.getByRole('button', { name: en('presence.goOnline') }).click();
    await agent.locator('#hl-presence-state', { hasText: en('presence.online') }).waitFor();
    expect(await app.handoffDesk.onlineAgents()).toEqual([{ name: 'arthur', locales: ['zh-CN', 'en-US'], skills: ['general'] }]);

    // The customer opens the chat and loses their temper: the bot hands them to a person.
    const { page: customer, problems: customerProblems } = await newPage('zh-CN', { width: 560, height: 1100 });
    await customer.goto(`${url}/`);
    const sendBox = customer.locator('[data-id="webchat-sendbox-input"]');
    await sendBox.waitFor({ state: 'visible' });
    await customer.getByRole('toolbar').getByRole('button', { name: zh('main.menu.complaint'), exact: true }).waitFor();
    await sendBox.fill(ANGRY);
    await sendBox.press('Enter');
    await shown(customer, zh('human.escalateUpset'));
    const [record] = await app.handoffDesk.queue();
    expect(record).toMatchObject({ channel: 'directline', locale: 'zh-CN', state: 'queued', reasons: expect.arrayContaining(['strong_emotion']) });
    if (!record) throw new Error('nothing queued');

    // The console shows it live (no reload): emotion, language, channel; opening it shows the packet.
    const row = agent.locator(`#hl-queue tbody tr[data-key="${record.key}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe(en('locale.zhCN'));
    expect(await row.locator('td').nth(2).textContent()).toBe('directline');
    expect(await row.locator('td').nth(5).textContent()).toMatch(new RegExp(`^${en('emotion.anger')} \\d+%$`));
    await row.getByRole('button').click();
    const packet = agent.locator('#hl-packet-body');
    await packet.getByText(record.packet.summary, { exact: true }).waitFor();
    expect(record.packet.summary).toContain(zh('handoff.emotion.anger'));
    await packet.locator('.hl-reasons li', { hasText: prompts.text('en-US', 'handoff.reason.strong_emotion') }).first().waitFor();
    await packet.locator('.hl-transcript li', { hasText: ANGRY }).waitFor();
    await packet.locator('.hl-emotions li', { hasText: en('emotion.anger') }).waitFor();
    await packet.locator('.hl-fields dd', { hasText: en(`priority.${record.priority}`) }).first().waitFor();
    expect(await packet.textContent()).not.toContain('[object');

    // Claim: the customer is told who has them.
    await agent.getByRole('button', { name: en('actions.claim') }).click();
    await agent.locator('#hl-c-state', { hasText: en('state.assigned') }).waitFor();
    await shown(customer, zh('agent.customer.claimed', { agent: 'arthur' }));

    // A canned reply from the knowledge base fills the box; the agent writes their own instead.
    await agent.getByLabel(en('canned.search')).fill('退款');
    await agent.locator('#hl-canned button').first().click();
    expect((await agent.locator('#hl-reply-text').inputValue()).length).toBeGreaterThan(10);
    const reply = '非常抱歉让您这么生气，我是人工客服，您的情况我都看到了，马上为您处理。';
    await agent.getByLabel(en('reply.label')).fill(reply);
    await agent.getByRole('button', { name: en('reply.send') }).click();
    await shown(customer, reply);

    // The customer answers: the bot stays silent, the agent sees it live.
    const answer = '订单778812，冰箱三天就坏了，我要换货';
    await sendBox.fill(answer);
    await sendBox.press('Enter');
    await agent.locator('#hl-messages li.hl-line-customer', { hasText: answer }).waitFor();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await agent.screenshot({ path: path.join(ARTIFACTS, 'agent-console.png'), fullPage: true });

    // Back to the bot: the customer is told, and the bot answers their next message.
    await agent.getByRole('button', { name: en('actions.return') }).click();
    await agent.locator('#hl-c-state', { hasText: en('state.bot') }).waitFor();
    await shown(customer, zh('agent.customer.backToBot'));
    expect(await customer.getByText(zh('main.thanks'), { exact: true }).count()).toBe(0);
    await sendBox.fill('好的，谢谢');
    await sendBox.press('Enter');
    await shown(customer, zh('main.thanks'));
    await customer.screenshot({ path: path.join(ARTIFACTS, 'agent-customer.png') });

    expect(await app.handoffDesk.stateOf(record.key)).toBe('bot');
    expect(agentProblems).toEqual([]);
    expect(customerProblems).toEqual([]);
  });
});
