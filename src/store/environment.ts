/** The environment manifest: what machine and toolchains a run saw. Collected once per campaign. */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem, platform, release, arch, hostname } from 'node:os';

export interface HostEnvironment {
  os: string;
  kernel: string;
  arch: string;
  hostname: string;
  cpu: string;
  cores: number;
  memory_bytes: number;
  gpu: string | null;
  toolchains: Record<string, string | null>;
}

function tryCommand(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim() || null;
  } catch {
    return null;
  }
}

export function collectHostEnvironment(): HostEnvironment {
  const osRelease = tryCommand('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"']);
  return {
    os: osRelease ?? platform(),
    kernel: release(),
    arch: arch(),
    hostname: hostname(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_bytes: totalmem(),
    gpu: tryCommand('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader']),
    toolchains: {
      node: process.version,
      python3: tryCommand('python3', ['--version']),
      rustc: tryCommand('rustc', ['--version']),
      cargo: tryCommand('cargo', ['--version']),
    },
  };
}
