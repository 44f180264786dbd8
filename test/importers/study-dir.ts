import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The published study's data, when this machine has it; tests that need it skip otherwise. */
export const STUDY_DIR = process.env.BINDBENCH_CMPMLBINDINGS_DIR ?? '/work/shared/datasets/cmpmlbindings';

export function studyAvailable(): boolean {
  return existsSync(join(STUDY_DIR, 'random_seeds.txt'));
}

export const STUDY_MISSING = `the study's data is not at ${STUDY_DIR} (set BINDBENCH_CMPMLBINDINGS_DIR to its folder)`;
