import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type HearlineApp } from '../src/app';
import { loadConfig } from '../src/config';
import type { OutboundReply } from '../src/core/activity';
import { createLogger } from '../src/logging/logger';
import type { KnowledgeGap, KnowledgeGapRecorder } from '../src/services/knowledge/knowledge-gaps';
import type { KnowledgeArticle, KnowledgeDecision, KnowledgeService } from '../src/services/knowledge/knowledge-service';
import { ManualClock } from '../src/util/clock';
import { z } from 'zod';

function article(id: string, title: string, actions: KnowledgeArticle['actions']): KnowledgeArticle {
  return {
    id,
    locale: 'zh-CN',
    title,
    questions: [title, `${title}?`, `${title}呢`],
    tags: [],
    category: 'general',
    voice: `${title}的简短回答。`,
    actions,
    updated: '2026-11-23',
    owner: 'kb-editors',
    body: `${title}的回答。`,
  };
}

const warranty = article('warranty', '保修政策', ['offer_complaint', 'offer_human']);
const hours = article('hours', '营业时间', []);
const refund = article('refund', '退款政策', ['offer_complaint', 'offer_human']);

/** Decides by the question's exact words, so these tests do not depend on a matching engine. */
class ScriptedKnowledge implements KnowledgeService {
  async ask(question: string): Promise<KnowledgeDecision> {
    const ranked = [
      { articleId: 'warranty', title: '保修政策', score: 0.41 },
      { articleId: 'refund', title: '退款政策', score: 0.39 },
    ];
    if (question.includes('保修')) return { kind: 'answer', article: warranty, confidence: 0.93, ranked };
    if (question.includes('营业')) return { kind: 'answer', article: hours, confidence: 0.9, ranked };
    if (question.includes('退')) return { kind: 'clarify', options: [ranked[0]!, ranked[1]!], ranked };
    return { kind: 'none', ranked: question.includes('手机') ? ranked : [] };
  }

  getArticle(id: string) {
    return [warranty, hours, refund].find((candidate) => candidate.id === id);
  }
}

class CapturingGaps implements KnowledgeGapRecorder {
  readonly gaps: KnowledgeGap[] = [];
  async record(gap: KnowledgeGap): Promise<void> {
    this.gaps.push(gap);
  }
}

const texts = (replies: OutboundReply[]) => replies.flatMap((reply) => (reply.type === 'message' ? [reply.text] : []));
const choices = (replies: OutboundReply[]) =>
  replies.flatMap((reply) => (reply.type === 'message' && reply.choices && reply.choices.length > 0 ? [reply.choices] : []));

describe('QuestionDialog', () => {
  let dataDir: string;
  let hearline: HearlineApp;
  let gaps: CapturingGaps;
  let conversation = 0;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-question-'));
    gaps = new CapturingGaps();
    hearline = await createApp(loadConfig({ DATA_DIR: dataDir }), {
      logger: createLogger('silent'),
      clock: new ManualClock(new Date('2026-11-23T08:00:00Z')),
      knowledge: new ScriptedKnowledge(),
      knowledgeGaps: gaps,
    });
  });

  afterEach(async () => {
    await hearline.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function conversationOf(): (text: string) => Promise<OutboundReply[]> {
    conversation += 1;
    const conversationId = `question-${conversation}`;
    return (text) => hearline.gateway.process({ type: 'message', channel: 'test', conversationId, userId: 'u', text });
  }

  async function signals(conversationId: string) {
    const key = `test/conversations/${conversationId}/`;
    const stored = (await hearline.store.documents.read([key])).get(key)?.value;
    return z
      .object({ signals: z.object({ failedAnswers: z.number(), articles: z.array(z.object({ articleId: z.string(), feedback: z.string() })) }).optional() })
      .parse(stored).signals;
  }

  async function failedAnswers(conversationId: string): Promise<number | undefined> {
    return (await signals(conversationId))?.failedAnswers;
  }

  it('reports a question without an answer as a low-confidence gap, with contact details masked', async () => {
    const send = conversationOf();
    const replies = await send('我的手机13812345678怎么绑定会员');
    expect(texts(replies)).toEqual(['抱歉，这个问题我暂时没有找到可靠的答案。我可以帮您登记下来交给同事处理，或者为您转接人工客服。']);
    expect(gaps.gaps).toEqual([
      {
        locale: 'zh-CN',
        question: expect.not.stringContaining('13812345678'),
        reason: 'low_confidence',
        articleId: 'warranty',
        confidence: 0.41,
        channel: 'test',
        at: '2026-11-23T08:00:00.000Z',
      },
    ]);
    expect(gaps.gaps[0]?.question).toMatch(/^我的手机.+怎么绑定会员$/);
  });

  it('does not report words too short to review', async () => {
    await conversationOf()('嗯?');
    expect(gaps.gaps).toEqual([]);
  });

  it('counts each answer that did not help and reports it against the article', async () => {
    const send = conversationOf();
    const answered = await send('保修多久');
    expect(texts(answered)).toEqual(['保修政策的回答。', '这个回答解决您的问题了吗？']);
    expect(choices(answered)).toEqual([['解决了', '没解决']]);
    const offer = await send('没解决');
    expect(choices(offer)).toEqual([['我要投诉', '转人工']]);
    expect(gaps.gaps.map(({ reason, articleId, confidence }) => ({ reason, articleId, confidence }))).toEqual([
      { reason: 'not_helpful', articleId: 'warranty', confidence: 0.93 },
    ]);
    expect(await failedAnswers(`question-${conversation}`)).toBe(1);

    await send('保修怎么申请');
    await send('不是');
    expect(await failedAnswers(`question-${conversation}`)).toBe(2);
    expect((await signals(`question-${conversation}`))?.articles.map(({ articleId, feedback }) => `${articleId}:${feedback}`)).toEqual(['warranty:not_helpful']);
  });

  it('offers only a person when the article allows no complaint', async () => {
    const send = conversationOf();
    await send('营业时间');
    expect(choices(await send('没有'))).toEqual([['转人工']]);
  });

  it('reports a declined clarification and counts it as a failed answer', async () => {
    const send = conversationOf();
    const clarify = await send('退货退款');
    expect(choices(clarify)).toEqual([['保修政策', '退款政策', '都不是']]);
    const declined = await send('都不是');
    expect(texts(declined)).toEqual(['好的，可能是我没理解准确。您可以换个说法再问我，或者让我帮您登记投诉、转接人工。']);
    expect(gaps.gaps.map(({ reason, articleId }) => ({ reason, articleId }))).toEqual([{ reason: 'clarify_declined', articleId: 'warranty' }]);
    expect((await signals(`question-${conversation}`))?.articles.map(({ articleId, feedback }) => `${articleId}:${feedback}`)).toEqual(['warranty:declined', 'refund:declined']);
    expect(await failedAnswers(`question-${conversation}`)).toBe(1);
  });

  it('answers the article picked from a clarification, then asks for feedback', async () => {
    const send = conversationOf();
    await send('退货退款');
    expect(texts(await send('退款政策'))).toEqual(['退款政策的回答。', '这个回答解决您的问题了吗？']);
    expect(texts(await send('解决了'))).toEqual(['太好了！还有什么可以帮您的吗？']);
    expect((await signals(`question-${conversation}`))?.articles.map(({ articleId, feedback }) => `${articleId}:${feedback}`)).toEqual(['refund:helped']);
    expect(gaps.gaps).toEqual([]);
    expect(await failedAnswers(`question-${conversation}`)).toBe(0);
  });

  it('starts an intake from the question when the customer wants a complaint recorded', async () => {
    const send = conversationOf();
    await send('保修期内维修为什么还要收费');
    await send('没解决');
    const intake = texts(await send('我要投诉'));
    expect(intake[0]).toBe('非常抱歉给您带来了不好的体验，您说的情况我已经记下了。还需要确认几项信息。');
  });
});
