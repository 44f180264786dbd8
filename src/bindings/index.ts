/**
 * The only list of bindings. Everything else (planner, doctor, docs) iterates it, and receives it as a value so
 * tests can add a fake binding.
 */
import type { BindingDescriptor } from './binding.js';
import { pytorchCsharp, tensorflowCsharp } from './dotnet-binding.js';
import { onnxruntimeJs } from './onnxruntime-js.js';
import { pytorchPython } from './pytorch-python.js';
import { pytorchRust } from './pytorch-rust.js';
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
  pytorchCsharp,
  tensorflowCsharp,
];

export function bindingIds(list: readonly BindingDescriptor[] = bindings): string[] {
  return list.map((b) => b.id);
}
