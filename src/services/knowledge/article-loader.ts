import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { COMPLAINT_CATEGORIES, LOCALES, type Locale } from '../../domain/complaint';
import type { KnowledgeArticle } from './knowledge-service';

/** Something wrong with one article file; the article is left out, the others still load. */
export interface ArticleProblem {
  file: string;
  /** The front-matter field at fault, when the problem is in one field. */
  field?: string;
  message: string;
}

/** Result of parsing one article file. */
export type ParsedArticle =
  | { ok: true; article: KnowledgeArticle }
  | { ok: false; problems: ArticleProblem[] };

/** Categories an article may have: the complaint categories plus 'general' for everything else. */
export const ARTICLE_CATEGORIES = [...COMPLAINT_CATEGORIES, 'general'] as const;

const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Characters and line starts that a speech engine would read out literally. */
const MARKDOWN_SYNTAX = /[*_`#[\]<>|~]|^\s*(?:[-+]|\d+\.)\s/m;

/** Front matter of an article. Strict, so that a misspelt key is reported instead of ignored. */
export const articleFrontMatterSchema = z.strictObject({
  id: z.string().regex(KEBAB_CASE, 'must be kebab-case (lower-case words joined by hyphens)'),
  title: z.string().trim().min(1).max(120),
  questions: z.array(z.string().trim().min(1).max(300)).min(3, 'needs at least 3 example questions'),
  tags: z.array(z.string().trim().min(1).max(50)),
  category: z.enum(ARTICLE_CATEGORIES),
  voice: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .refine((voice) => !MARKDOWN_SYNTAX.test(voice), 'must be plain spoken text, without Markdown'),
  actions: z.array(z.enum(['offer_complaint', 'offer_human'])).default([]),
  updated: z.iso.date('must be a date written YYYY-MM-DD'),
  owner: z.string().trim().min(1).max(100),
});

/**
 * Parses one article: YAML front matter between `---` lines, then the Markdown body.
 * `file` is only used for the id check (id = file name without `.md`) and in problem reports.
 */
export function parseArticle(file: string, locale: Locale, source: string): ParsedArticle {
  const fail = (message: string, field?: string): ParsedArticle => ({
    ok: false,
    problems: [field === undefined ? { file, message } : { file, field, message }],
  });

  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
  if (lines[0]?.trimEnd() !== '---' || end < 0) {
    return fail('must start with YAML front matter between two "---" lines');
  }

  const document = parseDocument(lines.slice(1, end).join('\n'));
  if (document.errors.length > 0) {
    return fail(`front matter is not valid YAML: ${document.errors.map((error) => error.message).join('; ')}`);
  }

  const parsed = articleFrontMatterSchema.safeParse(document.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue): ArticleProblem[] => {
        // An unknown key is a problem of that key, not of the whole front matter.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({ file, field: key, message: 'is not a known front-matter field' }));
        }
        const [field, ...rest] = issue.path.map(String);
        const where = rest.length > 0 ? `[${rest.join('.')}] ` : '';
        return [field === undefined ? { file, message: issue.message } : { file, field, message: where + issue.message }];
      }),
    };
  }

  const expectedId = path.basename(file, '.md');
  if (parsed.data.id !== expectedId) {
    return fail(`"${parsed.data.id}" must equal the file name "${expectedId}"`, 'id');
  }
  const body = lines.slice(end + 1).join('\n').trim();
  if (body.length === 0) return fail('the Markdown answer after the front matter is empty', 'body');

  return { ok: true, article: { ...parsed.data, locale, body } };
}

/**
 * Loads every `<locale>/<id>.md` under `dir`, subfolders of a locale included so that editors
 * can group articles; that is also how two files can claim one id, and the first by path is kept.
 * Bad articles are reported and left out rather than failing start-up, so one typo does not
 * take the whole knowledge base down. An unreadable `dir` itself is a configuration error and throws.
 */
export async function loadKnowledgeBase(
  dir: string,
): Promise<{ articles: KnowledgeArticle[]; problems: ArticleProblem[] }> {
  try {
    await fs.access(dir);
  } catch (cause) {
    throw new Error(`loadKnowledgeBase: cannot read the knowledge folder ${dir}`, { cause });
  }

  const articles: KnowledgeArticle[] = [];
  const problems: ArticleProblem[] = [];
  for (const locale of LOCALES) {
    const localeDir = path.join(dir, locale);
    let files: string[];
    try {
      files = await listMarkdownFiles(localeDir);
    } catch {
      // Every question in this locale would go unanswered: worth telling the editors.
      problems.push({ file: localeDir, message: `no readable folder for locale ${locale}` });
      continue;
    }

    const firstFileById = new Map<string, string>();
    for (const file of files) {
      const parsed = parseArticle(file, locale, await fs.readFile(file, 'utf8'));
      if (!parsed.ok) {
        problems.push(...parsed.problems);
        continue;
      }
      const first = firstFileById.get(parsed.article.id);
      if (first !== undefined) {
        problems.push({ file, field: 'id', message: `"${parsed.article.id}" is already used by ${first}` });
        continue;
      }
      firstFileById.set(parsed.article.id, file);
      articles.push(parsed.article);
    }
  }
  return { articles, problems };
}

/** All `.md` files under `dir`, depth first, sorted so that "first by path" is stable. */
async function listMarkdownFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listMarkdownFiles(full)));
    else if (entry.isFile() && entry.name.endsWith('.md')) files.push(full);
  }
  return files;
}
