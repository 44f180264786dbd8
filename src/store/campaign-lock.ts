/**
 * One orchestrator per campaign: `<campaign>/.lock` holds the holder's pid, host and start time while a campaign runs
 * (a new one, or a resume). A second `run --resume` of the same campaign is refused with who holds it; a lock whose
 * process is gone (a killed orchestrator) is stale and taken over. A lock from another host cannot be checked, so it is
 * refused with the file to delete once that host's run is known to be over.
 */
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../base/errors.js';

interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : null;
  } catch {
    return null; // absent, or written half by a process killed mid-write: nobody holds it
  }
}

/** Takes the campaign's lock or throws BadInputError naming the holder; returns the function that releases it. */
export function lockCampaign(campaignDir: string, campaign: string): () => void {
  mkdirSync(campaignDir, { recursive: true });
  const path = join(campaignDir, '.lock');
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      return () => {
        // Only our own lock: a stale-lock takeover by another process must not be undone by us.
        if (readHolder(path)?.pid === me.pid && readHolder(path)?.host === me.host) unlinkSync(path);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(path);
    if (holder && holder.host !== me.host) {
      throw new BadInputError(`campaign ${campaign} is being run on host ${holder.host} (process ${holder.pid}, since ${holder.since}); when that run is over, delete ${path} and try again`);
    }
    if (holder && alive(holder.pid)) {
      throw new BadInputError(`campaign ${campaign} is already being run by process ${holder.pid} on this host (since ${holder.since}): wait for it to finish, or stop it, then \`bindbench run --resume ${campaign}\``);
    }
    // Stale: its process is gone. Remove it and try again (another process may win the race; then it holds it).
    try {
      unlinkSync(path);
    } catch {
      // someone else removed it first
    }
  }
  throw new BadInputError(`campaign ${campaign}: could not take ${path}; another process keeps taking it`);
}
