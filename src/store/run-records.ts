/**
 * Rows of the index's `runs` table as plain records, for every reader (analysis, figures, run pages). The columns are
 * aliased to camelCase in SQL so a row only needs its 0/1 flags turned into booleans; readers that need more
 * columns add them to the same select.
 */

export interface RunRecord {
  id: string;
  campaign: string;
  model: string;
  binding: string;
  framework: string;
  seed: number;
  device: 'cpu' | 'cuda';
  mode: 'train' | 'infer' | 'convert';
  status: string;
  reason: string | null;
  finalTestAccuracy: number | null;
  /** Training time with the per-epoch evaluations excluded. */
  trainSeconds: number | null;
  /** Mean duration of one timed pass over the whole test set (infer runs). */
  meanInferenceSeconds: number | null;
  sourceRun: string | null;
  sourceBinding: string | null;
  loadMode: string | null;
  /** The source model's correct count on the test set, and the loaded model's. */
  sourceCorrect: number | null;
  targetCorrect: number | null;
  reproduced: boolean | null;
  stable: boolean | null;
}

/**
 * The select list of a RunRecord. `framework` is an expression so a reader can attribute infer runs to their
 * source's framework; the table must be named `runs` (unaliased) in the query.
 */
export function runRecordColumns(framework = 'framework'): string {
  return `runs.id AS id, runs.campaign AS campaign, runs.model AS model, runs.binding AS binding, ${framework} AS framework,
          runs.seed AS seed, runs.device AS device, runs.mode AS mode, runs.status AS status, runs.reason AS reason,
          runs.final_test_accuracy AS finalTestAccuracy, runs.train_seconds AS trainSeconds,
          runs.mean_inference_seconds AS meanInferenceSeconds, runs.source_run AS sourceRun, runs.source_binding AS sourceBinding,
          runs.load_mode AS loadMode, runs.source_correct AS sourceCorrect, runs.target_correct AS targetCorrect,
          runs.reproduced AS reproduced, runs.stable AS stable`;
}

/**
 * The framework an analysis files a run under. An infer run belongs to the framework its model came from, since a
 * neutral runtime (onnxruntime/js) serves both; one in the other framework's binding (a cross-framework load, e.g.
 * pytorch/python's BERT in tensorflow/rust) forms its own family, `<source>→<target>`, so it is compared with the
 * target framework's reference loading the same model rather than with the source framework's bindings.
 */
export const ANALYSIS_FRAMEWORK = `COALESCE(CASE WHEN runs.mode = 'infer' THEN (SELECT CASE WHEN s.framework = runs.framework OR runs.framework = 'onnx' THEN s.framework ELSE s.framework || '→' || runs.framework END FROM runs s WHERE s.id = runs.source_run) END, runs.framework)`;

type Flag = number | boolean | null;

/** SQLite stores booleans as 0/1; the records carry them as booleans. */
export function withFlags<T extends { reproduced: Flag; stable: Flag }>(row: T): T & { reproduced: boolean | null; stable: boolean | null } {
  const flag = (v: Flag): boolean | null => (v === null ? null : Boolean(v));
  return { ...row, reproduced: flag(row.reproduced), stable: flag(row.stable) };
}
