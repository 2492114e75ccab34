import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadProcessConfig } from '../config';
import { formatLintReport, lintKnowledgeBase, type LintReport } from '../services/knowledge/kb-lint';
import { KnowledgeRepository } from '../services/knowledge/knowledge-repository';
import { systemClock } from '../util/clock';
import { processIo, type CliIo } from './cli-io';

/** Usage of `hearline kb`, also shown by `hearline help`. */
export const KB_USAGE = `  kb        knowledge-base maintenance
            kb lint [--dir D] [--json]  check every article in D (default: KNOWLEDGE_DIR): front
                                      matter, duplicate ids, example questions repeated across
                                      articles, missing spoken answers; exits 1 on problems
            kb export --dir D         write the articles published in the editor into D as
                                      <locale>/<id>.md (over a file of that id where there is
                                      one), to commit them to the knowledge folder in git
`;

/** `hearline kb <subcommand>`: dispatches on the first argument. Returns the exit code. */
export async function runKbCommand(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [what, ...rest] = args;
  switch (what) {
    case 'export':
      return exportPublished(rest, io);
    case 'lint':
      return lint(rest, io);
    default:
      io.stderr.write(`hearline kb: ${what === undefined ? 'say what to do' : `unknown subcommand "${what}"`}\n\nUsage:\n${KB_USAGE}`);
      return 2;
  }
}

/**
 * Checks the knowledge folder as a CI step would: one line per finding, then a count; exit 1
 * when there is a problem (warnings, such as an article in one language only, do not fail).
 */
async function lint(args: readonly string[], io: CliIo): Promise<number> {
  let values: { dir?: string; json?: boolean };
  try {
    values = parseArgs({ args: [...args], options: { dir: { type: 'string' }, json: { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    io.stderr.write(`hearline kb lint: ${error instanceof Error ? error.message : String(error)}\n\nUsage:\n${KB_USAGE}`);
    return 2;
  }
  const dir = values.dir === undefined ? loadProcessConfig().knowledgeDir : path.resolve(values.dir);
  let report: LintReport;
  try {
    report = await lintKnowledgeBase(dir);
  } catch (error) {
    io.stderr.write(`hearline kb lint: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  io.stdout.write(`${values.json ? JSON.stringify(report) : formatLintReport(report)}\n`);
  return report.findings.some((finding) => finding.level === 'problem') ? 1 : 0;
}

/**
 * Writes every article whose newest version came from the editor as a file, so the folder
 * says what customers get; lists retired articles, whose files the team should delete.
 */
async function exportPublished(args: readonly string[], io: CliIo): Promise<number> {
  let dir: string | undefined;
  try {
    dir = parseArgs({ args: [...args], options: { dir: { type: 'string' } }, strict: true }).values.dir;
  } catch (error) {
    io.stderr.write(`hearline kb export: ${error instanceof Error ? error.message : String(error)}\n\nUsage:\n${KB_USAGE}`);
    return 2;
  }
  if (!dir) {
    io.stderr.write(`hearline kb export: --dir is required\n\nUsage:\n${KB_USAGE}`);
    return 2;
  }
  const target = path.resolve(dir);
  const { config, store } = await io.open();
  try {
    const repository = new KnowledgeRepository({ documents: store.documents, clock: systemClock, knowledgeDir: config.knowledgeDir });
    let written = 0;
    for (const { locale, id, version } of await repository.published()) {
      const existing = await findArticleFile(path.join(target, locale), `${id}.md`);
      if (version.kind === 'retired') {
        io.stdout.write(`retired: ${locale}/${id}${existing ? ` (delete ${existing})` : ''}\n`);
        continue;
      }
      if (version.kind !== 'text' || version.source === undefined) continue; // follows the folder's file
      const file = existing ?? path.join(target, locale, `${id}.md`);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, version.source, 'utf8');
      io.stdout.write(`wrote ${file} (version ${version.version}, ${version.author}, ${version.at})\n`);
      written += 1;
    }
    io.stdout.write(`${written} article${written === 1 ? '' : 's'} exported to ${target}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** The path of `name` anywhere under `dir` (editors may group articles in subfolders). */
async function findArticleFile(dir: string, name: string): Promise<string | undefined> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return full;
    if (entry.isDirectory()) {
      const found = await findArticleFile(full, name);
      if (found) return found;
    }
  }
  return undefined;
}
