import fs from 'node:fs';
import path from 'node:path';
import { playTranscript } from './support/transcript';

const dir = path.join(__dirname, 'transcripts');
const files = fs.readdirSync(dir).filter((file) => file.endsWith('.transcript')).sort();

describe('conversation transcripts', () => {
  it('has transcripts to play', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files)('%s', async (file) => {
    const { problems } = await playTranscript(file.replace(/\.transcript$/, ''), fs.readFileSync(path.join(dir, file), 'utf8'));
    expect(problems).toEqual([]);
  });
});
