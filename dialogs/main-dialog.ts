import {
  ComponentDialog,
  Dialog,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder-core';
import { z } from 'zod';
import type { Intent } from '../src/services/nlu/intents';
import { COMPLAINT_INTAKE_DIALOG, ComplaintIntakeDialog, type IntakeOptions } from './complaint-intake-dialog';
import { matchLabel, menuChoices, message, readSignals, turnLocale, type DialogServices } from './dialog-kit';
import { requestHandoff, type HandoffAsk } from './handoff-kit';
import { HUMAN_REQUEST_DIALOG, HumanRequestDialog, type HumanRequestOptions } from './human-request-dialog';
import { QUESTION_DIALOG, QuestionDialog, type QuestionOptions } from './question-dialog';
import { STATUS_DIALOG, StatusDialog, type StatusOptions } from './status-dialog';

export const MAIN_DIALOG = 'main';

const ROUTER = 'main.router';

/** `evidence`: the message was only a photo; a complaint intake starts so it has a home. */
const mainOptionsSchema = z.object({ text: z.string(), evidence: z.boolean().optional() });
export type MainOptions = z.infer<typeof mainOptionsSchema>;

/** A child dialog may end with this to have the main dialog route the customer's last words afresh. */
export const rerouteSchema = z.object({ reroute: z.string() });

/** A child dialog may end with this to have the main dialog start a complaint intake. */
export const startIntakeSchema = z.object({ startIntake: z.object({ initialText: z.string().optional() }) });

/** A child dialog may end with this to have the main dialog ask for a person, saying why. */
export const startHumanSchema = z.object({ startHuman: z.object({ reasons: z.array(z.string()) }) });

const MENU_ITEMS = ['complaint', 'status', 'question', 'human'] as const;

/**
 * The root dialog: routes free text to a question, a complaint, a status check or a person,
 * and handles "help", "cancel", "restart" and requests for a person at any point, whatever
 * child dialog is running.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly services: DialogServices) {
    super(MAIN_DIALOG);
    this.addDialog(new ComplaintIntakeDialog(services));
    this.addDialog(new StatusDialog(services));
    this.addDialog(new QuestionDialog(services));
    this.addDialog(new HumanRequestDialog(services));
    this.addDialog(
      new WaterfallDialog(ROUTER, [
        // Decide what the customer wants and start the matching dialog.
        (step) => this.routeStep(step),
        // A child dialog may hand back words to route afresh, or ask for an intake.
        (step) => this.afterChildStep(step),
      ]),
    );
    this.initialDialogId = ROUTER;
  }

  /** Interruptions: checked on every turn before the active child dialog sees the message. */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const escalated = await this.escalate(innerDc);
    if (escalated) return escalated;
    const text = innerDc.context.activity.text ?? '';
    const intent = this.services.nlu.recognizeIntent(text).intent;
    const context = innerDc.context;
    switch (intent) {
      case 'cancel':
        await context.sendActivity(message(this.services, context, 'main.cancelled', { choices: menuChoices(this.services, context) }));
        return innerDc.cancelAllDialogs();
      case 'restart':
        await context.sendActivity(message(this.services, context, ['main.restarted', 'main.greeting'], { choices: menuChoices(this.services, context) }));
        return innerDc.cancelAllDialogs();
      case 'help':
        await context.sendActivity(message(this.services, context, ['main.help', 'main.helpReturn']));
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      case 'human':
        return this.interruptForHuman(innerDc);
      default:
        return super.onContinueDialog(innerDc);
    }
  }

  /**
   * During an intake, a request for a person must not lose what the customer said: the intake's
   * draft goes to the agent in the handoff packet; when nobody is available the intake carries
   * on; otherwise the request dialog takes over.
   */
  private async interruptForHuman(innerDc: DialogContext, requested?: HandoffAsk): Promise<DialogTurnResult> {
    const ask = requested ?? (await this.explicitRequest(innerDc.context));
    const inIntake = activeDialogIds(innerDc).includes(COMPLAINT_INTAKE_DIALOG);
    if (inIntake) {
      const context = innerDc.context;
      const outcome = await requestHandoff(this.services, innerDc, ask);
      if (outcome.kind === 'unavailable') {
        await context.sendActivity(message(this.services, context, 'human.unavailableDuringIntake'));
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      }
      await context.sendActivity(
        outcome.kind === 'assigned'
          ? message(this.services, context, 'human.assigned')
          : message(this.services, context, ask.priority === 'urgent' ? 'human.queuedUrgent' : 'human.queued', {
              vars: { position: outcome.position, minutes: outcome.estimatedWaitMinutes },
            }),
      );
      return innerDc.cancelAllDialogs();
    }
    await innerDc.cancelAllDialogs();
    return innerDc.beginDialog(HUMAN_REQUEST_DIALOG, ask satisfies HumanRequestOptions);
  }

  /** A request for a person in the customer's words, with the misses that came before it. */
  private async explicitRequest(context: TurnContext): Promise<HandoffAsk> {
    const { failedAnswers } = await readSignals(this.services, context);
    const repeated = failedAnswers >= this.services.escalation.options.failedAnswers ? ['repeated_failure'] : [];
    return { reasons: ['explicit-request', ...repeated], priority: 'normal' };
  }

  /**
   * The escalation policy, on every message: anger, a worsening mood, shouting, safety words or
   * threats to go outside hand the customer to a person at once, with a word of empathy first.
   * When nobody can come, nothing is said about it here: the conversation simply goes on (an
   * urgent complaint's intake already says it is treated as urgent). Explicit requests are
   * routed as intents, and repeated failures are offered a person by the question dialog, so
   * neither starts a handoff here on its own. Returns undefined when the turn goes on as usual.
   */
  private async escalate(dc: DialogContext): Promise<DialogTurnResult | undefined> {
    const context = dc.context;
    const signals = await readSignals(this.services, context);
    if (signals.handoffActive) return undefined;
    const decision = this.services.escalation.decide({
      text: context.activity.text ?? '',
      readings: signals.readings,
      failedAnswers: signals.failedAnswers,
      explicitRequest: false,
      vip: false,
    });
    const acting = decision.reasons.filter((reason) => reason.code !== 'repeated_failure' && reason.code !== 'explicit_request');
    if (acting.length === 0) return undefined;
    const codes = acting.map((reason) => reason.code);
    const outcome = await requestHandoff(this.services, dc, {
      reasons: codes,
      priority: decision.priority,
      escalation: decision.reasons.map((reason) => ({ ...reason })),
    });
    if (outcome.kind === 'unavailable') return undefined;
    const preface = codes.includes('safety') ? 'human.escalateSafety' : codes.includes('external_threat') ? 'human.escalateThreat' : 'human.escalateUpset';
    const queued = outcome.kind === 'assigned'
      ? 'human.assigned'
      : decision.priority === 'urgent' ? 'human.queuedUrgent' : 'human.queuedEscalated';
    const vars: Record<string, number> = outcome.kind === 'queued' ? { position: outcome.position, minutes: outcome.estimatedWaitMinutes } : {};
    await context.sendActivity(message(this.services, context, [preface, queued], { vars }));
    return dc.cancelAllDialogs();
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { text, evidence } = mainOptionsSchema.parse(step.options);
    const context = step.context;
    if (evidence && !text) return step.beginDialog(COMPLAINT_INTAKE_DIALOG, {} satisfies IntakeOptions);
    const escalated = await this.escalate(step);
    if (escalated) return step.endDialog();
    const locale = turnLocale(context);
    const menu = matchLabel(text, MENU_ITEMS.map((item) => [item, this.services.prompts.text(locale, `main.menu.${item}`)] as const));
    const intent: Intent = menu ?? this.intentOf(text);
    switch (intent) {
      case 'complaint':
        return step.beginDialog(COMPLAINT_INTAKE_DIALOG, { initialText: menu ? undefined : text } satisfies IntakeOptions);
      case 'status':
        return step.beginDialog(STATUS_DIALOG, { initialText: menu ? undefined : text } satisfies StatusOptions);
      case 'human':
        return step.beginDialog(HUMAN_REQUEST_DIALOG, (await this.explicitRequest(context)) satisfies HumanRequestOptions);
      case 'question':
        if (menu) {
          await context.sendActivity(message(this.services, context, 'main.askQuestion'));
          return step.endDialog();
        }
        return step.beginDialog(QUESTION_DIALOG, { text } satisfies QuestionOptions);
      case 'greeting':
      case 'restart':
        await context.sendActivity(message(this.services, context, 'main.greeting', { choices: menuChoices(this.services, context) }));
        return step.endDialog();
      case 'help':
        await context.sendActivity(message(this.services, context, 'main.help', { choices: menuChoices(this.services, context) }));
        return step.endDialog();
      case 'thanks':
        await context.sendActivity(message(this.services, context, 'main.thanks'));
        return step.endDialog();
      case 'cancel':
        await context.sendActivity(message(this.services, context, 'main.nothingToCancel', { choices: menuChoices(this.services, context) }));
        return step.endDialog();
      case 'none':
      default:
        // Unclear words may still be a question the knowledge base can answer.
        return step.beginDialog(QUESTION_DIALOG, { text, unclear: true } satisfies QuestionOptions);
    }
  }

  /**
   * A message naming an order together with a problem or a demand ("冰箱漏水，订单号778812，要求换货")
   * is a complaint even when it uses no complaint word: the customer wants something done.
   */
  private intentOf(text: string): Intent {
    const { nlu } = this.services;
    const intent = nlu.recognizeIntent(text).intent;
    if ((intent === 'question' || intent === 'none') && nlu.findOrderRef(text) !== undefined) {
      if (nlu.findRemedy(text) !== undefined || nlu.hasSubstantiveDescription(text)) return 'complaint';
    }
    return intent;
  }

  private async afterChildStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const reroute = rerouteSchema.safeParse(step.result);
    if (reroute.success) return step.replaceDialog(ROUTER, { text: reroute.data.reroute } satisfies MainOptions);
    const startIntake = startIntakeSchema.safeParse(step.result);
    if (startIntake.success) return step.beginDialog(COMPLAINT_INTAKE_DIALOG, startIntake.data.startIntake satisfies IntakeOptions);
    const startHuman = startHumanSchema.safeParse(step.result);
    if (startHuman.success) return step.beginDialog(HUMAN_REQUEST_DIALOG, startHuman.data.startHuman satisfies HumanRequestOptions);
    return step.endDialog(step.result);
  }
}

/** Ids of every dialog on the stack, including those inside child component dialogs. */
function activeDialogIds(dc: DialogContext | undefined): string[] {
  const ids: string[] = [];
  for (let current = dc; current; current = current.child) ids.push(...current.stack.map((instance) => instance.id));
  return ids;
}
