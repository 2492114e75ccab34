import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { findProjectRoot } from '../../util/project-root';
import { foldQuestion, formatLintReport, lintKnowledgeBase } from './kb-lint';

function source(frontMatter: Record<string, unknown>): string {
  return `---\n${stringify(frontMatter)}---\nThe answer.\n`;
}

function frontMatter(id: string, questions: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: id,
    questions,
    tags: [],
    category: 'general',
    voice: 'A short spoken answer.',
    updated: '2026-11-23',
    owner: 'kb-editors',
    ...extra,
  };
}

describe('lintKnowledgeBase', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearline-lint-'));
    await fs.mkdir(path.join(dir, 'zh-CN'));
    await fs.mkdir(path.join(dir, 'en-US'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function write(locale: string, id: string, content: string): Promise<void> {
    await fs.writeFile(path.join(dir, locale, `${id}.md`), content);
  }

  it('finds nothing wrong with a clean pair of articles', async () => {
    await write('zh-CN', 'refund', source(frontMatter('refund', ['怎么退款', '退款多久到账', '我要退钱'])));
    await write('en-US', 'refund', source(frontMatter('refund', ['How do I get a refund?', 'Where is my refund?', 'I want my money back'])));

    const report = await lintKnowledgeBase(dir);

    expect(report).toEqual({ articles: { 'zh-CN': 1, 'en-US': 1 }, findings: [] });
    expect(formatLintReport(report)).toBe('1 zh-CN and 1 en-US articles; 0 problems, 0 warnings');
  });

  it('reports the same example question in two articles of one locale, naming both', async () => {
    await write('en-US', 'refund', source(frontMatter('refund', ['How do I get a refund?', 'Where is my refund?', 'Money back'])));
    await write('en-US', 'return', source(frontMatter('return', ['how do I get a refund', 'Can I return this?', 'Return policy'])));

    const { findings } = await lintKnowledgeBase(dir);

    expect(findings.filter((finding) => finding.level === 'problem')).toEqual([
      {
        level: 'problem',
        file: path.join(dir, 'en-US', 'return.md'),
        field: 'questions',
        message: `[0] "how do I get a refund" is also an example question of "refund" (${path.join(dir, 'en-US', 'refund.md')})`,
      },
    ]);
  });

  it('reports a question repeated inside one article', async () => {
    await write('zh-CN', 'refund', source(frontMatter('refund', ['怎么退款', '退款多久到账', '怎么退款？'])));

    const { findings } = await lintKnowledgeBase(dir);

    expect(findings).toContainEqual({ level: 'problem', file: path.join(dir, 'zh-CN', 'refund.md'), field: 'questions', message: '[2] "怎么退款？" appears twice in this article' });
  });

  it('reports a missing spoken answer and schema problems with file and field', async () => {
    const { voice: _voice, ...withoutVoice } = frontMatter('refund', ['怎么退款', '退款多久到账', '我要退钱']);
    await write('zh-CN', 'refund', source(withoutVoice));
    await write('zh-CN', 'hours', source(frontMatter('hours', ['几点上班'], { category: 'opening-hours' })));

    const { findings } = await lintKnowledgeBase(dir);
    const problems = findings.filter((finding) => finding.level === 'problem');

    expect(problems).toContainEqual(expect.objectContaining({ file: path.join(dir, 'zh-CN', 'refund.md'), field: 'voice', message: expect.stringMatching(/^missing spoken answer/) }));
    expect(problems).toContainEqual(expect.objectContaining({ file: path.join(dir, 'zh-CN', 'hours.md'), field: 'questions' }));
    expect(problems).toContainEqual(expect.objectContaining({ file: path.join(dir, 'zh-CN', 'hours.md'), field: 'category' }));
  });

  it('warns, without failing, about an article that exists in one locale only', async () => {
    await write('zh-CN', 'refund', source(frontMatter('refund', ['怎么退款', '退款多久到账', '我要退钱'])));

    const report = await lintKnowledgeBase(dir);

    expect(report.findings).toEqual([
      { level: 'warning', file: path.join(dir, 'zh-CN', 'refund.md'), field: 'id', message: `has no en-US version (${path.join(dir, 'en-US', 'refund.md')})` },
    ]);
    expect(formatLintReport(report)).toMatch(/0 problems, 1 warning$/);
  });

  it('folds case, width and punctuation when comparing questions', () => {
    expect(foldQuestion('退款多久到账？')).toBe(foldQuestion('退款 多久到账'));
    expect(foldQuestion('Where is my REFUND?!')).toBe(foldQuestion('where is my refund'));
    expect(foldQuestion('ＡＢＣ')).toBe('abc');
    expect(foldQuestion('refund')).not.toBe(foldQuestion('refunds'));
  });

  it('passes on the bundled knowledge base', async () => {
    const report = await lintKnowledgeBase(path.join(findProjectRoot(), 'knowledge'));

    expect(report.findings.filter((finding) => finding.level === 'problem')).toEqual([]);
    expect(report.articles['zh-CN']).toBeGreaterThanOrEqual(30);
    expect(report.articles['en-US']).toBeGreaterThanOrEqual(30);
  });
});
