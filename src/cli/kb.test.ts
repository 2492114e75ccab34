import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { loadConfig } from '../config';
import { articleSource } from '../services/knowledge/article-source';
import { KnowledgeRepository } from '../services/knowledge/knowledge-repository';
import { openSqliteStore } from '../storage/sqlite-store';
import { systemClock } from '../util/clock';
import type { CliIo } from './cli-io';
import { runKbCommand } from './kb';

const draft = (body: string) => ({
  title: 'Opening hours',
  questions: ['when are you open', 'opening hours', 'are you open today'],
  tags: [],
  category: 'general',
  voice: 'Nine to five.',
  actions: [],
  updated: '2026-01-01',
  owner: 'kb',
  body,
});

describe('hearline kb export', () => {
  let dataDir: string;
  let knowledgeDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-cli-kb-'));
    knowledgeDir = path.join(dataDir, 'knowledge');
    fs.mkdirSync(path.join(knowledgeDir, 'en-US', 'service'), { recursive: true });
    fs.mkdirSync(path.join(knowledgeDir, 'zh-CN'), { recursive: true });
    fs.writeFileSync(path.join(knowledgeDir, 'en-US', 'service', 'opening-hours.md'), articleSource('opening-hours', draft('From git.')));
    fs.writeFileSync(path.join(knowledgeDir, 'en-US', 'old-news.md'), articleSource('old-news', { ...draft('Old.'), title: 'Old news' }));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const io: CliIo = {
      stdin: Readable.from([]),
      stdout,
      stderr,
      open: async () => ({ config: loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR: knowledgeDir }), store: openSqliteStore({ dataDir }) }),
    };
    return { code: await runKbCommand(args, io), out, err };
  }

  it('writes published versions over the folder files of the same id, and lists retired ones', async () => {
    const store = openSqliteStore({ dataDir });
    const repository = new KnowledgeRepository({ documents: store.documents, clock: systemClock, knowledgeDir });
    await repository.publish({ locale: 'en-US', id: 'opening-hours', source: articleSource('opening-hours', draft('From the editor.')), baseVersion: 0, author: 'edith', comment: '' });
    await repository.create({ locale: 'zh-CN', id: 'new-one', source: articleSource('new-one', { ...draft('新的。'), title: '新文章' }), author: 'edith', comment: '' });
    await repository.retire({ locale: 'en-US', id: 'old-news', baseVersion: 0, author: 'edith', comment: '' });
    await store.close();

    const result = await run(['export', '--dir', knowledgeDir]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(knowledgeDir, 'en-US', 'service', 'opening-hours.md'), 'utf8')).toContain('From the editor.');
    expect(fs.existsSync(path.join(knowledgeDir, 'en-US', 'opening-hours.md'))).toBe(false);
    expect(fs.readFileSync(path.join(knowledgeDir, 'zh-CN', 'new-one.md'), 'utf8')).toContain('新的。');
    expect(result.out).toContain(`retired: en-US/old-news (delete ${path.join(knowledgeDir, 'en-US', 'old-news.md')})`);
    expect(result.out).toContain('2 articles exported');
  });

  it('refuses usage errors with exit code 2', async () => {
    expect(await run(['export'])).toMatchObject({ code: 2, err: expect.stringContaining('--dir is required') });
    expect(await run(['export', '--dri', 'x'])).toMatchObject({ code: 2 });
    expect(await run(['lint-everything'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown subcommand') });
  });
});
