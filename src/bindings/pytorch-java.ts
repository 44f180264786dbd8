/**
 * pytorch/java: PyTorch through DJL (Deep Java Library) and its PyTorch engine, a managed runtime with a garbage
 * collector and a JNI layer in front of libtorch: the JVM's counterpart of the study's TorchSharp. The runner
 * (runners/java, Maven) is built from Maven Central only, with pinned versions; DJL's libtorch (2.7.1) comes as a
 * Maven jar and is unpacked into the home, never downloaded, and DJL runs offline (no telemetry, no model zoo).
 * Its libtorch is not pytorch/python's (2.11): each run's start event records the versions that ran.
 */
import { join } from 'node:path';
import type { Home } from '../base/home.js';
import type { BindingDescriptor, ProbeResult } from './binding.js';
import { buildJavaModule, jarVersion, javaModule } from './java-build.js';

const SETUP = 'run `bindbench setup --bindings pytorch/java` (needs Java 17 and Maven: apt-get install openjdk-17-jdk-headless maven)';
const MODULE = javaModule('pytorch', 'bindbench.pytorch.Main');

/**
 * What the runner's environment needs: DJL offline (no download, no telemetry), and its libtorch unpacked beside
 * the build it came from (like the build, shared by every home: a home of its own would unpack 432 MB again).
 */
export const DJL_CACHE = join(MODULE.dir, 'target', 'djl-cache');
function djlEnvironment(): Record<string, string> {
  return { DJL_OFFLINE: 'true', OPT_OUT_TRACKING: 'true', DJL_CACHE_DIR: DJL_CACHE };
}

function jarVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  const djl = jarVersion(MODULE.lib, 'api');
  const libtorch = jarVersion(MODULE.lib, 'pytorch-native-cpu', '-linux-x86_64');
  if (djl) versions.djl = djl;
  if (libtorch) versions.libtorch = libtorch;
  return versions;
}

export const pytorchJava = {
  id: 'pytorch/java',
  framework: 'pytorch',
  language: 'java',
  library: 'DJL (ai.djl.pytorch)',
  reference: false,
  needs: [],
  coreLibrary: 'libtorch',
  capabilities: {
    train: { supported: true },
    idiomaticTraining: { supported: true, api: "DJL's EasyTrain.fit over an ArrayDataset with its batchifier and a BatchSampler, one fit call per epoch" },
    infer: { supported: true },
    devices: ['cpu'],
    models: ['lenet1', 'lenet5'],
    missingModels: {
      vgg16: 'the pytorch/java runner builds conv2d, maxpool2d, flatten and dense layers so far; batch norm and dropout are not wired in yet',
      lstm: 'the pytorch/java runner reads image data only so far; recurrent layers and token inputs are not wired in yet',
      gru: 'the pytorch/java runner reads image data only so far; recurrent layers and token inputs are not wired in yet',
      'gru-reset-before': 'PyTorch has no reset_after=false GRU',
      'bert-minilm': 'the pytorch/java runner reads image data only so far',
    },
    testLimit: true,
    loads: ['safetensors', 'torchscript'],
    exports: ['safetensors'],
  },

  async probe(_home: Home): Promise<ProbeResult> {
    const versions = jarVersions();
    if (!MODULE.built) return { installed: false, versions, detail: `the runner is not built (no compiled bindbench.pytorch.Main in ${MODULE.dir}/target): ${SETUP}` };
    if (!versions.djl || !versions.libtorch) return { installed: false, versions, detail: `DJL or its libtorch jar is missing from ${MODULE.lib}: ${SETUP}` };
    return { installed: true, versions, detail: `DJL ${versions.djl} on libtorch ${versions.libtorch} (CPU), runner in ${MODULE.dir}` };
  },

  async setup(ctx) {
    await buildJavaModule(ctx, 'pytorch', 'about 260 MB');
    ctx.log(`unpacking DJL's libtorch into ${DJL_CACHE} once, so no timed cell pays for it`);
    await ctx.exec('java', ['-cp', MODULE.classpath, 'bindbench.pytorch.Warm'], { env: djlEnvironment() });
  },

  launch(_home, requestPath) {
    return { command: 'java', args: ['-cp', MODULE.classpath, 'bindbench.pytorch.Main', requestPath], env: djlEnvironment() };
  },
} satisfies BindingDescriptor;
