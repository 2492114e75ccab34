import { promises as fs } from 'node:fs';
import { z } from 'zod';

/** One line of an evaluation file (`eval intents`, `eval emotion`): a text and its label. */
export const labelledTextSchema = z.object({ text: z.string(), label: z.string().min(1) });
export type LabelledText = z.infer<typeof labelledTextSchema>;

/** An evaluation file that cannot be used; the commands report it with exit code 2. */
export class EvalDataError extends Error {}

/** Parses JSON lines of `{"text", "label"}`; blank lines are skipped, anything else names its line. */
export function parseLabelledLines(content: string, file: string): LabelledText[] {
  const examples: LabelledText[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim().length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new EvalDataError(`${file}:${index + 1}: not valid JSON`, { cause });
    }
    const parsed = labelledTextSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'} ${issue.message}`).join('; ');
      throw new EvalDataError(`${file}:${index + 1}: expected {"text": string, "label": string}: ${problems}`);
    }
    examples.push(parsed.data);
  });
  if (examples.length === 0) throw new EvalDataError(`${file}: no examples`);
  return examples;
}

/** Reads and parses an evaluation file; an unreadable file is an EvalDataError too. */
export async function readLabelledFile(file: string): Promise<LabelledText[]> {
  let content: string;
  try {
    content = await fs.readFile(file, 'utf8');
  } catch (cause) {
    throw new EvalDataError(`cannot read ${file}`, { cause });
  }
  return parseLabelledLines(content, file);
}

/** Nearest-rank percentile of `values` (which it sorts a copy of); 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * Progress on stderr: a bar redrawn at most every 1% on a terminal; otherwise a plain line
 * every 10%, so that logs are not filled with carriage returns.
 */
export function progressBar(name: string, terminal = process.stderr.isTTY === true): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const percent = Math.floor((done / total) * 100);
    const step = terminal ? percent : Math.floor(percent / 10) * 10;
    if (step === shown && done !== total) return;
    if (done === total && shown === 100) return;
    shown = done === total ? 100 : step;
    if (!terminal) {
      process.stderr.write(`${name}: ${done}/${total} (${shown}%)\n`);
      return;
    }
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}
