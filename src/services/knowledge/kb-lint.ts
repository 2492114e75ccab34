import path from 'node:path';
import { LOCALES, type Locale } from '../../domain/complaint';
import { loadKnowledgeBase, type ArticleProblem } from './article-loader';
import type { KnowledgeArticle } from './knowledge-service';

/** A problem makes `kb lint` fail; a warning is reported but does not. */
export interface LintFinding extends ArticleProblem {
  level: 'problem' | 'warning';
}

export interface LintReport {
  /** Articles that loaded, per locale. */
  articles: Record<Locale, number>;
  findings: LintFinding[];
}

/**
 * Example questions are compared after folding case, width, spaces and punctuation, so
 * "退款多久到账？" and "退款多久到账" count as the same phrasing.
 */
export function foldQuestion(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/**
 * Checks a knowledge folder the way the server loads it, and more strictly: every front-matter
 * problem and duplicate id the loader reports (a missing spoken answer is a missing `voice`),
 * the same example question twice in one article or in two articles of one locale (the matcher
 * could not tell them apart), and, as warnings, articles that exist in one locale only.
 */
export async function lintKnowledgeBase(dir: string): Promise<LintReport> {
  const { articles, problems } = await loadKnowledgeBase(dir);
  const findings: LintFinding[] = problems.map((problem) => ({ level: 'problem', ...withFriendlyMessage(problem) }));
  const fileOf = (article: KnowledgeArticle) => path.join(dir, article.locale, `${article.id}.md`);

  for (const locale of LOCALES) {
    const firstArticleByQuestion = new Map<string, KnowledgeArticle>();
    for (const article of articles.filter((candidate) => candidate.locale === locale)) {
      const seenHere = new Set<string>();
      article.questions.forEach((question, index) => {
        const folded = foldQuestion(question);
        if (seenHere.has(folded)) {
          findings.push({ level: 'problem', file: fileOf(article), field: 'questions', message: `[${index}] "${question}" appears twice in this article` });
          return;
        }
        seenHere.add(folded);
        const other = firstArticleByQuestion.get(folded);
        if (other) {
          findings.push({
            level: 'problem',
            file: fileOf(article),
            field: 'questions',
            message: `[${index}] "${question}" is also an example question of "${other.id}" (${fileOf(other)})`,
          });
        } else {
          firstArticleByQuestion.set(folded, article);
        }
      });
    }
  }

  const idsByLocale = new Map(LOCALES.map((locale) => [locale, new Set(articles.filter((article) => article.locale === locale).map((article) => article.id))]));
  for (const article of articles) {
    for (const locale of LOCALES) {
      if (locale !== article.locale && !idsByLocale.get(locale)?.has(article.id)) {
        findings.push({ level: 'warning', file: fileOf(article), field: 'id', message: `has no ${locale} version (${path.join(dir, locale, `${article.id}.md`)})` });
      }
    }
  }

  const count = (locale: Locale) => idsByLocale.get(locale)?.size ?? 0;
  return { articles: { 'zh-CN': count('zh-CN'), 'en-US': count('en-US') }, findings };
}

/** The loader says "voice: Invalid input"; an editor reading lint output wants to know it is the spoken answer. */
function withFriendlyMessage(problem: ArticleProblem): ArticleProblem {
  if (problem.field === 'voice' && /required|expected string, received undefined/i.test(problem.message)) {
    return { ...problem, message: `missing spoken answer for the phone (${problem.message})` };
  }
  return problem;
}

/** One line per finding, `file: field: message`, problems before warnings. */
export function formatLintReport(report: LintReport): string {
  const ordered = [...report.findings].sort((a, b) => (a.level === b.level ? 0 : a.level === 'problem' ? -1 : 1));
  const lines = ordered.map((finding) => `${finding.level === 'problem' ? 'error' : 'warning'}: ${finding.file}${finding.field ? `: ${finding.field}` : ''}: ${finding.message}`);
  const problems = report.findings.filter((finding) => finding.level === 'problem').length;
  const warnings = report.findings.length - problems;
  lines.push(
    `${report.articles['zh-CN']} zh-CN and ${report.articles['en-US']} en-US articles; ${problems} problem${problems === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  );
  return lines.join('\n');
}
