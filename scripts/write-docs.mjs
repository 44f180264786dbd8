// Regenerates the generated references in docs/ (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { protocolJsonSchema } from '../dist/src/protocol/json-schema.js';
import { renderBindingsDoc } from '../dist/src/bindings/render-bindings-doc.js';
import { bindings } from '../dist/src/bindings/index.js';
writeFileSync(new URL('../docs/protocol.schema.json', import.meta.url), JSON.stringify(protocolJsonSchema(), null, 2) + '\n');
writeFileSync(new URL('../docs/bindings.md', import.meta.url), renderBindingsDoc(bindings));
