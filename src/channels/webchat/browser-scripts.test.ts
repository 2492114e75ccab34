import vm from 'node:vm';
import { embedScript, PAGE_SCRIPT } from './browser-scripts';

/** The scripts are source text: make sure they parse (the e2e test runs them in Chromium). */
describe('browser scripts', () => {
  it('page.js is valid JavaScript', () => {
    expect(() => new vm.Script(PAGE_SCRIPT, { filename: 'page.js' })).not.toThrow();
  });

  it('embed.js is valid JavaScript and calls itself with the given configuration', () => {
    const source = embedScript('{"accentColor":"#0063B1"}');
    expect(() => new vm.Script(source, { filename: 'embed.js' })).not.toThrow();
    expect(source.trimEnd().endsWith('})({"accentColor":"#0063B1"});')).toBe(true);
  });
});
