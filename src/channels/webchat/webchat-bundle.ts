import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);

/** The official Web Chat UMD bundle as installed, with its version for cache-busting URLs. */
export interface WebChatBundle {
  readonly file: string;
  readonly version: string;
  /** The file's bytes, plain or gzipped; read (and compressed) once, on first use. */
  content(encoding: 'identity' | 'gzip'): Promise<Buffer>;
}

/**
 * Finds `botframework-webchat/dist/webchat.js` in node_modules. The package's `exports` map does
 * not expose `package.json`, so this resolves the package's entry point and walks up to its
 * folder. Throws at start-up, naming the path, when the bundle is missing.
 */
export function locateWebChatBundle(): WebChatBundle {
  const packageDir = findPackageDir('botframework-webchat', require.resolve('botframework-webchat'));
  const file = path.join(packageDir, 'dist', 'webchat.js');
  if (!fs.existsSync(file)) throw new Error(`locateWebChatBundle: ${file} is missing; reinstall botframework-webchat`);
  const manifest: unknown = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : 'unknown';

  let plain: Promise<Buffer> | undefined;
  let gzipped: Promise<Buffer> | undefined;
  // A failed read is not kept, so the next request tries again.
  const readPlain = () =>
    (plain ??= fs.promises.readFile(file).catch((error: unknown) => {
      plain = undefined;
      throw new Error(`WebChatBundle.content: cannot read ${file}`, { cause: error });
    }));
  return {
    file,
    version,
    content(encoding) {
      if (encoding === 'identity') return readPlain();
      // About 4 MB shrinks to about 1 MB; compressing once at best level is worth it.
      return (gzipped ??= readPlain()
        .then((bytes) => gzip(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }))
        .catch((error: unknown) => {
          gzipped = undefined;
          throw error;
        }));
    },
  };
}

function findPackageDir(name: string, entry: string): string {
  let dir = path.dirname(entry);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const found: unknown = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      if (typeof found === 'object' && found !== null && 'name' in found && found.name === name) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`locateWebChatBundle: no ${name} package.json above ${entry}`);
    dir = parent;
  }
}
