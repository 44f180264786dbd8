/** JSON Schemas of the request and the events, generated from the zod schemas for runners in other languages. */
import { zodToJsonSchema } from 'zod-to-json-schema';
import { runnerEventSchema } from './events.js';
import { requestSchema } from './request.js';
import { PROTOCOL_VERSION } from './version.js';

export function protocolJsonSchema(): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `bindbench runner protocol, version ${PROTOCOL_VERSION}`,
    definitions: {
      request: zodToJsonSchema(requestSchema, { target: 'jsonSchema7', $refStrategy: 'none' }),
      event: zodToJsonSchema(runnerEventSchema, { target: 'jsonSchema7', $refStrategy: 'none' }),
    },
  };
}
