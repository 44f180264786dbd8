/**
 * What the two Java bindings share: one Maven reactor under runners/java (a protocol module and one module per
 * framework), built from Maven Central only with pinned versions, and each module's runtime classpath copied into its
 * target/lib, so a probe reads versions from jar names without starting a JVM.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../base/home.js';
import type { SetupContext } from './binding.js';

export const javaRunners = join(packageRoot, 'runners', 'java');

export interface JavaModule {
  /** The Maven module's folder under runners/java. */
  dir: string;
  /** Compiled classes and the copied runtime jars. */
  classpath: string;
  /** Whether the runner's main class has been compiled. */
  built: boolean;
  lib: string;
}

export function javaModule(name: string, mainClass: string): JavaModule {
  const dir = join(javaRunners, name);
  const lib = join(dir, 'target', 'lib');
  return {
    dir,
    lib,
    classpath: `${join(dir, 'target', 'classes')}:${lib}/*`,
    get built() {
      return existsSync(join(dir, 'target', 'classes', ...mainClass.split('.')) + '.class');
    },
  };
}

/** `<artifact>-<version>[suffix].jar` in a module's lib folder -> version, or undefined. */
export function jarVersion(lib: string, artifact: string, suffix = ''): string | undefined {
  const jars = existsSync(lib) ? readdirSync(lib) : [];
  return jars.map((j) => new RegExp(`^${artifact}-(\\d[\\w.]*?)${suffix}\\.jar$`).exec(j)?.[1]).find(Boolean);
}

/** Builds one module and what it depends on (the protocol module); dependencies land in the home's Maven repository. */
export async function buildJavaModule(ctx: SetupContext, name: string, what: string): Promise<void> {
  const maven = join(ctx.home.build, 'java', 'm2');
  ctx.log(`building the ${name} Java runner with Maven (dependencies from Maven Central into ${maven}; the first time downloads ${what})`);
  await ctx.exec('mvn', ['-B', '-q', `-Dmaven.repo.local=${maven}`, '-pl', name, '-am', 'package', '-DskipTests'], { cwd: javaRunners });
}
