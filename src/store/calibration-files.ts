/**
 * Stored A/A calibrations of the regression gate: one JSON file per binding × model × device × style under
 * `<store>/calibrations/`, replaced by the next calibration of the same four. The store keeps them as opaque
 * documents keyed by those four fields; what they hold is the analysis's (src/analysis/calibration.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../base/atomic-file.js';

export interface CalibrationKey {
  binding: string;
  model: string;
  device: string;
  style: string;
}

const folder = (store: string) => join(store, 'calibrations');
const fileName = (k: CalibrationKey) => `${[k.binding, k.model, k.device, k.style].map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '-')).join('--')}.json`;

export function writeCalibrationFile<T extends CalibrationKey>(store: string, calibration: T): string {
  const path = join(folder(store), fileName(calibration));
  writeJsonAtomic(path, calibration);
  return path;
}

/** Every stored calibration; a file that is not JSON with the four keys is skipped, never fatal. */
export function readCalibrationFiles(store: string): Array<CalibrationKey & Record<string, unknown>> {
  const dir = folder(store);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      try {
        const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
        return ['binding', 'model', 'device', 'style'].every((k) => typeof doc[k] === 'string') ? [doc as CalibrationKey & Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
}
