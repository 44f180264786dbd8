/** The model spec a cell's runner is sent. */
import type { Cell } from '../protocol/cell.js';
import { withLayerDefaults } from '../zoo/layer-defaults.js';
import type { ModelSpec } from '../zoo/model-spec.js';
import { models as zooModels } from '../zoo/models.js';

/**
 * The model a cell's runner builds: the zoo's, with the campaign's layer defaults. A loaded model (infer, convert)
 * keeps `native` batch norms but sigmoid gates: every source binding trains those (only tfjs defaults to another
 * gate, and it is no reference), and a gate the target chose for itself would not be the one the weights learnt.
 */
export function cellModel(cell: Pick<Cell, 'model' | 'mode' | 'layerDefaults'>): ModelSpec {
  const zoo = zooModels[cell.model]!;
  const defaults = cell.layerDefaults ?? 'zoo';
  return withLayerDefaults(zoo, cell.mode === 'train' || defaults !== 'native' ? defaults : 'zoo');
}
