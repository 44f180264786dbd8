/**
 * The importer contract: a folder in some other project's layout becomes runs in bindbench's store. An importer
 * only reads and converts (pure data out); the store writes it (`ResultStore.importCampaign`).
 */
import type { RunResultFile, RunToImport } from '../store/result-store.js';

/** Where an imported run's numbers came from, kept in its result.json beside the usual fields. */
export interface ImportProvenance {
  /** Importer id, e.g. `cmpmlbindings`. */
  importer: string;
  /** Files the run was built from, relative to the imported folder. */
  files: string[];
  /** Fields the source did not record, and what was written in their place. */
  not_recorded: string[];
  /** Source-specific details (the study's own mode name, recorded reference values, ...). */
  details: Record<string, unknown>;
}

/** result.json of an imported run: a normal result plus where it came from. */
export type ImportedRunResult = RunResultFile & { imported: ImportProvenance };

export interface ImportedRun extends RunToImport {
  result: ImportedRunResult;
}

/** A file the importer found but could not use, and why. Never dropped silently. */
export interface UnparsedFile {
  /** Relative to the imported folder. */
  file: string;
  reason: string;
  /** Left out on purpose, as the source's own analysis did; absent: damaged or not understood. */
  excluded?: boolean;
}

export interface ImportedCampaign {
  /** Campaign id suggested by the importer (the CLI may override it). */
  defaultId: string;
  /** Stored as campaign.json's `spec`: what was imported, from where. */
  spec: Record<string, unknown>;
  runs: ImportedRun[];
  unparsed: UnparsedFile[];
}

/** A choice the importer offers about how to read its source (`bindbench import --option name=value`). */
export interface ImporterOption {
  name: string;
  description: string;
  /** Allowed values; the first is the default. */
  values: [string, ...string[]];
}

export interface Importer {
  id: string;
  description: string;
  options?: ImporterOption[];
  /** Whether `dir` looks like this importer's layout (cheap: a few file checks). */
  detect(dir: string): boolean;
  /** Reads the whole folder. `campaign` is the id the runs will be stored under (it is part of each run id). */
  read(dir: string, campaign: string, options?: Readonly<Record<string, string>>): ImportedCampaign;
}
