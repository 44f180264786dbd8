/**
 * The only list of bindings. Everything else (planner, doctor, docs) iterates it, and receives it as a value so
 * tests can add a fake binding.
 */
import type { BindingDescriptor } from './binding.js';
import { pytorchCsharp, tensorflowCsharp } from './dotnet-binding.js';
import { tensorflowJs } from './tensorflow-js.js';
import { tensorflowJsWasm } from './tensorflow-js-wasm.js';

export const bindings: readonly BindingDescriptor[] = [tensorflowJs, tensorflowJsWasm, pytorchCsharp, tensorflowCsharp];

export function bindingIds(list: readonly BindingDescriptor[] = bindings): string[] {
  return list.map((b) => b.id);
}
