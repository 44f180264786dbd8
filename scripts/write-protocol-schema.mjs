// Regenerates docs/protocol.schema.json from the zod schemas (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { protocolJsonSchema } from '../dist/src/protocol/json-schema.js';
writeFileSync(new URL('../docs/protocol.schema.json', import.meta.url), JSON.stringify(protocolJsonSchema(), null, 2) + '\n');
