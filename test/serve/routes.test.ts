import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRoute } from '../../src/serve/routes.js';

test('routes: pages by path, filters and comparisons by query', () => {
  assert.deepEqual(matchRoute('/'), { kind: 'home' });
  assert.deepEqual(matchRoute('/campaigns/quick-2026'), { kind: 'campaign', id: 'quick-2026', filter: { model: undefined, binding: undefined, device: undefined } });
  assert.deepEqual(matchRoute('/campaigns/c1/?model=lenet5&binding=pytorch%2Frust'), { kind: 'campaign', id: 'c1', filter: { model: 'lenet5', binding: 'pytorch/rust', device: undefined } });
  assert.deepEqual(matchRoute('/campaigns/c1/runs/lenet1--pytorch-rust--s1--cpu'), { kind: 'run', id: 'c1', key: 'lenet1--pytorch-rust--s1--cpu' });
  const none = { model: undefined, binding: undefined, device: undefined };
  assert.deepEqual(matchRoute('/campaigns/c1/figures/c1--reproduction--cpu.svg'), { kind: 'figure', id: 'c1', figure: 'c1--reproduction--cpu', filter: none });
  assert.deepEqual(matchRoute('/campaigns/c1/figures/f.svg?binding=pytorch%2Frust'), { kind: 'figure', id: 'c1', figure: 'f', filter: { ...none, binding: 'pytorch/rust' } });
  assert.deepEqual(matchRoute('/campaigns/c1/sections/runs?device=cpu'), { kind: 'section', id: 'c1', section: 'runs', filter: { ...none, device: 'cpu' } });
  assert.deepEqual(matchRoute('/compare?a=x&b=y'), { kind: 'compare', a: 'x', b: 'y' });
  assert.deepEqual(matchRoute('/compare'), { kind: 'compare', a: null, b: null });
});

test('raw file paths reach the file route undecoded and unnormalised, so the file route can refuse them', () => {
  assert.deepEqual(matchRoute('/store/runs/c/k/result.json'), { kind: 'file', segments: ['runs', 'c', 'k', 'result.json'] });
  assert.deepEqual(matchRoute('/store/../../etc/passwd'), { kind: 'file', segments: ['..', '..', 'etc', 'passwd'] });
  assert.deepEqual(matchRoute('/store/%2e%2e/x'), { kind: 'file', segments: ['%2e%2e', 'x'] });
});

test('anything else is not found or a bad request', () => {
  assert.deepEqual(matchRoute('/campaigns'), { kind: 'not-found' });
  assert.deepEqual(matchRoute('/etc/passwd'), { kind: 'not-found' });
  assert.deepEqual(matchRoute('/campaigns/c1/runs'), { kind: 'not-found' });
  assert.deepEqual(matchRoute('/campaigns/c1/figures/x.png'), { kind: 'not-found' });
  assert.equal(matchRoute('/campaigns/%E0%A4%A').kind, 'bad-request');
  assert.equal(matchRoute('http://evil.example/').kind, 'bad-request');
});
