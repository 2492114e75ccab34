import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { formatDateTime, message, spellOut, turnLocale, type DialogServices } from './dialog-kit';

export const STATUS_DIALOG = 'status';

const FLOW = 'status.flow';
const CODE_PROMPT = 'status.code';

const statusOptionsSchema = z.object({ initialText: z.string().optional() });
export type StatusOptions = z.infer<typeof statusOptionsSchema>;

/**
 * Complaint status: takes a tracking code (from the message or by asking) and tells the
 * status and deadlines. An unknown code gets the same answer whatever exists, so the dialog
 * reveals nothing about other complaints.
 */
export class StatusDialog extends ComponentDialog {
  constructor(private readonly services: DialogServices) {
    super(STATUS_DIALOG);
    this.addDialog(
      new TextPrompt(CODE_PROMPT, async (pc) => {
        if (services.nlu.findTrackingCode(pc.recognized.value ?? '')) return true;
        await pc.context.sendActivity(message(services, pc.context, 'status.invalidCode', { expectsInput: true }));
        return false;
      }),
    );
    this.addDialog(
      new WaterfallDialog(FLOW, [
        // Use the code in the opening message, or ask for one.
        (step) => this.askCodeStep(step),
        // Look it up and answer.
        (step) => this.answerStep(step),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private async askCodeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { initialText } = statusOptionsSchema.parse(step.options ?? {});
    const code = initialText ? this.services.nlu.findTrackingCode(initialText) : undefined;
    if (code) return step.next(code);
    return step.prompt(CODE_PROMPT, { prompt: message(this.services, step.context, 'status.askCode', { expectsInput: true }) });
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const code = this.services.nlu.findTrackingCode(String(step.result ?? ''));
    if (!code) throw new Error('StatusDialog.answerStep: no tracking code after validation');
    const complaint = await this.services.complaints.findByCode(code);
    if (!complaint) {
      await step.context.sendActivity(message(this.services, step.context, 'status.notFound', { vars: { code } }));
      return step.endDialog();
    }
    const locale = turnLocale(step.context);
    const { prompts, timeZone } = this.services;
    const firstDue = new Date(complaint.firstResponseDueAt);
    const created = new Date(complaint.createdAt);
    await step.context.sendActivity(
      message(this.services, step.context, 'status.found', {
        vars: {
          code,
          codeSpoken: spellOut(code),
          status: prompts.text(locale, `status.state.${complaint.status}`),
          created: formatDateTime(created, locale, timeZone),
          firstResponse: firstDue.getTime() <= created.getTime() ? prompts.text(locale, 'common.immediately') : formatDateTime(firstDue, locale, timeZone),
          resolution: formatDateTime(new Date(complaint.resolutionDueAt), locale, timeZone),
        },
      }),
    );
    return step.endDialog(complaint.code);
  }
}
