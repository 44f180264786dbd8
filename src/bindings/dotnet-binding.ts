/**
 * The C# bindings (TorchSharp, TensorFlow.NET) the study also measured. Their runners need a .NET SDK; where none
 * is installed the binding is listed, planned and reported as `not available`, with the reason, never hidden.
 */
import { execFileSync } from 'node:child_process';
import type { BindingDescriptor, Framework } from './binding.js';

function dotnetVersion(): string | null {
  try {
    return execFileSync('dotnet', ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function dotnetBinding(framework: Framework, library: string): BindingDescriptor {
  const id = `${framework}/csharp`;
  return {
    id,
    framework,
    language: 'csharp',
    library,
    reference: false,
    needs: [],
    capabilities: {
      train: { supported: false, reason: `bindbench has no ${library} runner yet; it needs a .NET SDK, and none is served by the registries reachable here (Debian 12 has no dotnet-sdk package; NuGet is not reachable)` },
      infer: { supported: false, reason: `no ${library} runner yet (needs a .NET SDK)` },
      devices: ['cpu', 'cuda'],
      models: [],
      loads: [],
      exports: [],
    },
    async probe() {
      const sdk = dotnetVersion();
      return {
        installed: false,
        versions: sdk ? { dotnet: sdk } : ({} as Record<string, string>),
        detail: sdk
          ? `.NET SDK ${sdk} found, but bindbench has no ${library} runner yet`
          : `not available: no .NET SDK on this machine (\`dotnet\` not found); ${library} cannot run here`,
      };
    },
    launch() {
      throw new Error(`${id} has no runner: ${library} needs a .NET SDK`);
    },
  };
}

export const pytorchCsharp = dotnetBinding('pytorch', 'TorchSharp');
export const tensorflowCsharp = dotnetBinding('tensorflow', 'TensorFlow.NET');
