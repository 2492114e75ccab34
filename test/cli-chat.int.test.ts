import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findProjectRoot } from '../src/util/project-root';

const root = findProjectRoot();

/** `bin/hearline chat` runs the same bot on the same store, reading lines from stdin. */
describe('bin/hearline chat', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-cli-'));
  });

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function chat(args: string[], input: string) {
    return spawnSync(path.join(root, 'bin', 'hearline'), ['chat', ...args], {
      input,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir },
      timeout: 60_000,
    });
  }

  it('takes a pre-filled Chinese complaint to a tracking code, asking only for the contact', () => {
    const result = chat(['--user', 'cli-customer'], '订单123456的快递三天没到，我要退款\n13812345678\n1\n');
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toContain('bot> 请留下您的手机号或邮箱，方便处理人员联系您。');
    expect(out).not.toContain('请提供订单号');
    expect(out).not.toContain('您希望我们怎么处理？');
    expect(out).toContain('     - 订单号：123456');
    expect(out).toContain('     (确认提交)');
    expect(out).toMatch(/bot> 您的投诉已登记，查询码是 \*\*HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\*\*/);
    expect(result.stderr).toMatch(/^\(conversation cli-[0-9a-f]{12}; resume it with --conversation cli-[0-9a-f]{12}\)\n$/);
  });

  it('resumes a conversation at its step with --conversation, in English', () => {
    const first = chat(['--locale', 'en-US', '--conversation', 'cli-resume'], 'I want to complain\n');
    expect(first.stdout).toContain('bot> Please tell me what happened');
    const second = chat(['--locale', 'en-US', '--conversation', 'cli-resume'], 'The kettle leaks from the bottom\n');
    expect(second.stdout).toContain('bot> What\'s the order or reference number?');
  });

  it('refuses an unknown locale with exit code 2', () => {
    const result = chat(['--locale', 'fr-FR'], '');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--locale must be zh-CN or en-US, not "fr-FR"');
  });
});
