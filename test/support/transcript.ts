import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type HearlineApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { OutboundReply } from '../../src/core/activity';
import type { Locale } from '../../src/domain/complaint';
import { createLogger } from '../../src/logging/logger';
import { loadKnowledgeBase } from '../../src/services/knowledge/article-loader';
import type { KnowledgeService } from '../../src/services/knowledge/knowledge-service';
import { buildKnowledgeEngine } from '../../src/services/knowledge/engine';
import { ManualClock } from '../../src/util/clock';
import { findProjectRoot } from '../../src/util/project-root';
import { SeededRandom } from '../../src/util/random';

/**
 * Transcript files (`test/transcripts/*.transcript`) replay a conversation and check every
 * reply. Lines:
 *   # comment                 ignored
 *   user> text                the customer sends text; {{repeat N x}} expands to x N times,
 *                             {{empty}} to nothing, {{ctrl}} to control characters
 *   bot> text                 the next reply's text, exactly; indented lines below it continue
 *                             the same reply (multi-line messages)
 *   bot> /regex/              the next reply's text matches the regular expression (dotall)
 *   choices> a | b            the choices offered with the previous reply
 *   start>                    the channel opens the conversation (greeting)
 *   locale> en-US             the channel's locale hint for the following activities
 *   user-id> id               the customer's id from now on
 *   new-conversation>         later lines go to a fresh conversation of the same customer
 *   clock> +90m               moves the injected clock (m, h, d)
 *   fault> knowledge          the knowledge service fails on its next call
 *   agent-online> li zh-CN,en-US logistics,billing
 *                             an agent with these languages and skills opens the agent console
 *   agent> claim li           the agent claims this conversation (also: return li, resolve li <outcome>)
 *   handoff> queued urgent safety,strong_emotion
 *                             the desk has this conversation in that state, with that priority
 *                             and exactly these reasons (priority and reasons optional)
 *   packet> text              the handoff packet's summary for the agent, exactly (or /regex/)
 * After each user> or start> line, every reply must be matched: one more or one fewer fails.
 */
export type Step =
  | { kind: 'user'; text: string; line: number }
  | { kind: 'start'; line: number }
  | { kind: 'bot'; expected: string; regex?: RegExp; line: number }
  | { kind: 'choices'; expected: string[]; line: number }
  | { kind: 'locale'; locale: Locale; line: number }
  | { kind: 'userId'; userId: string; line: number }
  | { kind: 'newConversation'; line: number }
  | { kind: 'clock'; ms: number; line: number }
  | { kind: 'fault'; service: 'knowledge'; line: number }
  | { kind: 'agentOnline'; name: string; locales: string[]; skills: string[]; line: number }
  | { kind: 'agent'; action: 'claim' | 'return' | 'resolve'; name: string; outcome: string; line: number }
  | { kind: 'handoff'; state: string; priority?: string; reasons?: string[]; line: number }
  | { kind: 'packet'; summary: string; line: number };

export function parseTranscript(source: string): Step[] {
  const steps: Step[] = [];
  const lines = source.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const continuation = /^ {3}(.*)$/.exec(raw);
    const last = steps[steps.length - 1];
    if (continuation && last?.kind === 'bot' && !last.regex) {
      last.expected += `\n${continuation[1]}`;
      return;
    }
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const match = /^([a-z-]+)>\s?(.*)$/.exec(raw);
    if (!match) throw new Error(`line ${line}: cannot read "${raw}"`);
    const [, tag, rest = ''] = match;
    switch (tag) {
      case 'user':
        steps.push({ kind: 'user', text: expand(rest), line });
        break;
      case 'start':
        steps.push({ kind: 'start', line });
        break;
      case 'bot': {
        const regex = /^\/(.*)\/([a-z]*)$/.exec(rest);
        steps.push(regex ? { kind: 'bot', expected: rest, regex: new RegExp(regex[1] ?? '', `${regex[2] ?? ''}s`), line } : { kind: 'bot', expected: rest, line });
        break;
      }
      case 'choices':
        steps.push({ kind: 'choices', expected: rest.split('|').map((choice) => choice.trim()).filter(Boolean), line });
        break;
      case 'locale':
        if (rest !== 'zh-CN' && rest !== 'en-US') throw new Error(`line ${line}: locale must be zh-CN or en-US`);
        steps.push({ kind: 'locale', locale: rest, line });
        break;
      case 'user-id':
        steps.push({ kind: 'userId', userId: rest.trim(), line });
        break;
      case 'new-conversation':
        steps.push({ kind: 'newConversation', line });
        break;
      case 'clock': {
        const amount = /^\+(\d+)([mhd])$/.exec(rest.trim());
        if (!amount) throw new Error(`line ${line}: clock> takes +N followed by m, h or d`);
        const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[amount[2] as 'm' | 'h' | 'd'];
        steps.push({ kind: 'clock', ms: Number(amount[1]) * unit, line });
        break;
      }
      case 'fault':
        if (rest.trim() !== 'knowledge') throw new Error(`line ${line}: only "fault> knowledge" is known`);
        steps.push({ kind: 'fault', service: 'knowledge', line });
        break;
      case 'agent-online': {
        const [name = '', locales = '', skills = ''] = rest.trim().split(/\s+/);
        steps.push({ kind: 'agentOnline', name, locales: locales.split(','), skills: skills ? skills.split(',') : [], line });
        break;
      }
      case 'agent': {
        const [action = '', name = '', ...outcome] = rest.trim().split(/\s+/);
        if (action !== 'claim' && action !== 'return' && action !== 'resolve') throw new Error(`line ${line}: agent> claim|return|resolve <name>`);
        steps.push({ kind: 'agent', action, name, outcome: outcome.join(' '), line });
        break;
      }
      case 'handoff': {
        const [state = '', priority, reasons] = rest.trim().split(/\s+/);
        steps.push({ kind: 'handoff', state, ...(priority ? { priority } : {}), ...(reasons ? { reasons: reasons.split(',') } : {}), line });
        break;
      }
      case 'packet':
        steps.push({ kind: 'packet', summary: rest, line });
        break;
      default:
        throw new Error(`line ${line}: unknown tag ${tag}>`);
    }
  });
  return steps;
}

function expand(text: string): string {
  return text
    .replace(/\{\{repeat (\d+) (.+?)\}\}/g, (_, count: string, unit: string) => unit.repeat(Number(count)))
    .replace(/\{\{empty\}\}/g, '')
    .replace(/\{\{ctrl\}\}/g, '\u0000\u0007\u001b');
}

/** A knowledge service that can be told to fail once, to test the turn-error path. */
class FaultableKnowledge implements KnowledgeService {
  failNext = false;

  constructor(private readonly inner: KnowledgeService) {}

  async ask(...args: Parameters<KnowledgeService['ask']>) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('injected knowledge fault');
    }
    return this.inner.ask(...args);
  }

  getArticle(...args: Parameters<KnowledgeService['getArticle']>) {
    return this.inner.getArticle(...args);
  }
}

let bundled: Promise<KnowledgeService> | undefined;

/** The engine over the bundled knowledge base, built once per test file (it is read-only). */
function bundledEngine(): Promise<KnowledgeService> {
  bundled ??= loadKnowledgeBase(path.join(findProjectRoot(), 'knowledge')).then(({ articles }) => buildKnowledgeEngine(articles));
  return bundled;
}

/** The fixed start of every transcript's clock: 10:00 in Beijing. */
export const TRANSCRIPT_EPOCH = '2026-03-02T02:00:00.000Z';

/** A bot on a fresh SQLite store, with a fixed clock and seeded randomness. */
export async function createTranscriptApp(): Promise<{ app: HearlineApp; clock: ManualClock; knowledge: FaultableKnowledge; cleanup: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-transcript-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const clock = new ManualClock(TRANSCRIPT_EPOCH);
  const knowledge = new FaultableKnowledge(await bundledEngine());
  const app = await createApp(config, { clock, random: new SeededRandom(42), knowledge, logger: createLogger('silent') });
  return {
    app,
    clock,
    knowledge,
    cleanup: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Plays a transcript and returns the problems found (empty when it passes) and what the bot said. */
export async function playTranscript(name: string, source: string): Promise<{ problems: string[]; actual: string[] }> {
  const steps = parseTranscript(source);
  const { app, clock, knowledge, cleanup } = await createTranscriptApp();
  const problems: string[] = [];
  const actual: string[] = [];
  let conversation = 1;
  let userId = 'customer-1';
  let locale: Locale | undefined;
  let pending: OutboundReply[] = [];
  let lastMessage: OutboundReply | undefined;
  let pendingFrom = 0;
  const flush = () => {
    for (const reply of pending) {
      if (reply.type === 'message') problems.push(`after line ${pendingFrom}: unexpected reply "${reply.text}"`);
    }
    pending = [];
  };
  try {
    for (const step of steps) {
      switch (step.kind) {
        case 'user':
        case 'start': {
          flush();
          const base = { channel: 'test', conversationId: `${name}-${conversation}`, userId, locale };
          const replies = step.kind === 'start'
            ? await app.gateway.process({ ...base, type: 'conversationStart' })
            : await app.gateway.process({ ...base, type: 'message', text: step.text });
          actual.push(step.kind === 'start' ? 'start>' : `user> ${step.text}`);
          pending = replies.filter((reply) => reply.type === 'message');
          for (const reply of pending) {
            if (reply.type !== 'message') continue;
            actual.push(`bot> ${reply.text.replace(/\n/g, '\n   ')}`);
            if (reply.choices.length > 0) actual.push(`choices> ${reply.choices.join(' | ')}`);
          }
          pendingFrom = step.line;
          break;
        }
        case 'bot': {
          const reply = pending.shift();
          if (!reply || reply.type !== 'message') {
            problems.push(`line ${step.line}: expected a reply "${step.expected}", got none`);
            break;
          }
          lastMessage = reply;
          const ok = step.regex ? step.regex.test(reply.text) : reply.text === step.expected;
          if (!ok) problems.push(`line ${step.line}:\n  expected: ${step.expected}\n  actual:   ${reply.text}`);
          break;
        }
        case 'choices': {
          const choices = lastMessage?.type === 'message' ? lastMessage.choices : [];
          if (choices.join(' | ') !== step.expected.join(' | ')) {
            problems.push(`line ${step.line}:\n  expected choices: ${step.expected.join(' | ')}\n  actual choices:   ${choices.join(' | ')}`);
          }
          break;
        }
        case 'locale':
          locale = step.locale;
          break;
        case 'userId':
          userId = step.userId;
          break;
        case 'newConversation':
          flush();
          conversation += 1;
          break;
        case 'clock':
          clock.advance(step.ms);
          break;
        case 'fault':
          knowledge.failNext = true;
          break;
        case 'agentOnline':
          await app.handoffDesk.heartbeat({ name: step.name, locales: step.locales, skills: step.skills });
          break;
        case 'agent': {
          flush();
          const key = `test/${name}-${conversation}`;
          if (step.action === 'claim') await app.handoffDesk.claim(key, step.name);
          else if (step.action === 'return') await app.handoffDesk.returnToBot(key, step.name);
          else await app.handoffDesk.resolve(key, step.name, step.outcome);
          break;
        }
        case 'packet': {
          const summary = (await app.handoffDesk.get(`test/${name}-${conversation}`))?.packet.summary;
          const regex = /^\/(.*)\/$/.exec(step.summary);
          const matches = summary !== undefined && (regex ? new RegExp(regex[1] ?? '', 's').test(summary) : summary === step.summary);
          if (!matches) problems.push(`line ${step.line}:\n  expected packet: ${step.summary}\n  actual packet:   ${summary ?? '(no handoff)'}`);
          break;
        }
        case 'handoff': {
          const record = await app.handoffDesk.get(`test/${name}-${conversation}`);
          const seen = `${record?.state ?? 'bot'} ${record?.priority ?? '-'} ${record?.reasons.join(',') ?? '-'}`;
          const ok = (record?.state ?? 'bot') === step.state &&
            (step.priority === undefined || record?.priority === step.priority) &&
            (step.reasons === undefined || record?.reasons.join(',') === step.reasons.join(','));
          if (!ok) problems.push(`line ${step.line}: expected handoff ${step.state} ${step.priority ?? ''} ${step.reasons?.join(',') ?? ''}, the desk has ${seen}`);
          break;
        }
      }
    }
    flush();
  } finally {
    await cleanup();
  }
  return { problems, actual };
}
