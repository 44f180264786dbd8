/** `bindbench serve`: browse the result store in a local, read-only web app until interrupted. */
import type { Command } from 'commander';
import { BadInputError } from '../base/errors.js';
import { homeOf } from './common.js';

function portOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new BadInputError(`--port: '${value}' is not a port number (0-65535; 0 picks a free one)`);
  return n;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('browse campaigns and runs, filter them and compare two campaigns in a local read-only web app')
    .option('--port <n>', 'port to listen on (0 picks a free one)', portOf, 8484)
    .option('--host <address>', 'address to listen on; the default keeps the app on this machine', '127.0.0.1')
    .action(async (o: { port: number; host: string }, cmd: Command) => {
      const home = homeOf(cmd);
      if (!LOOPBACK.has(o.host)) process.stderr.write(`bindbench serve: listening on ${o.host} makes the result store readable from the network\n`);
      const { startStoreServer } = await import('../serve/server.js');
      const running = await startStoreServer({ store: home.store, host: o.host, port: o.port });
      process.stdout.write(`bindbench serve: ${running.url} (read-only view of ${home.store}; Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void running.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
