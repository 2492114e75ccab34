import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder-core';
import { z } from 'zod';
import { REMEDIES, contactSchema, type Contact, type Remedy } from '../src/domain/complaint';
import {
  articleMessage,
  describeContact,
  formatDateTime,
  matchLabel,
  message,
  spellOut,
  stepValues,
  turnLocale,
  type DialogServices,
} from './dialog-kit';

export const COMPLAINT_INTAKE_DIALOG = 'complaintIntake';

const FLOW = 'complaintIntake.flow';
/** Unusable answers to the (optional) order-number question before the intake goes on without one. */
const ORDER_TRIES = 3;
/**
 * How sure the knowledge base must be before a question asked in the middle of the intake is
 * answered there: higher than for a question on its own, since the customer was asked for
 * something else and a wrong answer would interrupt them for nothing.
 */
const ASIDE_CONFIDENCE = 0.6;
const DESCRIPTION_PROMPT = 'complaintIntake.description';
const ORDER_PROMPT = 'complaintIntake.order';
const REMEDY_PROMPT = 'complaintIntake.remedy';
const CONTACT_PROMPT = 'complaintIntake.contact';
const REUSE_CONTACT_PROMPT = 'complaintIntake.reuseContact';
const CONFIRM_PROMPT = 'complaintIntake.confirm';
const FIELD_PROMPT = 'complaintIntake.field';

const FIELDS = ['description', 'orderRef', 'remedy', 'contact'] as const;
type Field = (typeof FIELDS)[number];

/** A complaint being collected. `orderRef: null` means "asked, none given"; absent means not asked yet. */
const draftSchema = z.object({
  id: z.string().min(1),
  description: z.string().optional(),
  orderRef: z.string().nullable().optional(),
  remedy: z.enum(REMEDIES).optional(),
  contact: contactSchema.optional(),
  /** The customer said no to reusing the contact we knew. */
  declinedKnownContact: z.boolean().optional(),
});
type Draft = z.infer<typeof draftSchema>;

/** Options to begin the intake: the message that started it, or a draft when looping back. */
const intakeOptionsSchema = z.object({
  initialText: z.string().optional(),
  draft: draftSchema.optional(),
  notice: z.enum(['updated']).optional(),
});
export type IntakeOptions = z.infer<typeof intakeOptionsSchema>;

/** Fields the customer changed by saying so at the confirmation ("no, the order is 88123"). */
interface Corrections {
  orderRef?: string;
  remedy?: Remedy;
  contact?: Contact;
}

/**
 * Complaint intake (DOMAIN.md "Record" and "Classify"): what happened, order number, remedy,
 * contact, then a summary the customer confirms or corrects. Details already in the first
 * message are kept, so the bot asks only for what is missing. Confirming records the
 * complaint and tells the customer the tracking code and deadlines.
 */
export class ComplaintIntakeDialog extends ComponentDialog {
  constructor(private readonly services: DialogServices) {
    super(COMPLAINT_INTAKE_DIALOG);
    this.addDialog(new TextPrompt(DESCRIPTION_PROMPT, (pc) => this.validateDescription(pc)));
    this.addDialog(new TextPrompt(ORDER_PROMPT, (pc) => this.validateOrder(pc)));
    this.addDialog(new TextPrompt(REMEDY_PROMPT, (pc) => this.validateRemedy(pc)));
    this.addDialog(new TextPrompt(CONTACT_PROMPT, (pc) => this.validateContact(pc)));
    this.addDialog(new TextPrompt(REUSE_CONTACT_PROMPT, (pc) => this.validateReuse(pc)));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, (pc) => this.validateConfirm(pc)));
    this.addDialog(new TextPrompt(FIELD_PROMPT, (pc) => this.validateField(pc)));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        // Pre-fills what the opening message already said and acknowledges the customer first.
        (step) => this.startStep(step),
        // What happened, unless the opening message told us.
        (step) => this.descriptionStep(step),
        // Order number: optional, but asked once so agents can find the order.
        (step) => this.orderStep(step),
        // What the customer wants, which decides who handles it.
        (step) => this.remedyStep(step),
        // How to reach the customer: reuse a known contact only after asking.
        (step) => this.contactStep(step),
        // A new contact after the customer declined the known one.
        (step) => this.contactAfterReuseStep(step),
        // Restate the complaint in full so the customer can confirm or correct it.
        (step) => this.confirmStep(step),
        // Record, apply a correction, or ask which part to change.
        (step) => this.afterConfirmStep(step),
        // Clear the chosen field and loop back so only that field is asked again.
        (step) => this.afterFieldStep(step),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private draft(step: WaterfallStepContext): Draft {
    return draftSchema.parse(stepValues(step)['draft']);
  }

  private async startStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = intakeOptionsSchema.parse(step.options ?? {});
    if (options.draft) {
      stepValues(step)['draft'] = options.draft;
      stepValues(step)['notice'] = options.notice;
      return step.next();
    }
    const { nlu } = this.services;
    const text = options.initialText ?? '';
    const draft: Draft = { id: this.newDraftId() };
    if (text && nlu.hasSubstantiveDescription(text)) draft.description = text.trim();
    const orderRef = text ? nlu.findOrderRef(text) : undefined;
    if (orderRef) draft.orderRef = orderRef;
    const remedy = text ? nlu.findRemedy(text) : undefined;
    if (remedy) draft.remedy = remedy;
    const contact = text ? nlu.findContact(text) : undefined;
    if (contact) draft.contact = contact;
    stepValues(step)['draft'] = draft;
    const urgent = draft.description !== undefined && this.services.complaints.previewSeverity(draft.description, turnLocale(step.context)) === 'urgent';
    const empathy = urgent ? 'intake.empathyUrgent' : draft.description ? 'intake.empathyHeard' : 'intake.empathy';
    await step.context.sendActivity(message(this.services, step.context, empathy));
    return step.next();
  }

  private async descriptionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.draft(step).description) return step.next();
    return step.prompt(DESCRIPTION_PROMPT, { prompt: message(this.services, step.context, 'intake.askDescription', { expectsInput: true }) });
  }

  private async orderStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (typeof step.result === 'string') {
      draft.description = step.result.trim();
      // A description often names the order and remedy too: keep them instead of asking.
      draft.orderRef ??= this.services.nlu.findOrderRef(step.result);
      draft.remedy ??= this.services.nlu.findRemedy(step.result);
      stepValues(step)['draft'] = draft;
    }
    if (draft.orderRef !== undefined) return step.next();
    const locale = turnLocale(step.context);
    return step.prompt(ORDER_PROMPT, {
      prompt: message(this.services, step.context, 'intake.askOrder', {
        expectsInput: true,
        choices: [this.services.prompts.text(locale, 'intake.noOrderChoice')],
      }),
    });
  }

  private async remedyStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (typeof step.result === 'string') {
      draft.orderRef = this.orderAnswer(step.context, step.result) ?? null;
      stepValues(step)['draft'] = draft;
    }
    if (draft.remedy) return step.next();
    return step.prompt(REMEDY_PROMPT, {
      prompt: message(this.services, step.context, 'intake.askRemedy', { expectsInput: true, choices: this.remedyLabels(step.context).map(([, label]) => label) }),
    });
  }

  private async contactStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (typeof step.result === 'string') {
      draft.remedy = this.remedyAnswer(step.context, step.result);
      stepValues(step)['draft'] = draft;
    }
    if (draft.contact) return step.next();
    const profile = await this.services.userProfile.get(step.context, {});
    if (profile.knownContact && !draft.declinedKnownContact) {
      stepValues(step)['awaiting'] = 'reuse';
      const locale = turnLocale(step.context);
      return step.prompt(REUSE_CONTACT_PROMPT, {
        prompt: message(this.services, step.context, 'intake.reuseContact', {
          expectsInput: true,
          vars: { contact: describeContact(this.services, locale, profile.knownContact) },
          choices: [this.services.prompts.text(locale, 'intake.reuseYes'), this.services.prompts.text(locale, 'intake.reuseNo')],
        }),
      });
    }
    stepValues(step)['awaiting'] = 'contact';
    return step.prompt(CONTACT_PROMPT, { prompt: message(this.services, step.context, 'intake.askContact', { expectsInput: true }) });
  }

  private async contactAfterReuseStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const awaiting = stepValues(step)['awaiting'];
    if (awaiting === 'reuse' && typeof step.result === 'string') {
      const given = this.services.nlu.findContact(step.result);
      if (given) {
        draft.contact = given;
      } else if (this.reuseAnswer(step.context, step.result) === 'yes') {
        const profile = await this.services.userProfile.get(step.context, {});
        draft.contact = profile.knownContact;
      } else {
        draft.declinedKnownContact = true;
        stepValues(step)['draft'] = draft;
        stepValues(step)['awaiting'] = 'contact';
        return step.prompt(CONTACT_PROMPT, { prompt: message(this.services, step.context, 'intake.askContact', { expectsInput: true }) });
      }
    } else if (awaiting === 'contact' && typeof step.result === 'string') {
      draft.contact = this.services.nlu.findContact(step.result);
    }
    stepValues(step)['draft'] = draft;
    stepValues(step)['awaiting'] = undefined;
    return step.next();
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (stepValues(step)['awaiting'] === 'contact' && typeof step.result === 'string') {
      draft.contact = this.services.nlu.findContact(step.result);
      stepValues(step)['draft'] = draft;
    }
    const locale = turnLocale(step.context);
    const { prompts } = this.services;
    const photos = ((await this.services.evidence.get(step.context)) ?? []).length;
    const keys = [
      ...(stepValues(step)['notice'] === 'updated' ? ['intake.summaryUpdated'] : []),
      'intake.summary',
      ...(photos > 0 ? ['intake.summaryEvidence'] : []),
    ];
    return step.prompt(CONFIRM_PROMPT, {
      prompt: message(this.services, step.context, keys, {
        expectsInput: true,
        vars: {
          description: draft.description ?? '',
          order: draft.orderRef ?? prompts.text(locale, 'intake.noOrder'),
          remedy: draft.remedy ? prompts.text(locale, `intake.remedy.${draft.remedy}`) : '',
          contact: draft.contact?.value ?? '',
          photos,
        },
        choices: [prompts.text(locale, 'intake.confirmChoice'), prompts.text(locale, 'intake.changeChoice')],
      }),
    });
  }

  private async afterConfirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const answer = String(step.result ?? '');
    const corrections = this.corrections(answer);
    if (Object.keys(corrections).length > 0) {
      return step.replaceDialog(FLOW, { draft: { ...draft, ...corrections }, notice: 'updated' } satisfies IntakeOptions);
    }
    if (this.confirmAnswer(step.context, answer) === 'yes') return this.record(step, draft);
    const locale = turnLocale(step.context);
    return step.prompt(FIELD_PROMPT, {
      prompt: message(this.services, step.context, 'intake.askWhichField', {
        expectsInput: true,
        choices: FIELDS.map((field) => this.services.prompts.text(locale, `intake.field.${field}`)),
      }),
    });
  }

  private async afterFieldStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const answer = String(step.result ?? '');
    const corrections = this.corrections(answer);
    if (Object.keys(corrections).length > 0) {
      return step.replaceDialog(FLOW, { draft: { ...draft, ...corrections }, notice: 'updated' } satisfies IntakeOptions);
    }
    const field = this.fieldAnswer(step.context, answer);
    const cleared: Draft = { ...draft };
    if (field === 'orderRef') delete cleared.orderRef;
    else if (field === 'contact') {
      delete cleared.contact;
      cleared.declinedKnownContact = true;
    } else if (field) delete cleared[field];
    return step.replaceDialog(FLOW, { draft: cleared } satisfies IntakeOptions);
  }

  private async record(step: WaterfallStepContext, draft: Draft): Promise<DialogTurnResult> {
    const { description, remedy, contact } = draft;
    if (!description || !remedy || !contact) {
      throw new Error(`ComplaintIntakeDialog.record: incomplete draft ${draft.id}`);
    }
    const context = step.context;
    const locale = turnLocale(context);
    const conversationId = context.activity.conversation.id;
    const complaint = await this.services.complaints.record(
      { description, orderRef: draft.orderRef ?? null, remedy, contact, attachments: (await this.services.evidence.get(context)) ?? [] },
      {
        idempotencyKey: `${context.activity.channelId}/${conversationId}/${draft.id}`,
        conversationId,
        userId: context.activity.from.id,
        channel: context.activity.channelId,
        locale,
      },
    );
    await this.services.evidence.set(context, []);
    const profile = await this.services.userProfile.get(context, {});
    await this.services.userProfile.set(context, { ...profile, knownContact: contact });
    const { timeZone } = this.services;
    const firstDue = new Date(complaint.firstResponseDueAt);
    const immediate = firstDue.getTime() <= new Date(complaint.createdAt).getTime();
    await context.sendActivity(
      message(this.services, context, complaint.severity === 'urgent' ? 'intake.recordedUrgent' : 'intake.recorded', {
        vars: {
          code: complaint.code,
          codeSpoken: spellOut(complaint.code),
          firstResponse: immediate ? this.services.prompts.text(locale, 'common.immediately') : formatDateTime(firstDue, locale, timeZone),
          resolution: formatDateTime(new Date(complaint.resolutionDueAt), locale, timeZone),
        },
      }),
    );
    return step.endDialog(complaint.code);
  }

  // ---- understanding answers -------------------------------------------------------------

  private newDraftId(): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let id = '';
    for (let i = 0; i < 12; i += 1) id += alphabet[this.services.random.int(alphabet.length)];
    return id;
  }

  private remedyLabels(context: TurnContext): Array<readonly [Remedy, string]> {
    const locale = turnLocale(context);
    return REMEDIES.map((remedy) => [remedy, this.services.prompts.text(locale, `intake.remedy.${remedy}`)] as const);
  }

  private orderAnswer(context: TurnContext, text: string): string | undefined {
    const locale = turnLocale(context);
    if (matchLabel(text, [['none', this.services.prompts.text(locale, 'intake.noOrderChoice')]])) return undefined;
    const answer = this.services.nlu.parseOrderAnswer(text);
    if (answer.kind === 'order') return answer.value;
    return this.services.nlu.findOrderRef(text);
  }

  private remedyAnswer(context: TurnContext, text: string): Remedy | undefined {
    return matchLabel(text, this.remedyLabels(context)) ?? this.services.nlu.findRemedy(text);
  }

  private reuseAnswer(context: TurnContext, text: string): 'yes' | 'no' | undefined {
    const locale = turnLocale(context);
    const { prompts } = this.services;
    return (
      matchLabel(text, [['yes', prompts.text(locale, 'intake.reuseYes')], ['no', prompts.text(locale, 'intake.reuseNo')]] as const) ??
      this.services.nlu.parseYesNo(text)
    );
  }

  private confirmAnswer(context: TurnContext, text: string): 'yes' | 'no' | undefined {
    const locale = turnLocale(context);
    const { prompts } = this.services;
    return (
      matchLabel(text, [['yes', prompts.text(locale, 'intake.confirmChoice')], ['no', prompts.text(locale, 'intake.changeChoice')]] as const) ??
      this.services.nlu.parseYesNo(text)
    );
  }

  private fieldAnswer(context: TurnContext, text: string): Field | undefined {
    const locale = turnLocale(context);
    return matchLabel(text, FIELDS.map((field) => [field, this.services.prompts.text(locale, `intake.field.${field}`)] as const));
  }

  private corrections(text: string): Corrections {
    const { nlu } = this.services;
    const corrections: Corrections = {};
    const orderRef = nlu.findOrderRef(text);
    if (orderRef) corrections.orderRef = orderRef;
    const remedy = nlu.findRemedy(text);
    if (remedy) corrections.remedy = remedy;
    const contact = nlu.findContact(text);
    if (contact) corrections.contact = contact;
    return corrections;
  }

  // ---- validators: each sends its own specific retry message --------------------------------

  private async retry(pc: PromptValidatorContext<string>, key: string, choices?: string[]): Promise<false> {
    await pc.context.sendActivity(message(this.services, pc.context, key, { expectsInput: true, choices }));
    return false;
  }

  private async validateDescription(pc: PromptValidatorContext<string>): Promise<boolean> {
    const text = (pc.recognized.value ?? '').trim();
    // Accept a short description on the second try rather than trapping the customer.
    if (this.services.nlu.hasSubstantiveDescription(text) || (pc.attemptCount > 1 && text.length >= 2)) return true;
    return this.retry(pc, 'intake.descriptionTooShort');
  }

  /**
   * A question asked instead of an answer ("退款多久到账？" when the order number is asked) is
   * answered from the knowledge base when the words are a question and the knowledge base
   * answers it with confidence; then the intake asks
   * its question again. Returns true when it answered.
   */
  private async answeredAside(pc: PromptValidatorContext<string>, promptKey: string, choices?: string[]): Promise<boolean> {
    const text = (pc.recognized.value ?? '').trim();
    if (!text || this.services.nlu.recognizeIntent(text).intent !== 'question') return false;
    const decision = await this.services.knowledge.ask(text, turnLocale(pc.context));
    if (decision.kind !== 'answer' || decision.confidence < ASIDE_CONFIDENCE) return false;
    await pc.context.sendActivity(articleMessage(decision.article));
    await pc.context.sendActivity(message(this.services, pc.context, ['intake.backToIntake', promptKey], { expectsInput: true, choices }));
    return true;
  }

  private async validateOrder(pc: PromptValidatorContext<string>): Promise<boolean> {
    const text = pc.recognized.value ?? '';
    const locale = turnLocale(pc.context);
    const choices = [this.services.prompts.text(locale, 'intake.noOrderChoice')];
    if (matchLabel(text, [['none', choices[0] ?? '']])) return true;
    if (this.services.nlu.parseOrderAnswer(text).kind !== 'invalid' || this.services.nlu.findOrderRef(text)) return true;
    if (await this.answeredAside(pc, 'intake.askOrder', choices)) return false;
    if (pc.attemptCount >= ORDER_TRIES) {
      // The order number is optional: after a few tries the intake goes on without it
      // (the next step reads an unrecognised answer as "no order number").
      await pc.context.sendActivity(message(this.services, pc.context, 'intake.orderSkipped'));
      return true;
    }
    return this.retry(pc, 'intake.invalidOrder', choices);
  }

  private async validateRemedy(pc: PromptValidatorContext<string>): Promise<boolean> {
    if (this.remedyAnswer(pc.context, pc.recognized.value ?? '')) return true;
    const choices = this.remedyLabels(pc.context).map(([, label]) => label);
    if (await this.answeredAside(pc, 'intake.askRemedy', choices)) return false;
    return this.retry(pc, 'intake.invalidRemedy', choices);
  }

  private async validateContact(pc: PromptValidatorContext<string>): Promise<boolean> {
    const answer = this.services.nlu.parseContactAnswer(pc.recognized.value ?? '');
    if (answer.kind === 'contact') return true;
    if (await this.answeredAside(pc, 'intake.askContact')) return false;
    const key = answer.reason === 'phone' ? 'intake.invalidPhone' : answer.reason === 'email' ? 'intake.invalidEmail' : 'intake.invalidContact';
    return this.retry(pc, key);
  }

  private async validateReuse(pc: PromptValidatorContext<string>): Promise<boolean> {
    const text = pc.recognized.value ?? '';
    if (this.reuseAnswer(pc.context, text) || this.services.nlu.findContact(text)) return true;
    const locale = turnLocale(pc.context);
    return this.retry(pc, 'intake.yesNoRetry', [this.services.prompts.text(locale, 'intake.reuseYes'), this.services.prompts.text(locale, 'intake.reuseNo')]);
  }

  private async validateConfirm(pc: PromptValidatorContext<string>): Promise<boolean> {
    const text = pc.recognized.value ?? '';
    if (this.confirmAnswer(pc.context, text) || Object.keys(this.corrections(text)).length > 0) return true;
    const locale = turnLocale(pc.context);
    return this.retry(pc, 'intake.confirmRetry', [this.services.prompts.text(locale, 'intake.confirmChoice'), this.services.prompts.text(locale, 'intake.changeChoice')]);
  }

  private async validateField(pc: PromptValidatorContext<string>): Promise<boolean> {
    const text = pc.recognized.value ?? '';
    if (this.fieldAnswer(pc.context, text) || Object.keys(this.corrections(text)).length > 0) return true;
    const locale = turnLocale(pc.context);
    return this.retry(pc, 'intake.askWhichField', FIELDS.map((field) => this.services.prompts.text(locale, `intake.field.${field}`)));
  }
}
