import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type HearlineApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logging/logger';
import { RuleBasedClassifier, type ComplaintClassifier } from '../services/complaints/classifier';
import type { KnowledgeDecision, KnowledgeService } from '../services/knowledge/knowledge-service';
import { DialogsComponentRegistration } from 'botbuilder-dialogs/lib/dialogsComponentRegistration';
import type { OutboundReply } from './activity';

/** Counts how many questions are being answered at once. */
class OverlapCountingKnowledge implements KnowledgeService {
  inFlight = 0;
  maxInFlight = 0;

  async ask(): Promise<KnowledgeDecision> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 15));
    this.inFlight -= 1;
    return { kind: 'none', ranked: [] };
  }

  getArticle() {
    return undefined;
  }
}

/** Fails the classifications whose 1-based call numbers are listed (the intake previews once, then records). */
class FlakyClassifier implements ComplaintClassifier {
  private readonly inner = new RuleBasedClassifier();
  private calls = 0;

  constructor(private readonly failingCalls: number[]) {}

  classify(...args: Parameters<ComplaintClassifier['classify']>) {
    this.calls += 1;
    if (this.failingCalls.includes(this.calls)) throw new Error('injected classifier failure');
    return this.inner.classify(...args);
  }
}

const texts = (replies: OutboundReply[]) => replies.flatMap((reply) => (reply.type === 'message' ? [reply.text] : []));

describe('BotCore', () => {
  const dirs: string[] = [];
  const apps: HearlineApp[] = [];

  async function app(deps: Parameters<typeof createApp>[1] = {}): Promise<HearlineApp> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-core-'));
    dirs.push(dataDir);
    const created = await createApp(loadConfig({ DATA_DIR: dataDir }), { logger: createLogger('silent'), ...deps });
    apps.push(created);
    return created;
  }

  afterAll(async () => {
    for (const created of apps) await created.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never runs two turns of one conversation at once, but runs different conversations together', async () => {
    const knowledge = new OverlapCountingKnowledge();
    const hearline = await app({ knowledge });
    const ask = (conversationId: string) =>
      hearline.gateway.process({ type: 'message', channel: 'test', conversationId, userId: 'u', text: 'what is the meaning of life' });
    await Promise.all([ask('same'), ask('same'), ask('same'), ask('same')]);
    expect(knowledge.maxInFlight).toBe(1);
    knowledge.maxInFlight = 0;
    await Promise.all([ask('one'), ask('two'), ask('three')]);
    expect(knowledge.maxInFlight).toBeGreaterThan(1);
  });

  async function toConfirmation(hearline: HearlineApp, conversationId: string) {
    const send = (text: string) => hearline.gateway.process({ type: 'message', channel: 'test', conversationId, userId: 'flaky-user', text });
    await send('订单123456的快递三天没到，我要退款');
    const summary = texts(await send('13812345678'));
    expect(summary[0]).toMatch(/^请确认您的投诉信息/);
    return send;
  }

  it('apologises for a failed turn, offers a person, and keeps the step', async () => {
    const hearline = await app({ classifier: new FlakyClassifier([2]) });
    const send = await toConfirmation(hearline, 'flaky-once');
    const failed = await send('确认提交');
    expect(texts(failed)).toEqual(['非常抱歉，系统刚才出了点问题，您已经告诉我的信息没有丢失。请再发送一次，或者输入“转人工”由同事为您处理。']);
    expect(failed[0]?.type === 'message' && failed[0].choices).toEqual(['转人工']);
    const retried = texts(await send('确认提交'));
    expect(retried[0]).toMatch(/^您的投诉已登记，查询码是 \*\*HL-/);
    expect(await hearline.store.complaints.listByUser('flaky-user', 10)).toHaveLength(1);
  });

  it('clears the dialog after a second failure in a row, so the customer is not stuck', async () => {
    const hearline = await app({ classifier: new FlakyClassifier([2, 3]) });
    const send = await toConfirmation(hearline, 'flaky-twice');
    await send('确认提交');
    expect(texts(await send('确认提交'))[0]).toMatch(/^非常抱歉，系统刚才出了点问题/);
    const after = texts(await send('我要投诉'));
    expect(after).toEqual(['非常抱歉给您带来了不好的体验，我来帮您登记投诉，之后会有专人跟进。', '请您描述一下发生了什么：什么商品或服务、什么时候、经过如何。']);
  });

  it('rejects an activity that does not fit the Activity shape', async () => {
    const hearline = await app();
    await expect(hearline.gateway.process({ type: 'message', channel: 'Bad Channel!', conversationId: 'c', userId: 'u', text: 'hi' })).rejects.toThrow();
  });

  it('builds the dialog memory scopes once, not on every turn', async () => {
    const hearline = await app();
    const turn = (text: string) => hearline.gateway.process({ type: 'message', channel: 'test', conversationId: 'memory', userId: 'u', text });
    expect(texts(await turn('我要投诉')).length).toBeGreaterThan(0);
    const built = jest.spyOn(DialogsComponentRegistration.prototype, 'getMemoryScopes');
    try {
      expect(texts(await turn('耳机用了一周左耳就没声音了')).length).toBeGreaterThan(0);
      expect(texts(await turn('没有')).length).toBeGreaterThan(0);
      expect(built).not.toHaveBeenCalled();
    } finally {
      built.mockRestore();
    }
  });
});
