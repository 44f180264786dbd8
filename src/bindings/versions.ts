/**
 * Several versions of one binding at once. A binding id may carry a version, `<framework>/<language>@<version>`
 * (`pytorch/python@2.10.0`): the version of the binding's library (`versions.package`) installed into an environment
 * of its own beside the default one, from the registries only. The id without a version is the pinned default, and
 * stays the framework's reference; a versioned binding is another member of its framework's family, compared with
 * that reference like any other binding. Only descriptors with `versions` can be versioned.
 */
import { existsSync, readdirSync } from 'node:fs';
import { BadInputError } from '../base/errors.js';
import type { BindingDescriptor } from './binding.js';

/** What the `versions` capability of a descriptor holds. */
export interface VersionSupport {
  /** The package whose version `@<version>` names, e.g. `torch`. */
  package: string;
  /** Where it comes from, e.g. `PyPI`. */
  registry: string;
  /** The version the default binding (no `@version`) pins. */
  pinned: string;
  /** The descriptor of one version: its own environment, probe, setup and launch. */
  variant(version: string): BindingDescriptor;
  /** The versions installed here (found on disk, nothing started). */
  installed(home: import('../base/home.js').Home): string[];
}

/** The versions installed as `<dir>/<prefix>@<version>` folders that `isInstalled` accepts, sorted (nothing started). */
export function installedVersionsIn(dir: string, prefix: string, isInstalled: (version: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => d.startsWith(`${prefix}@`))
    .map((d) => d.slice(prefix.length + 1))
    .filter(isInstalled)
    .sort();
}

/** A version as registries write them: digits and dots, optionally a pre-release or local suffix. */
const VERSION = /^\d+(\.\d+){0,3}([a-z0-9.+-]*)$/i;

export function splitBindingId(id: string): { base: string; version: string | null } {
  const at = id.indexOf('@');
  return at < 0 ? { base: id, version: null } : { base: id.slice(0, at), version: id.slice(at + 1) };
}

/** What a versioned id of this base may be written as, for error messages and `allowed values`. */
export const versionPattern = (base: string): string => `${base}@<version>`;

/**
 * The descriptor for an id, versioned or not; a clear BadInputError naming what is wrong otherwise (an unknown base,
 * a binding that has no versions, a malformed version).
 */
export function descriptorFor(id: string, list: readonly BindingDescriptor[]): BindingDescriptor {
  const { base, version } = splitBindingId(id);
  const b = list.find((x) => x.id === base);
  const versioned = list.filter((x) => x.versions).map((x) => versionPattern(x.id));
  if (!b) throw new BadInputError(`unknown binding '${id}'; allowed values: ${[...list.map((x) => x.id), ...versioned].join(', ')}`);
  if (version === null) return b;
  if (!b.versions) throw new BadInputError(`binding '${base}' has no versioned setup, so '${id}' cannot be installed beside it; versions are available for ${versioned.join(', ') || 'no binding'}`);
  if (!VERSION.test(version)) throw new BadInputError(`'${id}': '${version}' is not a version (write it as the registry does, e.g. ${versionPattern(base).replace('<version>', b.versions.pinned)})`);
  if (version === b.versions.pinned) return b;
  return b.versions.variant(version);
}

/**
 * The registry's descriptors plus one variant per versioned id asked for, so the planner and the runner launcher
 * find every binding of a campaign by id. `@<pinned version>` is the default binding itself.
 */
export function bindingsFor(ids: readonly string[] | 'installed', list: readonly BindingDescriptor[]): BindingDescriptor[] {
  const out = [...list];
  if (ids === 'installed') return out;
  for (const id of ids) {
    const d = descriptorFor(id, list);
    if (!out.some((x) => x.id === d.id)) out.push(d);
  }
  return out;
}

/** Every id a spec may name: the registry's, and `<base>@<version>` for each binding with versions. */
export function bindingIdPatterns(list: readonly BindingDescriptor[]): string[] {
  return [...list.map((b) => b.id), ...list.filter((b) => b.versions).map((b) => versionPattern(b.id))];
}

/** Whether `id` is one of `patterns` (an id, or `<base>@<version>` with a well-formed version). */
export function matchesBindingPattern(id: string, patterns: readonly string[]): boolean {
  if (patterns.includes(id)) return true;
  const { base, version } = splitBindingId(id);
  return version !== null && VERSION.test(version) && patterns.includes(versionPattern(base));
}
