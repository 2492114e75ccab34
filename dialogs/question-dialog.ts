import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder-core';
import { z } from 'zod';
import { maskPii } from '../src/logging/pii';
import type { GapReason } from '../src/services/knowledge/knowledge-gaps';
import type { KnowledgeAction, KnowledgeArticle, ScoredArticle } from '../src/services/knowledge/knowledge-service';
import { articleMessage, matchLabel, menuChoices, message, readSignals, stepValues, turnLocale, type ConversationSignals, type DialogServices } from './dialog-kit';

export const QUESTION_DIALOG = 'question';

const FLOW = 'question.flow';
const CLARIFY_PROMPT = 'question.clarify';
const FEEDBACK_PROMPT = 'question.feedback';
const OFFER_PROMPT = 'question.offer';

/** `unclear`: the words were not recognised as a question; with no answer, say so rather than "no answer found". */
type ArticleFeedback = ConversationSignals['articles'][number]['feedback'];

const questionOptionsSchema = z.object({ text: z.string(), unclear: z.boolean().optional() });
export type QuestionOptions = z.infer<typeof questionOptionsSchema>;

/** Where the waterfall stands; later steps pass a turn through when it is not theirs. */
const stageSchema = z.enum(['clarify', 'feedback', 'offer']);
type Stage = z.infer<typeof stageSchema>;

/** Why the customer was offered a person, by the stage at which the knowledge base fell short. */
const OFFER_REASONS: Record<Stage | 'none', string> = {
  none: 'knowledge-no-answer',
  clarify: 'knowledge-clarify-declined',
  feedback: 'knowledge-not-helpful',
  offer: 'knowledge-no-answer',
};

/** Questions shorter than this are too thin to show editors as a gap ("?", "嗯"). */
const MIN_GAP_QUESTION_CHARS = 4;

/**
 * Answers a question from the knowledge base and checks that the answer helped: a confident
 * answer followed by "did that solve it?", a choice between two close articles, or an honest
 * "I don't know". Whenever the knowledge base falls short, the customer is offered a complaint
 * (pre-filled with their question, so they need not repeat it) or a person, the miss counts
 * towards escalation, and the question is reported to content editors as a gap.
 */
export class QuestionDialog extends ComponentDialog {
  constructor(private readonly services: DialogServices) {
    super(QUESTION_DIALOG);
    this.addDialog(new TextPrompt(CLARIFY_PROMPT));
    this.addDialog(new TextPrompt(FEEDBACK_PROMPT));
    this.addDialog(new TextPrompt(OFFER_PROMPT));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        // Ask the knowledge service, then answer, ask which of two articles, or admit it has no answer.
        (step) => this.askStep(step),
        // The customer picked one of two close articles, or neither.
        (step) => this.clarifiedStep(step),
        // The customer said whether the answer solved the problem.
        (step) => this.feedbackStep(step),
        // The knowledge base fell short: the customer chose a complaint, a person, or something else.
        (step) => this.offerStep(step),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { text, unclear } = questionOptionsSchema.parse(step.options);
    stepValues(step)['question'] = text;
    const decision = await this.services.knowledge.ask(text, turnLocale(step.context));
    if (decision.kind === 'answer') return this.answer(step, decision.article, decision.confidence);
    if (decision.kind === 'clarify') {
      const [first, second] = decision.options;
      stepValues(step)['options'] = [first.articleId, second.articleId];
      stepValues(step)['bestCandidate'] = { articleId: first.articleId, confidence: first.score };
      return this.promptAt(step, 'clarify', CLARIFY_PROMPT, 'knowledge.clarify', [
        first.title,
        second.title,
        this.label(step.context, 'knowledge.neither'),
      ]);
    }
    await this.recordGap(step, 'low_confidence', decision.ranked[0]);
    if (unclear) {
      // Words that were neither a recognised request nor a known question: show what the bot can do.
      await step.context.sendActivity(message(this.services, step.context, 'main.notUnderstood', { choices: menuChoices(this.services, step.context) }));
      return step.endDialog();
    }
    return this.fellShort(step, 'knowledge.none', ['offer_complaint', 'offer_human']);
  }

  private async clarifiedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.stage(step) !== 'clarify') return step.next(step.result);
    const reply = String(step.result ?? '');
    const locale = turnLocale(step.context);
    const articles = z
      .array(z.string())
      .parse(stepValues(step)['options'])
      .map((id) => this.services.knowledge.getArticle(id, locale))
      .filter((article): article is KnowledgeArticle => article !== undefined);
    const picked = articles.find((article) => article.id === matchLabel(reply, articles.map((candidate) => [candidate.id, candidate.title] as const)));
    if (picked) return this.answer(step, picked);
    if (!this.saysNeither(step.context, reply)) {
      // Neither button nor "no": the customer asked something else; route it afresh.
      return step.endDialog({ reroute: reply });
    }
    for (const article of articles) await this.noteArticle(step.context, article, 'declined');
    const best = z.object({ articleId: z.string(), confidence: z.number() }).parse(stepValues(step)['bestCandidate']);
    await this.recordGap(step, 'clarify_declined', { articleId: best.articleId, title: '', score: best.confidence });
    return this.fellShort(step, 'knowledge.neitherReply', ['offer_complaint', 'offer_human']);
  }

  private async feedbackStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.stage(step) !== 'feedback') return step.next(step.result);
    const reply = String(step.result ?? '');
    const context = step.context;
    const verdict =
      matchLabel(reply, [
        ['yes', this.label(context, 'knowledge.feedbackYes')],
        ['no', this.label(context, 'knowledge.feedbackNo')],
      ] as const) ?? this.services.nlu.parseYesNo(reply);
    const answered = this.services.knowledge.getArticle(z.string().parse(stepValues(step)['articleId']), turnLocale(context));
    if (answered && (verdict === 'yes' || verdict === 'no')) await this.noteArticle(context, answered, verdict === 'yes' ? 'helped' : 'not_helpful');
    if (verdict === 'yes') {
      await context.sendActivity(message(this.services, context, 'knowledge.glad'));
      return step.endDialog();
    }
    if (verdict !== 'no') return step.endDialog({ reroute: reply });
    const articleId = z.string().parse(stepValues(step)['articleId']);
    await this.recordGap(step, 'not_helpful', { articleId, title: '', score: z.number().optional().parse(stepValues(step)['confidence']) ?? 0 });
    const article = this.services.knowledge.getArticle(articleId, turnLocale(context));
    return this.fellShort(step, 'knowledge.notHelpful', article?.actions ?? []);
  }

  private async offerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const reply = String(step.result ?? '');
    const context = step.context;
    const locale = turnLocale(context);
    const choice = matchLabel(reply, [
      ['complaint', this.services.prompts.text(locale, 'main.menu.complaint')],
      ['human', this.services.prompts.text(locale, 'main.menu.human')],
    ] as const);
    const question = z.string().parse(stepValues(step)['question']);
    if (choice === 'complaint') return step.endDialog({ startIntake: { initialText: question } });
    if (choice === 'human') {
      const reason = OFFER_REASONS[stageSchema.or(z.literal('none')).catch('none').parse(stepValues(step)['stageBeforeOffer'])];
      const repeated = stepValues(step)['repeatedFailure'] === true ? ['repeated_failure'] : [];
      return step.endDialog({ startHuman: { reasons: ['explicit-request', reason, ...repeated] } });
    }
    return step.endDialog({ reroute: reply });
  }

  /** Sends the article, then asks whether it solved the problem. */
  /** Keeps the articles offered and the customer's verdict for the handoff packet (the latest ten). */
  private async noteArticle(context: TurnContext, article: KnowledgeArticle, feedback: ArticleFeedback): Promise<void> {
    const signals = await readSignals(this.services, context);
    const others = signals.articles.filter((entry) => entry.articleId !== article.id);
    await this.services.signals.set(context, { ...signals, articles: [...others, { articleId: article.id, title: article.title, feedback }].slice(-10) });
  }

  private async answer(step: WaterfallStepContext, article: KnowledgeArticle, confidence?: number): Promise<DialogTurnResult> {
    await this.noteArticle(step.context, article, 'no_reply');
    stepValues(step)['articleId'] = article.id;
    if (confidence !== undefined) stepValues(step)['confidence'] = confidence;
    stepValues(step)['stage'] = 'feedback';
    await step.context.sendActivity(articleMessage(article));
    return step.prompt(FEEDBACK_PROMPT, {
      prompt: message(this.services, step.context, 'knowledge.feedback', {
        expectsInput: true,
        choices: [this.label(step.context, 'knowledge.feedbackYes'), this.label(step.context, 'knowledge.feedbackNo')],
      }),
    });
  }

  private promptAt(step: WaterfallStepContext, stage: Stage, promptId: string, key: string, choices: string[], vars: Record<string, number> = {}): Promise<DialogTurnResult> {
    if (stage === 'offer') stepValues(step)['stageBeforeOffer'] = stepValues(step)['stage'] ?? 'none';
    stepValues(step)['stage'] = stage;
    return step.prompt(promptId, { prompt: message(this.services, step.context, key, { expectsInput: true, choices, vars }) });
  }

  private stage(step: WaterfallStepContext): Stage | undefined {
    const parsed = stageSchema.safeParse(stepValues(step)['stage']);
    return parsed.success ? parsed.data : undefined;
  }

  /** What to offer when an answer fell short: what the article allows, and always a person. */
  private offerChoices(context: TurnContext, actions: readonly KnowledgeAction[]): string[] {
    const locale = turnLocale(context);
    const choices: string[] = [];
    if (actions.includes('offer_complaint')) choices.push(this.services.prompts.text(locale, 'main.menu.complaint'));
    choices.push(this.services.prompts.text(locale, 'main.menu.human'));
    return choices;
  }

  private saysNeither(context: TurnContext, reply: string): boolean {
    return matchLabel(reply, [['neither', this.label(context, 'knowledge.neither')]] as const) !== undefined || this.services.nlu.parseYesNo(reply) === 'no';
  }

  private label(context: TurnContext, key: string): string {
    return this.services.prompts.text(turnLocale(context), key);
  }

  /**
   * The knowledge base fell short: counted towards escalation, then the customer is offered
   * what the article allows and a person; once the misses reach the escalation threshold, the
   * bot proposes a person first, in so many words.
   */
  private async fellShort(step: WaterfallStepContext, key: string, actions: readonly KnowledgeAction[]): Promise<DialogTurnResult> {
    const context = step.context;
    const signals = await readSignals(this.services, context);
    const failedAnswers = signals.failedAnswers + 1;
    await this.services.signals.set(context, { ...signals, failedAnswers });
    if (failedAnswers < this.services.escalation.options.failedAnswers) return this.promptAt(step, 'offer', OFFER_PROMPT, key, this.offerChoices(context, actions));
    stepValues(step)['repeatedFailure'] = true;
    const locale = turnLocale(context);
    return this.promptAt(step, 'offer', OFFER_PROMPT, 'knowledge.offerPerson', [
      this.services.prompts.text(locale, 'main.menu.human'),
      this.services.prompts.text(locale, 'main.menu.complaint'),
    ], { count: failedAnswers });
  }

  /** Reports the question to editors (the recorder never throws: a lost gap must not spoil the turn). */
  private async recordGap(step: WaterfallStepContext, reason: GapReason, candidate: ScoredArticle | undefined): Promise<void> {
    const question = maskPii(z.string().parse(stepValues(step)['question']).trim());
    if ([...question].length < MIN_GAP_QUESTION_CHARS) return;
    await this.services.knowledgeGaps.record({
      locale: turnLocale(step.context),
      question,
      reason,
      ...(candidate ? { articleId: candidate.articleId, confidence: candidate.score } : {}),
      channel: step.context.activity.channelId,
      at: this.services.clock.now().toISOString(),
    });
  }
}
