import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { MessageFactory, type TurnContext } from 'botbuilder-core';
import { z } from 'zod';
import type { KnowledgeArticle } from '../src/services/knowledge/knowledge-service';
import { matchLabel, menuChoices, message, stepValues, turnLocale, type DialogServices } from './dialog-kit';

export const QUESTION_DIALOG = 'question';

const FLOW = 'question.flow';
const CLARIFY_PROMPT = 'question.clarify';

/** `unclear`: the words were not recognised as a question; with no answer, say so rather than "no answer found". */
const questionOptionsSchema = z.object({ text: z.string(), unclear: z.boolean().optional() });
export type QuestionOptions = z.infer<typeof questionOptionsSchema>;

/**
 * Answers a question from the knowledge base: a confident answer, a choice between two close
 * articles, or an honest "I don't know" with an offer to record a complaint or get a person.
 */
export class QuestionDialog extends ComponentDialog {
  constructor(private readonly services: DialogServices) {
    super(QUESTION_DIALOG);
    this.addDialog(new TextPrompt(CLARIFY_PROMPT));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        // Ask the knowledge service and answer, clarify, or admit it has no answer.
        (step) => this.askStep(step),
        // The customer picked one of two close articles (or neither).
        (step) => this.clarifiedStep(step),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { text, unclear } = questionOptionsSchema.parse(step.options);
    const locale = turnLocale(step.context);
    const decision = await this.services.knowledge.ask(text, locale);
    if (decision.kind === 'answer') {
      await this.sendArticle(step.context, decision.article);
      return step.endDialog(decision.article.id);
    }
    if (decision.kind === 'clarify') {
      const [first, second] = decision.options;
      stepValues(step)['options'] = [first.articleId, second.articleId];
      return step.prompt(CLARIFY_PROMPT, {
        prompt: message(this.services, step.context, 'knowledge.clarify', {
          expectsInput: true,
          choices: [first.title, second.title, this.services.prompts.text(locale, 'knowledge.neither')],
        }),
      });
    }
    await step.context.sendActivity(
      unclear
        ? message(this.services, step.context, 'main.notUnderstood', { choices: menuChoices(this.services, step.context) })
        : message(this.services, step.context, 'knowledge.none', {
            choices: [this.services.prompts.text(locale, 'main.menu.complaint'), this.services.prompts.text(locale, 'main.menu.human')],
          }),
    );
    return step.endDialog();
  }

  private async clarifiedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const ids = z.array(z.string()).parse(stepValues(step)['options']);
    const articles = ids
      .map((id) => this.services.knowledge.getArticle(id, locale))
      .filter((article): article is KnowledgeArticle => article !== undefined);
    const picked = matchLabel(String(step.result ?? ''), articles.map((article) => [article.id, article.title] as const));
    const article = articles.find((candidate) => candidate.id === picked);
    if (!article) {
      await step.context.sendActivity(message(this.services, step.context, 'knowledge.neitherReply'));
      return step.endDialog();
    }
    await this.sendArticle(step.context, article);
    return step.endDialog(article.id);
  }

  private async sendArticle(context: TurnContext, article: KnowledgeArticle): Promise<void> {
    const footer = this.services.prompts.render(turnLocale(context), 'knowledge.answerFooter');
    const reply = MessageFactory.text(`${article.body.trim()}\n\n${footer.text}`, `${article.voice} ${footer.speak}`);
    reply.locale = article.locale;
    await context.sendActivity(reply);
  }
}
