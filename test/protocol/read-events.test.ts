import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvents, ProtocolError } from '../../src/protocol/read-events.js';

test('valid JSON lines become typed events, blank lines are ignored', () => {
  const events = parseEvents(
    [
      '{"type":"start","protocol":1,"binding":"x/y","language":"py","framework":"x","versions":{"x":"1"},"device":{"kind":"cpu","name":"cpu"}}',
      '',
      '{"type":"epoch","epoch":1,"train_accuracy":0.9,"test_accuracy":0.91,"loss":0.3,"train_seconds":1.5,"eval_seconds":0.2}',
      '{"type":"end","train_seconds":1.5,"wall_seconds":2}',
    ].join('\n'),
  );
  assert.deepEqual(events.map((e) => e.type), ['start', 'epoch', 'end']);
});

test('a line that is not JSON is a ProtocolError naming the line', () => {
  assert.throws(
    () => parseEvents('{"type":"log","message":"hi"}\nNaN\n'),
    (e: unknown) => e instanceof ProtocolError && e.line === 2 && /line 2: not JSON/.test(e.message),
  );
});

test('an event that breaks the schema names the field', () => {
  assert.throws(() => parseEvents('{"type":"epoch","epoch":0,"train_accuracy":0.9,"test_accuracy":0.9,"loss":1,"train_seconds":1,"eval_seconds":0}'), /line 1: epoch: Number must be greater than 0/);
  assert.throws(() => parseEvents('{"type":"teleport"}'), /line 1: type: Invalid discriminator value/);
  assert.throws(() => parseEvents('{"type":"epoch","epoch":1,"train_accuracy":1.5,"test_accuracy":0.9,"loss":1,"train_seconds":1,"eval_seconds":0}'), /train_accuracy/);
});
