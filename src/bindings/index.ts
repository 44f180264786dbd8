/**
 * The only list of bindings. Everything else (planner, doctor, docs) iterates it, and receives it as a value so
 * tests can add a fake binding.
 */
import type { BindingDescriptor } from './binding.js';
import { pytorchCsharp, tensorflowCsharp } from './dotnet-binding.js';

export const bindings: readonly BindingDescriptor[] = [pytorchCsharp, tensorflowCsharp];

export function bindingIds(list: readonly BindingDescriptor[] = bindings): string[] {
  return list.map((b) => b.id);
}
