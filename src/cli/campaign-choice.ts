/** Which campaigns a reading command works on: the ones named, else the newest one in the store. */
import { BadInputError } from '../base/errors.js';
import type { ResultStore } from '../store/result-store.js';

export function defaultCampaigns(store: ResultStore, named: readonly string[]): string[] {
  const ids = named.length ? [...new Set(named)] : store.listCampaigns().slice(0, 1).map((c) => c.id);
  if (ids.length === 0) throw new BadInputError(`no campaigns in ${store.dir}: run \`bindbench run\` or \`bindbench import\` first`);
  return ids;
}
