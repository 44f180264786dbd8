/**
 * `bindbench calibrate`: how often the regression gate cries wolf. Runs 2 × `--repeats` short campaigns of one
 * binding and model with identical settings, compares them in pairs (A/A), and stores the measured false-alarm rate
 * per quantity, which `bindbench compare` then prints beside its verdicts for that binding and model.
 */
import type { Command } from 'commander';
import { BadInputError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import { alphaOf, homeOf, intList, positiveNumber, slowdownOf } from './common.js';
import { emit, type CommandResult } from './output.js';

export interface CalibrateFlags {
  binding: string;
  model: string;
  repeats?: number;
  seeds?: number[];
  epochs?: number;
  trainLimit?: number;
  device?: string;
  style?: string;
  alpha?: number;
  maxSlowdown?: number;
}

export async function calibrateCommand(home: Home, o: CalibrateFlags): Promise<CommandResult> {
  const [{ bindingIdsWithVersions, campaignBindings }, { resolveSpec }, { runCampaign }, { compareSides }, { calibrate }, { ResultStore }, { renderCalibrationMarkdown }] = await Promise.all([
    import('../bindings/index.js'),
    import('../campaign/spec.js'),
    import('../campaign/run-campaign.js'),
    import('../analysis/compare-sides.js'),
    import('../analysis/calibration.js'),
    import('../store/result-store.js'),
    import('../report/gate-report.js'),
  ]);
  const repeats = o.repeats ?? 20;
  if (!Number.isInteger(repeats) || repeats < 1) throw new BadInputError(`--repeats: '${o.repeats}' is not a whole number of A/A pairs`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const slug = `${o.binding.replace(/\//g, '-')}-${o.model}`;
  // Validates binding, model, device and style before anything runs.
  const specOf = (name: string) =>
    resolveSpec(
      { name, preset: 'quick', models: [o.model], bindings: [o.binding], ...(o.seeds ? { seeds: o.seeds } : {}), epochs: o.epochs ?? 1, train_limit: o.trainLimit ?? 1000, devices: [o.device ?? 'cpu'], styles: [o.style ?? 'minimal'] },
      bindingIdsWithVersions(),
    );
  specOf('calibrate-check');
  const names: string[] = [];
  for (let i = 0; i < 2 * repeats; i++) {
    const name = `calibrate-${slug}-${stamp}-${String(i + 1).padStart(2, '0')}`;
    const started = Date.now();
    const outcome = await runCampaign({ home, spec: specOf(name), bindings: campaignBindings([o.binding]) });
    const ok = outcome.results.filter((r) => r.status === 'ok').length;
    process.stderr.write(`[${i + 1}/${2 * repeats}] ${name}: ${ok}/${outcome.results.length} runs ok, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    if (ok === 0) throw new BadInputError(`${o.binding} trained nothing in ${name} (${outcome.results[0]?.status}: ${outcome.results[0]?.reason}); calibration needs a binding that trains ${o.model}`);
    names.push(name);
  }
  const options = { ...(o.alpha !== undefined ? { alpha: o.alpha } : {}), ...(o.maxSlowdown !== undefined ? { maxSlowdown: o.maxSlowdown } : {}) };
  const { calibration, path } = ResultStore.with(home.store, (store) => {
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < names.length; i += 2) pairs.push([names[i]!, names[i + 1]!]);
    const results = pairs.map(([a, b]) => compareSides({ label: a, runs: store.runs(a) }, { label: b, runs: store.runs(b) }, options));
    const c = calibrate(results, { binding: o.binding, model: o.model, device: o.device ?? 'cpu', style: o.style ?? 'minimal', created: new Date().toISOString(), pairs });
    return { calibration: c, path: store.writeCalibration(c) };
  });
  return { data: calibration, text: `${renderCalibrationMarkdown(calibration)}\nstored: ${path}\n` };
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description("measure the regression gate's false-alarm rate: A/A comparisons of short campaigns of one binding and model")
    .requiredOption('--binding <id>', 'the binding to calibrate')
    .requiredOption('--model <id>', 'the model (short runs: the quick preset, 1 epoch of the first 1,000 examples by default)')
    .option('--repeats <n>', 'A/A pairs, i.e. half the campaigns run (default 20)', positiveNumber('--repeats'))
    .option('--seeds <list>', "seeds of every campaign (default: the study's five)", intList('--seeds'))
    .option('--epochs <n>', 'epochs per run (default 1)', positiveNumber('--epochs'))
    .option('--train-limit <n>', 'training examples per run (default 1000)', positiveNumber('--train-limit'))
    .option('--device <device>', 'cpu (default) or cuda')
    .option('--style <style>', 'minimal (default) or idiomatic')
    .option('--alpha <x>', 'family-wise significance level of the gate (default 0.05)', alphaOf)
    .option('--max-slowdown <fraction>', "the gate's slowdown threshold (default 0.05)", slowdownOf)
    .action(async (o: CalibrateFlags, cmd: Command) => emit(await calibrateCommand(homeOf(cmd), o), false));
}
