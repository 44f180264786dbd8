/** The original study's published raw results (asgaardlab/CmpMLBindings `data/`) as a bindbench campaign. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Importer } from '../importer.js';
import { IMPORTER_ID, readStudy, TFJS_GRU_OPTION } from './read-study.js';

export const cmpmlbindingsImporter: Importer = {
  id: IMPORTER_ID,
  description: "the original study's raw results (Li, Rajbahadur & Bezemer, TOSEM 2024): data/<framework>/<model>/<py|dotnet|rs|ts>/ and random_seeds.txt",
  detect: (dir) => existsSync(join(dir, 'random_seeds.txt')) && (existsSync(join(dir, 'data', 'pytorch')) || existsSync(join(dir, 'data', 'tensorflow'))),
  options: [TFJS_GRU_OPTION],
  read: readStudy,
};
