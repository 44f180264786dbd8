/**
 * Campaign ids and run keys become folder names, so each is checked against one pattern before it becomes a path:
 * no separators, no `..`, nothing hidden. A name from the command line that fails is bad input, said as such.
 */
import { BadInputError } from '../base/errors.js';

/** Letters, digits and `._@+-`, starting with a letter or digit (so never `.`, `..` or a hidden name). */
const STORE_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$/;

/** The store's own hidden folders beside the campaigns (an import's staging, a replaced import on its way out). */
const INTERNAL_NAME = /^\.(import|replaced)-[A-Za-z0-9._@+-]{1,240}$/;

export function checkStoreName(kind: 'campaign' | 'run', name: string): string {
  if (!STORE_NAME.test(name) && !(kind === 'campaign' && INTERNAL_NAME.test(name))) {
    throw new BadInputError(`'${name}' is not a valid ${kind} ${kind === 'campaign' ? 'id' : 'key'}: use letters, digits and . _ @ + - only, starting with a letter or digit, at most 200 characters (it becomes a folder name in the store)`);
  }
  return name;
}
