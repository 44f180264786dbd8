/**
 * The only list of bindings. Everything else (planner, doctor, docs) iterates it, and receives it as a value so
 * tests can add a fake binding.
 */
import type { DatasetTools } from '../data/datasets.js';
import type { BindingDescriptor } from './binding.js';
import { bindingIdPatterns, bindingsFor } from './versions.js';
export { descriptorFor, splitBindingId } from './versions.js';
import { pytorchCsharp, tensorflowCsharp } from './dotnet-binding.js';
import { onnxruntimeJs } from './onnxruntime-js.js';
import { pytorchJava } from './pytorch-java.js';
import { pytorchPython } from './pytorch-python.js';
import { pytorchRust } from './pytorch-rust.js';
import { tensorflowJava } from './tensorflow-java.js';
import { tensorflowJs } from './tensorflow-js.js';
import { tensorflowJsWasm } from './tensorflow-js-wasm.js';
import { tensorflowPython } from './tensorflow-python.js';
import { tensorflowRust } from './tensorflow-rust.js';

// Order matters: setup walks it, so the Python environments exist before the Rust crates link against them, and
// the reference (Python) binding of each framework comes first in tables.
export const bindings: readonly BindingDescriptor[] = [
  pytorchPython,
  tensorflowPython,
  pytorchRust,
  tensorflowRust,
  tensorflowJs,
  tensorflowJsWasm,
  onnxruntimeJs,
  pytorchJava,
  tensorflowJava,
  pytorchCsharp,
  tensorflowCsharp,
];

/**
 * The environment that sizes every framework's thread pools to `threads` cores, for the libraries a runner cannot
 * size through an API of its own (OpenMP and MKL under libtorch, libtensorflow under tfjs-node and the Rust crate).
 * The runners also apply the request's `threads` where their framework has a switch.
 */
export function threadEnvironment(threads: number | null): Record<string, string> {
  if (threads === null) return {};
  const n = String(threads);
  return { OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, TF_NUM_INTRAOP_THREADS: n, TF_NUM_INTEROP_THREADS: n };
}

export function bindingIds(list: readonly BindingDescriptor[] = bindings): string[] {
  return list.map((b) => b.id);
}

/** What a spec may name: every id, and `<id>@<version>` for bindings with versions (see versions.ts). */
export function bindingIdsWithVersions(list: readonly BindingDescriptor[] = bindings): string[] {
  return bindingIdPatterns(list);
}

/** The registry plus a descriptor for each versioned id a campaign names. */
export function campaignBindings(ids: readonly string[] | 'installed', list: readonly BindingDescriptor[] = bindings): BindingDescriptor[] {
  return bindingsFor(ids, list);
}

/**
 * What the analysis needs to know of frameworks, read from the descriptors: a framework's reference binding, and
 * whether a framework is a neutral runtime's (its bindings run any framework's exports). Given as a value so the
 * analysis never names a binding and tests can describe frameworks of their own.
 */
export interface FrameworkFacts {
  referenceOf(framework: string): string;
  isNeutral(framework: string): boolean;
}

/**
 * The registry's facts. A framework it does not know (an imported study's) is taken to have its Python binding as
 * the reference, as in the study.
 */
export function frameworkFacts(list: readonly BindingDescriptor[] = bindings): FrameworkFacts {
  return {
    referenceOf: (framework) => list.find((b) => b.framework === framework && b.reference)?.id ?? `${framework}/python`,
    isNeutral: (framework) => {
      const members = list.filter((b) => b.framework === framework);
      return members.length > 0 && members.every((b) => b.capabilities.runsAnyFramework === true);
    },
  };
}

/** The dataset tools the bindings offer, the first binding's where two offer the same one. */
export function datasetTools(list: readonly BindingDescriptor[] = bindings): DatasetTools {
  const tools: DatasetTools = {};
  for (const b of list) for (const [name, tool] of Object.entries(b.datasetTools ?? {})) (tools as Record<string, unknown>)[name] ??= tool;
  return tools;
}
