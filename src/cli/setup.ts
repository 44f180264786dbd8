/** `bindbench setup`: install bindings and build their runners, in dependency order, idempotently. */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import type { BindingDescriptor, SetupContext } from '../bindings/binding.js';
import { bindings, descriptorFor } from '../bindings/index.js';
import { BadInputError, CampaignFailedError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import { commaList, homeOf } from './common.js';

const OUTPUT_TAIL_CHARS = 3000;

function setupContext(home: Home): SetupContext {
  const log = (line: string) => process.stderr.write(`setup: ${line}\n`);
  return {
    home,
    log,
    exec: (command, args, opts = {}) =>
      new Promise((resolve, reject) => {
        log(`$ ${command} ${args.join(' ')}`);
        const child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let tail = '';
        const relay = (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          tail = (tail + text).slice(-OUTPUT_TAIL_CHARS);
          process.stderr.write(text.replace(/^(?=.)/gm, '    '));
        };
        child.stdout.on('data', relay);
        child.stderr.on('data', relay);
        child.on('error', (err) => reject(new Error(`${command} could not be started (${err.message}): is it installed and on PATH?`)));
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with status ${code}:\n${tail}`))));
      }),
  };
}

/** The chosen bindings plus what they need, dependencies first. */
export function setupOrder(all: readonly BindingDescriptor[], chosen: string[]): BindingDescriptor[] {
  const order: BindingDescriptor[] = [];
  const visit = (id: string, path: string[]) => {
    if (order.some((b) => b.id === id)) return;
    if (path.includes(id)) throw new Error(`binding setup cycle: ${[...path, id].join(' -> ')}`);
    let b: BindingDescriptor;
    try {
      b = descriptorFor(id, all);
    } catch (e) {
      throw new BadInputError(`${(e as Error).message.replace('allowed values: ', 'allowed values: all, ')}`);
    }
    if (order.some((x) => x.id === b.id)) return; // `<id>@<pinned version>` is the binding itself
    for (const need of b.needs) visit(need, [...path, id]);
    order.push(b);
  };
  for (const id of chosen) visit(id, []);
  return order;
}

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('install bindings from the package registries and build their runners (idempotent)')
    .option('--bindings <ids>', "comma-separated binding ids, or 'all' (default: all that can be installed here)", 'all')
    .action(async (o, cmd: Command) => {
      const home = homeOf(cmd);
      const chosen = o.bindings === 'all' ? bindings.filter((b) => b.setup).map((b) => b.id) : commaList(o.bindings);
      const ctx = setupContext(home);
      const failures: string[] = [];
      for (const b of setupOrder(bindings, chosen)) {
        if (!b.setup) {
          ctx.log(`${b.id}: cannot be installed here — ${(await b.probe(home)).detail}`);
          continue;
        }
        ctx.log(`${b.id}: setting up ${b.library}`);
        try {
          await b.setup(ctx);
          const probe = await b.probe(home);
          ctx.log(`${b.id}: ${probe.installed ? 'installed' : 'NOT installed'} ${Object.entries(probe.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
          if (!probe.installed) failures.push(`${b.id}: ${probe.detail}`);
        } catch (e) {
          failures.push(`${b.id}: ${(e as Error).message}`);
          ctx.log(`${b.id}: FAILED: ${(e as Error).message}`);
        }
      }
      if (failures.length) throw new CampaignFailedError(`setup failed for ${failures.length} binding(s):\n${failures.join('\n')}`);
    });
}
