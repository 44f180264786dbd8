/**
 * The state folder: everything bindbench creates (environments, data cache, store) lives under one directory,
 * `.bindbench` in the working directory unless `--home` says otherwise, so a project is self-contained.
 */
import { resolve, join } from 'node:path';

export interface Home {
  root: string;
  /** Python virtual environments, one per framework. */
  envs: string;
  /** Built runners (Rust targets, the tfjs addon). */
  build: string;
  /** Canonical datasets, shared orders and initial weights. */
  cache: string;
  /** Result store: run directories and the SQLite index. */
  store: string;
}

export function resolveHome(root?: string): Home {
  const r = resolve(root ?? process.env.BINDBENCH_HOME ?? '.bindbench');
  return { root: r, envs: join(r, 'envs'), build: join(r, 'build'), cache: join(r, 'cache'), store: join(r, 'store') };
}

/** The repository root of the installed package (where runners/ lives). */
export const packageRoot = resolve(new URL('../../..', import.meta.url).pathname);
