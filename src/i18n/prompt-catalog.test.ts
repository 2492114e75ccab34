import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findProjectRoot } from '../util/project-root';
import { PromptCatalog } from './prompt-catalog';

function catalogDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-prompts-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('PromptCatalog', () => {
  it('loads the bundled prompts with the same keys in both locales', () => {
    const catalog = PromptCatalog.load(path.join(findProjectRoot(), 'prompts'));
    expect(catalog.keys('zh-CN').sort()).toEqual(catalog.keys('en-US').sort());
    expect(catalog.keys('zh-CN').length).toBeGreaterThan(60);
  });

  it('fills placeholders and derives speech without Markdown', () => {
    const dir = catalogDir({
      'zh-CN/a.yaml': 'done: 查询码是 **{code}**\n',
      'en-US/a.yaml': 'done: Your code is **{code}**\n',
    });
    const catalog = PromptCatalog.load(dir);
    expect(catalog.render('en-US', 'a.done', { code: 'HL-7K3Q-9DXM' })).toEqual({
      text: 'Your code is **HL-7K3Q-9DXM**',
      speak: 'Your code is HL-7K3Q-9DXM',
    });
    expect(() => catalog.render('zh-CN', 'a.done')).toThrow('a.done needs {code}');
    expect(() => catalog.render('zh-CN', 'a.missing')).toThrow('no prompt a.missing');
  });

  it('refuses to load when a translation or a placeholder is missing', () => {
    const dir = catalogDir({
      'zh-CN/a.yaml': 'one: 一 {x}\ntwo: 二\n',
      'en-US/a.yaml': 'one: one {y}\nthree: three\n',
    });
    expect(() => PromptCatalog.load(dir)).toThrow(/en-US: missing a\.two[\s\S]*zh-CN: missing a\.three[\s\S]*a\.one: placeholders differ/);
  });
});
