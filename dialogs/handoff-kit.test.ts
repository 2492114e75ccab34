import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type HearlineApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/logger';
import type { EmotionReading } from '../src/services/escalation/escalation-policy';
import type { KnowledgeArticle, KnowledgeDecision, KnowledgeService } from '../src/services/knowledge/knowledge-service';
import { ManualClock } from '../src/util/clock';
import { sampleComplaint } from '../test/support/complaint-fixture';

const warranty: KnowledgeArticle = {
  id: 'warranty',
  locale: 'zh-CN',
  title: '保修政策',
  questions: ['保修多久', '怎么保修', '保修期'],
  tags: [],
  category: 'after_sales',
  voice: '保修一年。',
  actions: ['offer_complaint', 'offer_human'],
  updated: '2026-11-23',
  owner: 'kb',
  body: '保修一年。',
};

class OneArticle implements KnowledgeService {
  async ask(question: string): Promise<KnowledgeDecision> {
    return question.includes('保修') ? { kind: 'answer', article: warranty, confidence: 0.9, ranked: [] } : { kind: 'none', ranked: [] };
  }
  getArticle() {
    return warranty;
  }
}

/** Anger when the text says 气, otherwise calm: enough to see readings travel into the packet. */
const emotions = {
  detect: (text: string): EmotionReading => (text.includes('气') ? { emotion: 'anger', intensity: 0.9, polarity: -0.8 } : { emotion: 'neutral', intensity: 0, polarity: 0 }),
};

describe('the handoff packet', () => {
  let dataDir: string;
  let hearline: HearlineApp;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-packet-'));
    hearline = await createApp(loadConfig({ DATA_DIR: dataDir }), {
      logger: createLogger('silent'),
      clock: new ManualClock('2026-11-23T02:00:00Z'),
      knowledge: new OneArticle(),
      emotions,
    });
  });

  afterEach(async () => {
    await hearline.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('carries the summary, articles and feedback, emotions, reasons, transcript and earlier complaints', async () => {
    await hearline.store.complaints.create(sampleComplaint({ userId: 'ann', locale: 'zh-CN', description: '上个月的耳机坏了' }));
    await hearline.handoffDesk.heartbeat({ name: 'li', locales: ['zh-CN'], skills: [] });
    const send = (text: string) => hearline.gateway.process({ type: 'message', channel: 'test', conversationId: 'p1', userId: 'ann', text });
    await send('保修多久');
    await send('没解决');
    const handed = await send('气死我了，什么破售后');

    const texts = handed.flatMap((reply) => (reply.type === 'message' ? [reply.text] : []));
    expect(texts[0]).toMatch(/^非常抱歉让您这么着急，这件事我马上请人工同事来处理。\n\n您前面还有 1 位/);
    const record = await hearline.handoffDesk.get('test/p1');
    expect(record).toMatchObject({ state: 'queued', priority: 'high', reasons: ['strong_emotion'] });
    const packet = record!.packet;
    expect(packet.summary).toBe('客户通过 test 联系，转人工原因：情绪激动。客户最后说：“气死我了，什么破售后”。最近一条消息的情绪：愤怒（强度 90%）。知识库回答有 1 次没有帮上忙。此前有 1 条投诉记录。');
    expect(packet.articles).toEqual([{ articleId: 'warranty', title: '保修政策', feedback: 'not_helpful' }]);
    expect(packet.emotions.map((reading) => reading.emotion)).toEqual(['neutral', 'neutral', 'anger']);
    expect(packet.escalation).toEqual([{ code: 'strong_emotion', emotion: 'anger', intensity: 0.9 }]);
    expect(packet.transcript.map((line) => `${line.from}: ${line.text.split('\n')[0]}`)).toEqual([
      'customer: 保修多久',
      'bot: 保修一年。',
      'bot: 这个回答解决您的问题了吗？',
      'customer: 没解决',
      'bot: 抱歉没能帮上忙。我可以帮您把问题登记下来交给专人处理，您不用再重复说一遍；也可以为您转接人工客服。',
      'customer: 气死我了，什么破售后',
    ]);
    expect(packet.earlierComplaints).toEqual([{ code: 'HL-7K3Q-9DXM', status: 'received', createdAt: '2025-03-01T08:00:00.000Z', category: 'logistics', description: '上个月的耳机坏了' }]);
  });

  it('puts the intake draft in the packet when the customer asks for a person mid-way', async () => {
    await hearline.handoffDesk.heartbeat({ name: 'li', locales: ['zh-CN'], skills: [] });
    const send = (text: string) => hearline.gateway.process({ type: 'message', channel: 'test', conversationId: 'p2', userId: 'bo', text });
    await send('订单123456的快递三天没到，我要退款');
    await send('转人工');
    const record = await hearline.handoffDesk.get('test/p2');
    expect(record?.packet.complaint).toEqual({ description: '订单123456的快递三天没到，我要退款', orderRef: '123456', remedy: 'refund' });
    expect(record?.skill).toBe('logistics');
  });
});
