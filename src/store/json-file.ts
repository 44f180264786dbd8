/**
 * Reading the store's JSON files: a file that exists but does not parse (a crash mid-write on a filesystem that does
 * not keep renames atomic, a hand edit, a disk fault) is named with what to do, never a bare SyntaxError.
 */
import { readFileSync } from 'node:fs';
import { BadInputError } from '../base/errors.js';

/** A store file that exists but cannot be read as what it should be. */
export class DamagedFileError extends BadInputError {
  constructor(
    readonly path: string,
    detail: string,
    action: string,
  ) {
    super(`${path} is damaged (${detail}): ${action}`);
    this.name = 'DamagedFileError';
  }
}

export function readJsonFile<T>(path: string, action: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DamagedFileError(path, `cannot be read: ${(e as Error).message}`, action);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new DamagedFileError(path, `not valid JSON: ${(e as Error).message}`, action);
  }
}
