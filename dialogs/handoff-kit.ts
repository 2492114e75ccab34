import type { DialogContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder-core';
import { z } from 'zod';
import { contactSchema, REMEDIES } from '../src/domain/complaint';
import type { HandoffPacket, HandoffPriority } from '../src/services/handoff/handoff-record';
import type { HandoffOutcome } from '../src/services/handoff/handoff-service';
import { readSignals, turnLocale, type DialogServices } from './dialog-kit';

/** The part of a complaint intake's draft the agent needs (the intake keeps it in its step values). */
const draftSchema = z.object({
  description: z.string().optional(),
  orderRef: z.string().nullable().optional(),
  remedy: z.enum(REMEDIES).optional(),
  contact: contactSchema.optional(),
});

const EARLIER_COMPLAINTS = 5;

/** What a handoff request says about urgency and reasons. */
export interface HandoffAsk {
  /** Short reason codes for the queue (`explicit-request`, `strong_emotion`, ...). */
  reasons: string[];
  priority: HandoffPriority;
  /** The escalation policy's reasons (EscalationReason objects), when it decided. */
  escalation?: Array<Record<string, unknown>>;
}

/**
 * Asks the desk for a person with the whole story (the handoff packet) and, when queued, marks
 * the conversation so that the bot core relays the customer's messages from now on.
 */
export async function requestHandoff(services: DialogServices, dc: DialogContext, ask: HandoffAsk): Promise<HandoffOutcome> {
  const context = dc.context;
  const draft = findDraft(dc);
  const packet = await buildPacket(services, context, draft, ask);
  const outcome = await services.handoff.requestHuman({
    conversationId: context.activity.conversation.id,
    userId: context.activity.from.id,
    channel: context.activity.channelId,
    locale: turnLocale(context),
    reasons: ask.reasons,
    priority: ask.priority,
    skill: draft?.description ? services.complaints.previewCategory(draft.description, turnLocale(context)) : 'general',
    packet,
  });
  if (outcome.kind !== 'unavailable') {
    const signals = await readSignals(services, context);
    await services.signals.set(context, { ...signals, handoffActive: true });
  }
  return outcome;
}

/** The handoff packet: summary, complaint so far, articles and feedback, emotions, reasons, transcript, history. */
async function buildPacket(
  services: DialogServices,
  context: TurnContext,
  draft: z.infer<typeof draftSchema> | undefined,
  ask: HandoffAsk,
): Promise<HandoffPacket> {
  const locale = turnLocale(context);
  const signals = await readSignals(services, context);
  const earlier = await services.complaints.listByUser(context.activity.from.id, EARLIER_COMPLAINTS);
  const latest = signals.readings[signals.readings.length - 1];
  const transcript = await services.transcript.read(context);
  const lastWords = [...transcript].reverse().find((line) => line.from === 'customer')?.text;
  const { prompts } = services;
  const parts = [
    prompts.text(locale, 'handoff.summary.intro', { channel: context.activity.channelId, reasons: ask.reasons.map((reason) => prompts.text(locale, `handoff.reason.${reasonKey(reason)}`)).join(prompts.text(locale, 'handoff.summary.separator')) }),
    draft?.description
      ? prompts.text(locale, 'handoff.summary.problem', { description: draft.description })
      : lastWords
        ? prompts.text(locale, 'handoff.summary.lastWords', { text: lastWords })
        : prompts.text(locale, 'handoff.summary.noProblem'),
    draft?.orderRef ? prompts.text(locale, 'handoff.summary.order', { order: draft.orderRef }) : '',
    draft?.remedy ? prompts.text(locale, 'handoff.summary.remedy', { remedy: prompts.text(locale, `intake.remedy.${draft.remedy}`) }) : '',
    latest && latest.emotion !== 'neutral' ? prompts.text(locale, 'handoff.summary.mood', { emotion: prompts.text(locale, `handoff.emotion.${latest.emotion}`), intensity: Math.round(latest.intensity * 100) }) : '',
    signals.failedAnswers > 0 ? prompts.text(locale, 'handoff.summary.failedAnswers', { count: signals.failedAnswers }) : '',
    earlier.length > 0 ? prompts.text(locale, 'handoff.summary.earlier', { count: earlier.length }) : '',
  ];
  return {
    summary: parts.filter((part) => part !== '').join(''),
    ...(draft ? { complaint: withoutUndefined({ description: draft.description, orderRef: draft.orderRef, remedy: draft.remedy, contact: draft.contact }) } : {}),
    articles: signals.articles,
    emotions: signals.readings,
    escalation: (ask.escalation ?? []).map((reason) => ({ ...reason })),
    transcript,
    earlierComplaints: earlier.map((complaint) => ({
      code: complaint.code,
      status: complaint.status,
      createdAt: complaint.createdAt,
      category: complaint.category,
      description: complaint.description,
    })),
  };
}

/** Reason codes have prompts; an unknown one (a future policy's) is shown as "other". */
const KNOWN_REASONS = new Set([
  'explicit-request', 'safety', 'external_threat', 'strong_emotion', 'emotion_trend', 'repeated_failure', 'shouting', 'vip',
  'knowledge-no-answer', 'knowledge-not-helpful', 'knowledge-clarify-declined',
]);
function reasonKey(reason: string): string {
  return KNOWN_REASONS.has(reason) ? reason.replace(/-/g, '_') : 'other';
}

/** The intake's draft, if an intake is on the dialog stack (inside component dialogs too). */
export function findDraft(dc: DialogContext | undefined): z.infer<typeof draftSchema> | undefined {
  for (let current = dc; current; current = current.child) {
    for (const instance of current.stack) {
      const state: unknown = instance.state;
      const values = z.object({ values: z.object({ draft: z.unknown() }) }).safeParse(state);
      if (values.success) {
        const draft = draftSchema.safeParse(values.data.values.draft);
        if (draft.success) return draft.data;
      }
    }
  }
  return undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
