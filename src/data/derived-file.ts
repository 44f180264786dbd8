/**
 * Cached files that are pure functions of their parameters (a shared order, shared initial weights): checked on
 * every use by rebuilding their bytes and comparing, so a damaged or edited file is replaced rather than trained on
 * (a permutation with two entries swapped would otherwise train as ok with another order than its seed gives). A
 * file is checked again whenever its size or modification time changed since this process last checked it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../base/atomic-file.js';
import { encodeSafetensors, type Tensor } from '../base/safetensors.js';
import type { CachedFile } from './cache.js';

/** Files checked by this process, with their size and mtime then: a file changed since is checked again. */
const checked = new Map<string, { sha256: string; stamp: string }>();
const stampOf = (path: string) => {
  const st = statSync(path);
  return `${st.size}:${st.mtimeMs}`;
};

/** The file at `path` holding exactly `build()`'s tensors, written or rewritten as needed; `onRepair` hears of a rewrite. */
export function derivedSafetensors(path: string, build: () => { tensors: Record<string, Tensor>; metadata: Record<string, string> }, onRepair?: (path: string) => void): CachedFile {
  const known = checked.get(path);
  if (known && existsSync(path) && known.stamp === stampOf(path)) return { path, sha256: known.sha256 };
  const { tensors, metadata } = build();
  const bytes = encodeSafetensors(tensors, metadata);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (!existsSync(path) || createHash('sha256').update(readFileSync(path)).digest('hex') !== sha256) {
    if (existsSync(path)) onRepair?.(path);
    writeFileAtomic(path, bytes);
  }
  checked.set(path, { sha256, stamp: stampOf(path) });
  return { path, sha256 };
}
