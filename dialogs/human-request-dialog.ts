import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { handoffPrioritySchema } from '../src/services/handoff/handoff-record';
import type { UnavailableReason } from '../src/services/handoff/handoff-service';
import { matchLabel, message, turnLocale, type DialogServices } from './dialog-kit';
import { requestHandoff } from './handoff-kit';

export const HUMAN_REQUEST_DIALOG = 'humanRequest';

/**
 * Why the customer is being handed over (default: they asked), how urgently, and the escalation
 * policy's reasons when it decided.
 */
const humanRequestOptionsSchema = z.object({
  reasons: z.array(z.string()).optional(),
  priority: handoffPrioritySchema.optional(),
  escalation: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type HumanRequestOptions = z.infer<typeof humanRequestOptionsSchema>;

/** What the customer is told when nobody can come, by the reason; each offers a call-back through a complaint. */
const UNAVAILABLE_PROMPTS: Record<UnavailableReason, string> = {
  no_agents: 'human.unavailable',
  after_hours: 'human.unavailableAfterHours',
  wait_too_long: 'human.unavailableBusy',
};

const FLOW = 'humanRequest.flow';
const OFFER_PROMPT = 'humanRequest.offer';

/**
 * The customer asked for a person. When one can take over, the customer is told their place
 * in the queue; when nobody is available, the bot offers to record a complaint instead of
 * leaving the customer waiting for nobody.
 */
export class HumanRequestDialog extends ComponentDialog {
  constructor(private readonly services: DialogServices) {
    super(HUMAN_REQUEST_DIALOG);
    this.addDialog(new TextPrompt(OFFER_PROMPT));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        // Ask the handoff service for a person.
        (step) => this.requestStep(step),
        // Nobody was available: start the intake if the customer accepted.
        (step) => this.offerAnsweredStep(step),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private async requestStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const context = step.context;
    const locale = turnLocale(context);
    const options = humanRequestOptionsSchema.parse(step.options ?? {});
    const priority = options.priority ?? 'normal';
    const outcome = await requestHandoff(this.services, step, {
      reasons: options.reasons ?? ['explicit-request'],
      priority,
      ...(options.escalation ? { escalation: options.escalation } : {}),
    });
    if (outcome.kind === 'queued') {
      const vars = { position: outcome.position, minutes: outcome.estimatedWaitMinutes };
      await context.sendActivity(message(this.services, context, priority === 'urgent' ? 'human.queuedUrgent' : 'human.queued', { vars }));
      return step.endDialog();
    }
    if (outcome.kind === 'assigned') {
      await context.sendActivity(message(this.services, context, 'human.assigned'));
      return step.endDialog();
    }
    return step.prompt(OFFER_PROMPT, {
      prompt: message(this.services, context, UNAVAILABLE_PROMPTS[outcome.why], {
        expectsInput: true,
        choices: [this.services.prompts.text(locale, 'human.acceptChoice'), this.services.prompts.text(locale, 'human.declineChoice')],
      }),
    });
  }

  private async offerAnsweredStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const answer = String(step.result ?? '');
    const { prompts, nlu } = this.services;
    const choice =
      matchLabel(answer, [['yes', prompts.text(locale, 'human.acceptChoice')], ['no', prompts.text(locale, 'human.declineChoice')]] as const) ??
      nlu.parseYesNo(answer) ??
      (nlu.recognizeIntent(answer).intent === 'complaint' ? 'yes' : undefined);
    if (choice === 'yes') {
      // The main dialog starts the intake, so that it runs on the main stack like any other;
      // a message that already tells what happened pre-fills it.
      return step.endDialog({ startIntake: { initialText: nlu.hasSubstantiveDescription(answer) ? answer : undefined } });
    }
    if (choice === 'no') {
      await step.context.sendActivity(message(this.services, step.context, 'human.declined'));
      return step.endDialog();
    }
    // Neither yes nor no: the customer moved on, so let the main dialog route these words.
    return step.endDialog({ reroute: answer });
  }
}
