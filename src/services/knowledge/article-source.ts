import { stringify } from 'yaml';
import type { KnowledgeArticle } from './knowledge-service';

/** The front-matter fields of an article in the order the bundled files write them. */
const FIELD_ORDER = ['id', 'title', 'questions', 'tags', 'category', 'voice', 'actions', 'updated', 'owner'] as const;

/**
 * An article draft as an editor fills it in: loosely typed on purpose, because what is wrong
 * with it is for parseArticle to say, field by field, exactly as it does for a file.
 */
export interface ArticleDraft {
  title: string;
  questions: string[];
  tags: string[];
  category: string;
  voice: string;
  actions: string[];
  updated: string;
  owner: string;
  body: string;
}

/**
 * The text of an article file (`knowledge/<locale>/<id>.md`): YAML front matter, then the
 * Markdown body. Editors' versions are kept in this form, so that parseArticle checks them like
 * files and `kb export` writes them out unchanged.
 */
export function articleSource(id: string, draft: ArticleDraft): string {
  const frontMatter: Record<string, unknown> = { id };
  for (const field of FIELD_ORDER) if (field !== 'id') frontMatter[field] = draft[field];
  return `---\n${stringify(frontMatter, { lineWidth: 0 })}---\n${draft.body.trim()}\n`;
}

/** An article as a draft, to start editing from. */
export function articleDraft(article: KnowledgeArticle): ArticleDraft {
  return {
    title: article.title,
    questions: [...article.questions],
    tags: [...article.tags],
    category: article.category,
    voice: article.voice,
    actions: [...article.actions],
    updated: article.updated,
    owner: article.owner,
    body: article.body,
  };
}
