/**
 * The run browser serves raw files of the store (result.json, events.jsonl, ...) and nothing else. A request path
 * is mapped to a file only if every segment is a plain name (no `..`, `.`, separators or NUL, after decoding) and
 * the file's real path, symlinks resolved, lies inside the store's real path.
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/** `segments` are the URL path segments below the store, still percent-encoded. null: not a file the app may serve. */
export function resolveInsideRoot(root: string, segments: readonly string[]): string | null {
  const names: string[] = [];
  for (const raw of segments) {
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (name === '' || name === '.' || name === '..' || /[\/\\\0]/.test(name)) return null;
    names.push(name);
  }
  if (names.length === 0) return null;
  const base = resolve(root);
  const target = resolve(base, ...names);
  if (!target.startsWith(base + sep)) return null;
  try {
    const realRoot = realpathSync(base);
    const real = realpathSync(target);
    if (!real.startsWith(realRoot + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
