import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadKnowledgeBase, parseArticle } from './article-loader';

const validFrontMatter = {
  id: 'refund-policy',
  title: 'Refund policy',
  questions: ['How do I get a refund?', 'Can I get my money back?', 'I want a refund'],
  tags: ['refund'],
  category: 'after_sales',
  voice: 'You can cancel an order that has not shipped for a full refund.',
  actions: ['offer_human'],
  updated: '2025-01-15',
  owner: 'kb-editors',
};

function articleSource(frontMatter: Record<string, unknown> = validFrontMatter, body = 'Refunds go back to the **original** payment method.'): string {
  return `---\n${stringify(frontMatter)}---\n${body}\n`;
}

describe('parseArticle', () => {
  it('parses front matter and body into an article of the given locale', () => {
    const parsed = parseArticle('knowledge/en-US/refund-policy.md', 'en-US', articleSource());

    expect(parsed).toEqual({
      ok: true,
      article: { ...validFrontMatter, locale: 'en-US', body: 'Refunds go back to the **original** payment method.' },
    });
  });

  it('accepts Windows line endings and a byte-order mark', () => {
    const source = `\uFEFF${articleSource().replace(/\n/g, '\r\n')}`;

    const parsed = parseArticle('refund-policy.md', 'en-US', source);

    expect(parsed.ok && parsed.article.body).toBe('Refunds go back to the **original** payment method.');
  });

  it('defaults missing actions to none', () => {
    const { actions: _actions, ...withoutActions } = validFrontMatter;

    const parsed = parseArticle('refund-policy.md', 'en-US', articleSource(withoutActions));

    expect(parsed.ok && parsed.article.actions).toEqual([]);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['id', 'not kebab-case', { id: 'Refund_Policy' }],
    ['id', 'missing', { id: undefined }],
    ['title', 'empty', { title: '' }],
    ['questions', 'fewer than 3', { questions: ['How do I get a refund?', 'Can I get my money back?'] }],
    ['questions', 'not all strings', { questions: ['How do I get a refund?', 42, 'I want a refund'] }],
    ['tags', 'not a list', { tags: 'refund' }],
    ['category', 'unknown', { category: 'refunds' }],
    ['voice', 'longer than 300 characters', { voice: 'x'.repeat(301) }],
    ['voice', 'with Markdown emphasis', { voice: 'See the **refund** page.' }],
    ['voice', 'with a Markdown list', { voice: 'Steps:\n- open My orders\n- press Refund' }],
    ['actions', 'unknown action', { actions: ['offer_discount'] }],
    ['updated', 'not YYYY-MM-DD', { updated: '15/01/2025' }],
    ['updated', 'not a real date', { updated: '2025-02-30' }],
    ['owner', 'missing', { owner: undefined }],
    ['answer', 'a key the format does not know', { answer: 'misspelt key' }],
  ])('reports front-matter field %s (%s) and leaves the article out', (field, _case, change) => {
    const parsed = parseArticle('knowledge/en-US/refund-policy.md', 'en-US', articleSource({ ...validFrontMatter, ...change }));

    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([
      { file: 'knowledge/en-US/refund-policy.md', field, message: expect.any(String) },
    ]);
  });

  it('reports an id that differs from the file name', () => {
    const parsed = parseArticle('knowledge/en-US/refunds.md', 'en-US', articleSource());

    expect(parsed).toEqual({
      ok: false,
      problems: [{ file: 'knowledge/en-US/refunds.md', field: 'id', message: '"refund-policy" must equal the file name "refunds"' }],
    });
  });

  it('reports a missing answer body', () => {
    const parsed = parseArticle('refund-policy.md', 'en-US', articleSource(validFrontMatter, '   '));

    expect(!parsed.ok && parsed.problems).toEqual([{ file: 'refund-policy.md', field: 'body', message: expect.any(String) }]);
  });

  it.each([
    ['no front matter at all', '# Refunds\nAsk us.'],
    ['an unclosed front matter block', '---\nid: refund-policy\n'],
    ['front matter that is not YAML', '---\nquestions: [one, two\n---\nBody'],
    ['front matter that is not a mapping', '---\n- just\n- a list\n---\nBody'],
  ])('reports %s without naming a field', (_case, source) => {
    const parsed = parseArticle('refund-policy.md', 'en-US', source);

    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([{ file: 'refund-policy.md', message: expect.any(String) }]);
  });
});

describe('loadKnowledgeBase', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearline-kb-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function write(relative: string, source: string): Promise<void> {
    await fs.mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await fs.writeFile(path.join(dir, relative), source, 'utf8');
  }

  it('loads the good articles of each locale and reports the bad ones', async () => {
    await write('en-US/refund-policy.md', articleSource());
    await write('en-US/broken.md', articleSource({ ...validFrontMatter, id: 'broken', category: 'nonsense' }));
    await write('en-US/notes.txt', 'not an article');
    await write('zh-CN/refund-policy.md', articleSource({ ...validFrontMatter, title: '退款政策' }));

    const { articles, problems } = await loadKnowledgeBase(dir);

    expect(articles.map((article) => [article.locale, article.id, article.title])).toEqual([
      ['zh-CN', 'refund-policy', '退款政策'],
      ['en-US', 'refund-policy', 'Refund policy'],
    ]);
    expect(problems).toEqual([{ file: path.join(dir, 'en-US/broken.md'), field: 'category', message: expect.any(String) }]);
  });

  it('keeps the first of two articles with the same id in a locale and reports the second', async () => {
    await write('zh-CN/after-sales/refund-policy.md', articleSource({ ...validFrontMatter, title: 'first' }));
    await write('zh-CN/refund-policy.md', articleSource({ ...validFrontMatter, title: 'second' }));
    await write('en-US/refund-policy.md', articleSource());

    const { articles, problems } = await loadKnowledgeBase(dir);

    expect(articles.filter((article) => article.locale === 'zh-CN').map((article) => article.title)).toEqual(['first']);
    expect(problems).toEqual([
      {
        file: path.join(dir, 'zh-CN/refund-policy.md'),
        field: 'id',
        message: `"refund-policy" is already used by ${path.join(dir, 'zh-CN/after-sales/refund-policy.md')}`,
      },
    ]);
  });

  it('reports a locale without a folder', async () => {
    await write('en-US/refund-policy.md', articleSource());

    const { articles, problems } = await loadKnowledgeBase(dir);

    expect(articles).toHaveLength(1);
    expect(problems).toEqual([{ file: path.join(dir, 'zh-CN'), message: 'no readable folder for locale zh-CN' }]);
  });

  it('fails when the knowledge folder itself is missing', async () => {
    await expect(loadKnowledgeBase(path.join(dir, 'missing'))).rejects.toThrow(/cannot read the knowledge folder/);
  });

  it('loads the shipped knowledge base: 36 articles per locale, the same ids, no problems', async () => {
    const { articles, problems } = await loadKnowledgeBase(path.resolve(__dirname, '../../../knowledge'));

    expect(problems).toEqual([]);
    const idsOf = (locale: string) => articles.filter((article) => article.locale === locale).map((article) => article.id).sort();
    const expectedIds = [
      'account-login',
      'account-security',
      'cancel-order',
      'change-delivery-address',
      'complaint-escalation',
      'complaint-process',
      'contact-us',
      'coupon-problems',
      'damaged-delivery',
      'delivery-fee',
      'double-charge',
      'exchange-policy',
      'installation-service',
      'invoice',
      'invoice-reissue',
      'late-delivery',
      'lost-parcel',
      'membership-points',
      'missing-item',
      'opening-hours',
      'order-tracking',
      'partial-refund',
      'payment-methods',
      'price-protection',
      'privacy-data-request',
      'product-safety',
      'refund-not-received',
      'refund-policy',
      'refund-timeline',
      'repair-progress',
      'return-policy',
      'return-shipping-cost',
      'staff-attitude',
      'unsubscribe-marketing',
      'warranty-repair',
      'wrong-item-received',
    ];
    expect(idsOf('zh-CN')).toEqual(expectedIds);
    expect(idsOf('en-US')).toEqual(expectedIds);
    for (const article of articles) {
      expect(article.questions.length).toBeGreaterThanOrEqual(5);
      expect(article.questions.length).toBeLessThanOrEqual(12);
    }
  });
});
