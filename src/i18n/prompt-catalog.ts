import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LOCALES, type Locale } from '../domain/complaint';

/** A text for people: what is shown and what is spoken (phone), already filled in. */
export interface RenderedPrompt {
  text: string;
  speak: string;
}

const entrySchema = z.union([
  z.string().min(1),
  z.object({ text: z.string().min(1), speak: z.string().min(1).optional() }).strict(),
  z.array(z.string().min(1)).min(1),
]);
const fileSchema = z.record(z.string().regex(/^[a-zA-Z][\w]*$/), z.union([entrySchema, z.record(z.string(), entrySchema)]));

type Entry = { text: string; speak: string | undefined } | { list: string[] };

/** Variables such as `{code}` in prompts. */
const PLACEHOLDER = /\{(\w+)\}/g;

/** Markdown emphasis and links read badly when spoken: strip them for the voice variant. */
function toSpeech(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/\[(.+?)\]\((.+?)\)/g, '$1')
    .replace(/^[-*] /gm, '')
    .replace(/\n+/g, ' ')
    .trim();
}

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').sort();
}

/**
 * Every text for people, per locale, loaded from `prompts/<locale>/*.yaml`. Keys are
 * `<file>.<key>` (e.g. `intake.askContact`). Loading fails when the locales disagree on keys
 * or placeholders, so a missing translation is found at start-up, not by a customer.
 */
export class PromptCatalog {
  private constructor(private readonly entries: Map<Locale, Map<string, Entry>>) {}

  static load(dir: string): PromptCatalog {
    const entries = new Map<Locale, Map<string, Entry>>();
    const problems: string[] = [];
    for (const locale of LOCALES) {
      const localeDir = path.join(dir, locale);
      const map = new Map<string, Entry>();
      for (const file of fs.readdirSync(localeDir).filter((f) => f.endsWith('.yaml')).sort()) {
        const area = file.replace(/\.yaml$/, '');
        const parsed = fileSchema.safeParse(parseYaml(fs.readFileSync(path.join(localeDir, file), 'utf8')));
        if (!parsed.success) {
          problems.push(`${locale}/${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
          continue;
        }
        for (const [key, value] of Object.entries(parsed.data)) {
          addEntry(map, `${area}.${key}`, value);
        }
      }
      entries.set(locale, map);
    }
    const [first, ...others] = LOCALES;
    const reference = entries.get(first)!;
    for (const other of others) {
      const map = entries.get(other)!;
      for (const key of reference.keys()) if (!map.has(key)) problems.push(`${other}: missing ${key}`);
      for (const key of map.keys()) if (!reference.has(key)) problems.push(`${first}: missing ${key}`);
      for (const [key, entry] of reference) {
        const twin = map.get(key);
        if (twin && 'text' in entry && 'text' in twin && placeholders(entry.text).join() !== placeholders(twin.text).join()) {
          problems.push(`${key}: placeholders differ between ${first} and ${other}`);
        }
      }
    }
    if (problems.length > 0) throw new Error(`PromptCatalog.load(${dir}):\n  ${problems.join('\n  ')}`);
    return new PromptCatalog(entries);

    function addEntry(map: Map<string, Entry>, key: string, value: unknown): void {
      if (typeof value === 'string') map.set(key, { text: value.trim(), speak: undefined });
      else if (Array.isArray(value)) map.set(key, { list: value.map(String) });
      else if (value && typeof value === 'object' && 'text' in value) {
        const v = value as { text: string; speak?: string };
        map.set(key, { text: v.text.trim(), speak: v.speak?.trim() });
      } else if (value && typeof value === 'object') {
        for (const [sub, subValue] of Object.entries(value)) addEntry(map, `${key}.${sub}`, subValue);
      }
    }
  }

  /** The text and spoken text of `key` in `locale`, with `{name}` placeholders filled in. */
  render(locale: Locale, key: string, vars: Record<string, string | number> = {}): RenderedPrompt {
    const entry = this.entry(locale, key);
    if (!('text' in entry)) throw new Error(`PromptCatalog.render: ${key} is a list, use list()`);
    const fill = (template: string) =>
      template.replace(PLACEHOLDER, (_, name: string) => {
        const value = vars[name];
        if (value === undefined) throw new Error(`PromptCatalog.render: ${key} needs {${name}}`);
        return String(value);
      });
    const text = fill(entry.text);
    return { text, speak: entry.speak ? fill(entry.speak) : toSpeech(text) };
  }

  /** Shorthand for the display text only. */
  text(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
    return this.render(locale, key, vars).text;
  }

  /** A list entry, such as the words that choose a menu item. */
  list(locale: Locale, key: string): string[] {
    const entry = this.entry(locale, key);
    if (!('list' in entry)) throw new Error(`PromptCatalog.list: ${key} is not a list`);
    return entry.list;
  }

  /** Every key, for tests that check coverage. */
  keys(locale: Locale): string[] {
    return [...(this.entries.get(locale)?.keys() ?? [])];
  }

  private entry(locale: Locale, key: string): Entry {
    const entry = this.entries.get(locale)?.get(key);
    if (!entry) throw new Error(`PromptCatalog: no prompt ${key} for ${locale}`);
    return entry;
  }
}
