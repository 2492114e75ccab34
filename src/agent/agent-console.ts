import { z } from 'zod';
import { LOCALES, type Locale } from '../domain/complaint';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import type { Logger } from '../logging/logger';
import { HandoffConflictError, HandoffNotFoundError, type AgentProfile, type HandoffDesk } from '../services/handoff/handoff-desk';
import { customerLeftAt, type HandoffRecord, type TranscriptLine } from '../services/handoff/handoff-record';
import type { KnowledgeEngine } from '../services/knowledge/knowledge-service';
import { EtagConflictError, type DocumentStore } from '../storage/store';
import type { Clock } from '../util/clock';
import { tellCustomer, type CustomerChannels, type CustomerNotice } from './customer-channels';
import type { CLOSE_OUTCOMES } from './schema';

/** What the agent console's operations are built from. */
export interface AgentConsoleDependencies {
  desk: HandoffDesk;
  documents: DocumentStore;
  channels: CustomerChannels;
  prompts: PromptCatalog;
  /** The knowledge base as published now (canned replies come from its articles). */
  knowledge: { readonly engine: KnowledgeEngine };
  clock: Clock;
  logger: Logger;
}

/** One line of the queue or of "my conversations", as the console lists it. */
export interface QueueItem {
  key: string;
  channel: string;
  conversationId: string;
  locale: Locale;
  state: HandoffRecord['state'];
  priority: HandoffRecord['priority'];
  vip: boolean;
  skill: string;
  /** From the complaint, when the intake had classified it. */
  severity: string | undefined;
  reasons: string[];
  requestedAt: string;
  waitSeconds: number;
  /** The latest emotion reading before the handoff. */
  emotion: { emotion: string; intensity: number } | undefined;
  targetAgent: string | undefined;
  assignedAgent: string | undefined;
  /** Back in the queue because this agent went away mid-conversation. */
  interruptedFrom: string | undefined;
  /** While an agent has it: when the customer was found gone (no chat window, no message), until they are back. */
  customerLeftAt: string | undefined;
  summary: string;
}

/** A conversation as the console opens it: the record with its packet and messages. */
export interface ConversationView {
  record: HandoffRecord;
  /** While queued: place among customers of the same language, and the expected wait. */
  place: { position: number; estimatedWaitMinutes: number } | undefined;
  /** Whether the customer's channel shows the agent's messages at once (else they stay in the record). */
  livePush: boolean;
  /** While assigned: when the customer was found gone, until they are back; the agent closes it with an outcome. */
  customerLeftAt: string | undefined;
}

/** A knowledge article offered as a reply the agent can send or edit. */
export interface CannedReply {
  articleId: string;
  title: string;
  text: string;
}

export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];

const CANNED_LIMIT = 8;
const CANNED_LIST_LIMIT = 60;
/** Conversations each agent holds, so that a reloaded console finds them again. */
const mineKey = (agent: string) => `agent/mine/${agent}`;
const mineSchema = z.object({ keys: z.array(z.string()) });

/**
 * The agent's side of the desk: what the console lists and opens, and every action an agent
 * takes, each followed by what the customer should see on their own channel.
 */
export class AgentConsole {
  constructor(private readonly deps: AgentConsoleDependencies) {}

  /**
   * What this agent may take (their languages and skills, as their console last told the desk)
   * and the conversations they hold. An agent who is not online sees the queue of an agent with
   * every language and no skill: general and urgent cases, and transfers addressed to them.
   */
  async overview(agent: string): Promise<{ online: boolean; profile: AgentProfile; queue: QueueItem[]; mine: QueueItem[] }> {
    const known = (await this.deps.desk.onlineAgents()).find((online) => online.name === agent);
    const profile: AgentProfile = known ?? { name: agent, locales: [...LOCALES], skills: [] };
    const [queue, mine] = await Promise.all([this.deps.desk.queueFor(profile), this.mine(agent)]);
    return { online: known !== undefined, profile, queue: queue.map((record) => this.item(record)), mine: mine.map((record) => this.item(record)) };
  }

  /** Throws HandoffNotFoundError for a conversation that never asked for a person. */
  async view(key: string): Promise<ConversationView> {
    const record = await this.requireRecord(key);
    return {
      record,
      place: record.state === 'queued' ? await this.deps.desk.placeOf(record) : undefined,
      livePush: this.deps.channels.canPush(record.channel),
      customerLeftAt: record.state === 'assigned' ? customerLeftAt(record) : undefined,
    };
  }

  /** Of two agents claiming at once exactly one wins; the other gets HandoffConflictError. */
  async claim(key: string, agent: string): Promise<HandoffRecord> {
    const record = await this.deps.desk.claim(key, agent);
    await this.changeMine(agent, (keys) => [...keys.filter((known) => known !== key), key]);
    await this.tellCustomer(record, 'claimed', { agent });
    return record;
  }

  /** The agent's message: kept in the record (consoles see it at once) and sent on the customer's channel. */
  async reply(key: string, agent: string, text: string): Promise<{ line: TranscriptLine; delivered: boolean }> {
    const record = await this.requireRecord(key);
    if (record.state !== 'assigned' || record.assignedAgent !== agent) throw new HandoffConflictError(key, record.state, 'reply');
    const line: TranscriptLine = { at: this.deps.clock.now().toISOString(), from: 'agent', agent, text };
    await this.deps.desk.addMessage(key, line);
    const delivered = await this.deps.channels.deliver(record, { from: 'agent', agent, text });
    return { line, delivered };
  }

  async transfer(key: string, agent: string, to: { agent?: string; skill?: string }): Promise<HandoffRecord> {
    const record = await this.deps.desk.transfer(key, agent, to);
    await this.changeMine(agent, (keys) => keys.filter((known) => known !== key));
    await this.tellCustomer(record, 'transferred');
    return record;
  }

  /** The bot answers the customer's next message again; the customer is told so. */
  async returnToBot(key: string, agent: string): Promise<HandoffRecord> {
    const record = await this.deps.desk.returnToBot(key, agent);
    await this.changeMine(agent, (keys) => keys.filter((known) => known !== key));
    await this.tellCustomer(record, 'backToBot');
    return record;
  }

  /** Resolves with the outcome; the customer is thanked and asked whether they are satisfied. */
  async close(key: string, agent: string, outcome: CloseOutcome, note: string | undefined): Promise<HandoffRecord> {
    const record = await this.deps.desk.resolve(key, agent, note ? `${outcome}: ${note}` : outcome);
    await this.changeMine(agent, (keys) => keys.filter((known) => known !== key));
    await this.tellCustomer(record, 'closed');
    await this.tellCustomer(record, 'satisfaction');
    return record;
  }

  /**
   * Knowledge articles as replies: the best matches for `words`, or every article of the locale
   * by title. The spoken answer is the text: short and plain, as a chat reply should be.
   */
  canned(locale: Locale, words: string | undefined): CannedReply[] {
    const engine = this.deps.knowledge.engine;
    const asReply = (articleId: string): CannedReply[] => {
      const article = engine.getArticle(articleId, locale);
      return article ? [{ articleId: article.id, title: article.title, text: article.voice }] : [];
    };
    if (words) return engine.rank(words, locale, CANNED_LIMIT).filter((scored) => scored.score > 0).flatMap((scored) => asReply(scored.articleId));
    return engine.articles
      .filter((article) => article.locale === locale)
      .sort((a, b) => a.title.localeCompare(b.title, locale))
      .slice(0, CANNED_LIST_LIMIT)
      .flatMap((article) => asReply(article.id));
  }

  /** See HandoffDesk.heartbeat: false when the console socket it names has closed. */
  heartbeat(profile: AgentProfile, consoleId?: string): Promise<boolean> {
    return this.deps.desk.heartbeat(profile, consoleId);
  }

  signOff(agent: string): Promise<void> {
    return this.deps.desk.signOff(agent);
  }

  onlineAgents(): Promise<AgentProfile[]> {
    return this.deps.desk.onlineAgents();
  }

  /** The conversations the agent holds now; keys they no longer hold are dropped from their list. */
  private async mine(agent: string): Promise<HandoffRecord[]> {
    const stored = (await this.deps.documents.read([mineKey(agent)])).get(mineKey(agent));
    const keys = stored === undefined ? [] : mineSchema.parse(stored.value).keys;
    const records = await Promise.all(keys.map((key) => this.deps.desk.get(key)));
    const held = records.filter((record): record is HandoffRecord => record?.state === 'assigned' && record.assignedAgent === agent);
    if (held.length !== keys.length) {
      const heldKeys = new Set(held.map((record) => record.key));
      await this.changeMine(agent, (current) => current.filter((key) => heldKeys.has(key) || !keys.includes(key)));
    }
    return held;
  }

  private async changeMine(agent: string, change: (keys: string[]) => string[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = (await this.deps.documents.read([mineKey(agent)])).get(mineKey(agent));
      const keys = stored === undefined ? [] : mineSchema.parse(stored.value).keys;
      try {
        await this.deps.documents.write([{ key: mineKey(agent), value: { keys: change(keys) }, expectedETag: stored?.eTag ?? '' }]);
        return;
      } catch (error) {
        if (!(error instanceof EtagConflictError) || attempt >= 8) throw error;
      }
    }
  }

  private tellCustomer(record: HandoffRecord, what: CustomerNotice, vars: Record<string, string> = {}): Promise<void> {
    return tellCustomer(this.deps, record, what, vars);
  }

  private async requireRecord(key: string): Promise<HandoffRecord> {
    const record = await this.deps.desk.get(key);
    if (!record) throw new HandoffNotFoundError(key);
    return record;
  }

  private item(record: HandoffRecord): QueueItem {
    const latest = record.packet.emotions[record.packet.emotions.length - 1];
    return {
      key: record.key,
      channel: record.channel,
      conversationId: record.conversationId,
      locale: record.locale,
      state: record.state,
      priority: record.priority,
      vip: record.vip,
      skill: record.skill,
      severity: record.packet.complaint?.severity,
      reasons: record.reasons,
      requestedAt: record.requestedAt,
      waitSeconds: Math.max(0, Math.round((this.deps.clock.now().getTime() - Date.parse(record.requestedAt)) / 1000)),
      emotion: latest ? { emotion: latest.emotion, intensity: latest.intensity } : undefined,
      targetAgent: record.targetAgent,
      assignedAgent: record.assignedAgent,
      interruptedFrom: record.state === 'queued' ? record.interrupted?.agent : undefined,
      customerLeftAt: record.state === 'assigned' ? customerLeftAt(record) : undefined,
      summary: record.packet.summary,
    };
  }
}
