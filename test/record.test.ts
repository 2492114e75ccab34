import fs from 'node:fs';
import { playTranscript } from './support/transcript';

// Authoring aid, not a check: `RECORD=test/transcripts/x.transcript npx jest test/record`
// prints what the bot says in transcript syntax. Without RECORD it verifies the parser only.
const file = process.env.RECORD;

it('records or parses', async () => {
  if (!file) {
    const { actual } = await playTranscript('record-smoke', 'user> 你好\n');
    expect(actual[0]).toBe('user> 你好');
    return;
  }
  const { actual } = await playTranscript('record', fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(`${file}.actual`, `${actual.join('\n')}\n`);
  expect(actual.length).toBeGreaterThan(0);
});
