/**
 * tensorflow/java: TensorFlow Java (org.tensorflow, 1.1.0), the JVM's counterpart of the study's TensorFlow.NET: a
 * managed runtime in front of libtensorflow (2.18, through JavaCPP). Its 1.1.0 release has no layers and no Keras-like
 * training API, so the runner builds the zoo's models from raw ops in a graph and trains them with TensorFlow's
 * gradients and tensorflow-framework's optimizers. Built from Maven Central only (runners/java, Maven); JavaCPP
 * unpacks libtensorflow from the Maven jar into a cache beside the build, nothing is downloaded.
 * Its libtensorflow is not tensorflow/python's (2.21): each run's start event records the versions that ran.
 */
import { join } from 'node:path';
import type { Home } from '../base/home.js';
import type { BindingDescriptor, ProbeResult } from './binding.js';
import { buildJavaModule, jarVersion, javaModule } from './java-build.js';

const SETUP = 'run `bindbench setup --bindings tensorflow/java` (needs Java 17 and Maven: apt-get install openjdk-17-jdk-headless maven)';
const MODULE = javaModule('tensorflow', 'bindbench.tensorflow.Main');

/** JavaCPP's cache of the unpacked libtensorflow (650 MB), beside the build and shared by every home like it. */
const JAVACPP_CACHE = join(MODULE.dir, 'target', 'javacpp-cache');
const JVM_FLAGS = [`-Dorg.bytedeco.javacpp.cachedir=${JAVACPP_CACHE}`];

function jarVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  const api = jarVersion(MODULE.lib, 'tensorflow-core-api');
  const native = jarVersion(MODULE.lib, 'tensorflow-core-native', '-linux-x86_64');
  if (api) versions['tensorflow-java'] = api;
  if (native) versions['tensorflow-core-native'] = native;
  return versions;
}

const RAW_OPS_ONLY = 'the tensorflow/java runner builds conv2d, maxpool2d, flatten and dense layers from raw TensorFlow ops (TensorFlow Java 1.1.0 has no layers)';

export const tensorflowJava = {
  id: 'tensorflow/java',
  framework: 'tensorflow',
  language: 'java',
  library: 'TensorFlow Java (org.tensorflow)',
  reference: false,
  needs: [],
  coreLibrary: 'libtensorflow',
  capabilities: {
    train: { supported: true },
    idiomaticTraining: {
      supported: false,
      reason: 'TensorFlow Java 1.1.0 has no training API of its own (tensorflow-framework ships optimizers, losses and initialisers, but no layers, Model or fit): its only training code is the graph loop of the minimal style',
    },
    infer: { supported: true },
    devices: ['cpu'],
    models: ['lenet1', 'lenet5'],
    missingModels: {
      vgg16: `${RAW_OPS_ONLY}; batch norm and dropout are not written yet`,
      lstm: `${RAW_OPS_ONLY}; the runner reads image data only so far`,
      gru: `${RAW_OPS_ONLY}; the runner reads image data only so far`,
      'gru-reset-before': `${RAW_OPS_ONLY}; the runner reads image data only so far`,
      'bert-minilm': `${RAW_OPS_ONLY}; the runner reads image data only so far`,
    },
    testLimit: true,
    loads: ['safetensors', 'savedmodel'],
    exports: ['safetensors'],
  },

  async probe(_home: Home): Promise<ProbeResult> {
    const versions = jarVersions();
    if (!MODULE.built) return { installed: false, versions, detail: `the runner is not built (no compiled bindbench.tensorflow.Main in ${MODULE.dir}/target): ${SETUP}` };
    if (!versions['tensorflow-java'] || !versions['tensorflow-core-native']) return { installed: false, versions, detail: `TensorFlow Java or its native jar is missing from ${MODULE.lib}: ${SETUP}` };
    return { installed: true, versions, detail: `TensorFlow Java ${versions['tensorflow-java']} (CPU), runner in ${MODULE.dir}` };
  },

  async setup(ctx) {
    await buildJavaModule(ctx, 'tensorflow', 'about 175 MB');
    ctx.log(`unpacking libtensorflow into ${JAVACPP_CACHE} once, so no timed cell pays for it`);
    await ctx.exec('java', [...JVM_FLAGS, '-cp', MODULE.classpath, 'bindbench.tensorflow.Warm']);
  },

  launch(_home, requestPath) {
    return { command: 'java', args: [...JVM_FLAGS, '-cp', MODULE.classpath, 'bindbench.tensorflow.Main', requestPath], env: {} };
  },
} satisfies BindingDescriptor;
