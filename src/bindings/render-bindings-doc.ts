/** docs/bindings.md is generated from the registry, so the table of what each binding supports cannot drift. */
import type { BindingDescriptor, Capability } from './binding.js';

const cap = (c: Capability) => (c.supported ? 'yes' : `no — ${c.reason}`);

export function renderBindingsDoc(list: readonly BindingDescriptor[]): string {
  const lines = [
    '# Bindings',
    '',
    '<!-- Generated from src/bindings/ by `npm run docs`; a test fails when it is stale. -->',
    '',
    'Each binding is a descriptor in `src/bindings/` (the list is `src/bindings/index.ts`) and a runner in',
    '`runners/<language>/`. The reference binding of each framework is the one every other is compared with.',
    '`bindbench doctor` shows which are installed on this machine; `bindbench setup --bindings <id>` installs one.',
    '',
    '| binding | library | language | reference | train | idiomatic training (`--styles idiomatic`) | infer | devices | models | loads | exports |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const b of list) {
    const c = b.capabilities;
    lines.push(
      `| \`${b.id}\` | ${b.library} | ${b.language} | ${b.reference ? 'yes' : ''} | ${cap(c.train)} | ${c.idiomaticTraining?.supported ? c.idiomaticTraining.api : c.train.supported ? `no: ${c.idiomaticTraining?.reason ?? 'only the minimal loop'}` : '—'} | ${cap(c.infer)} | ${c.devices.join(', ')} | ${[...c.models.map((m) => (c.inferOnlyModels?.[m] ? `${m} (inference only)` : m)), ...(c.serializedModels ?? []).map((m) => `${m} (serialization only)`)].join(', ') || '—'} | ${c.loads.join(', ') || '—'} | ${c.exports.join(', ') || '—'} |`,
    );
  }
  const gaps = list.flatMap((b) => Object.entries(b.capabilities.missingModels ?? {}).map(([model, why]) => `- \`${b.id}\` has no \`${model}\`: ${why}`));
  if (gaps.length) lines.push('', '## Models a binding lacks', '', ...gaps);
  const untrained = list.flatMap((b) => Object.entries(b.capabilities.inferOnlyModels ?? {}).map(([model, why]) => `- \`${b.id}\` does not train \`${model}\`: ${why}`));
  if (untrained.length) lines.push('', '## Models a binding loads but does not train', '', ...untrained);
  const versioned = list.filter((b) => b.versions);
  if (versioned.length) {
    lines.push('', '## Other versions', '', 'These take `@<version>` (`bindbench setup --bindings <id>@<version>`, then the same id in `--bindings`): that version of the library in an environment of its own beside the pinned one, every other pin unchanged. The id without a version is the pinned one and stays the reference.', '');
    for (const b of versioned) lines.push(`- \`${b.id}@<version>\`: ${b.versions!.package} from ${b.versions!.registry} (pinned: ${b.versions!.pinned}).`);
  }
  const needs = list.filter((b) => b.needs.length);
  if (needs.length) {
    lines.push('', '## Set-up order', '');
    for (const b of needs) lines.push(`- \`${b.id}\` is set up after ${b.needs.map((n) => `\`${n}\``).join(', ')}.`);
  }
  return lines.join('\n') + '\n';
}
