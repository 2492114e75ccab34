import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { findProjectRoot } from '../util/project-root';
import type { CliIo } from './cli-io';
import { runKbCommand } from './kb';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIo = { stdin: Readable.from([]), stdout, stderr, open: () => Promise.reject(new Error('kb lint must not open the store')) };
  return { code: await runKbCommand(args, io), out, err };
}

const article = (id: string, questions: string[], extra = '') =>
  `---\nid: ${id}\ntitle: ${id}\nquestions: ${JSON.stringify(questions)}\ntags: []\ncategory: general\n${extra}updated: 2026-11-23\nowner: kb\n---\nThe answer.\n`;

describe('hearline kb lint', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-cli-lint-'));
    fs.mkdirSync(path.join(dir, 'zh-CN'));
    fs.mkdirSync(path.join(dir, 'en-US'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on the bundled knowledge base and says how many articles it checked', async () => {
    const { code, out } = await run(['lint', '--dir', path.join(findProjectRoot(), 'knowledge')]);
    expect(code).toBe(0);
    expect(out).toMatch(/^\d+ zh-CN and \d+ en-US articles; 0 problems, 0 warnings\n$/);
  });

  it('exits 1 naming the file and field of each problem', async () => {
    fs.writeFileSync(path.join(dir, 'en-US', 'refund.md'), article('refund', ['Where is my refund?', 'Refund status', 'Money back'], 'voice: Soon.\n'));
    fs.writeFileSync(path.join(dir, 'en-US', 'returns.md'), article('returns', ['where is my refund', 'Can I return it?', 'Returns'], 'voice: Within 7 days.\n'));
    fs.writeFileSync(path.join(dir, 'en-US', 'hours.md'), article('hours', ['When are you open?', 'Opening hours', 'Open on Sunday?']));
    const { code, out } = await run(['lint', '--dir', dir]);
    expect(code).toBe(1);
    expect(out).toContain(`error: ${path.join(dir, 'en-US', 'hours.md')}: voice: missing spoken answer`);
    expect(out).toMatch(/error: .*returns\.md: questions: \[0\] "where is my refund" is also an example question of "refund"/);
    expect(out).toMatch(/warning: .*refund\.md: id: has no zh-CN version/);
  });

  it('prints the report as JSON with --json', async () => {
    fs.writeFileSync(path.join(dir, 'zh-CN', 'hours.md'), article('hours', ['几点开门', '营业时间', '周末上班吗'], 'voice: 九点到九点。\n'));
    const { code, out } = await run(['lint', '--dir', dir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      articles: { 'zh-CN': 1, 'en-US': 0 },
      findings: [{ level: 'warning', file: path.join(dir, 'zh-CN', 'hours.md'), field: 'id', message: `has no en-US version (${path.join(dir, 'en-US', 'hours.md')})` }],
    });
  });

  it('exits 2 on an unknown option or a missing folder', async () => {
    expect((await run(['lint', '--bogus'])).code).toBe(2);
    const missing = await run(['lint', '--dir', path.join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read the knowledge folder/);
  });
});
