import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { matchLabel, message, turnLocale, type DialogServices } from './dialog-kit';

export const HUMAN_REQUEST_DIALOG = 'humanRequest';

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
    const outcome = await this.services.handoff.requestHuman({
      conversationId: context.activity.conversation.id,
      userId: context.activity.from.id,
      channel: context.activity.channelId,
      locale,
      reasons: ['explicit-request'],
    });
    if (outcome.kind === 'queued') {
      await context.sendActivity(
        message(this.services, context, 'human.queued', { vars: { position: outcome.position, minutes: outcome.estimatedWaitMinutes } }),
      );
      return step.endDialog();
    }
    return step.prompt(OFFER_PROMPT, {
      prompt: message(this.services, context, 'human.unavailable', {
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
