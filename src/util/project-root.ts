import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder holding Hearline's package.json: found by walking up from this file, so the
 * bundled prompts/ and knowledge/ are found from sources (tests) and from dist/ alike.
 */
export function findProjectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const name: unknown = JSON.parse(fs.readFileSync(manifest, 'utf8')).name;
      if (name === 'hearline') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`findProjectRoot: no Hearline package.json above ${start}`);
    dir = parent;
  }
}
