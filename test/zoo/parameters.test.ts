import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bertMinilm, gru, gruResetBefore, lenet1, lenet5, lstm, models, vgg16 } from '../../src/zoo/models.js';
import { modelSpecSchema } from '../../src/zoo/model-spec.js';
import { canonicalParameters, parameterCount, trainableParameterCount } from '../../src/zoo/parameters.js';
import { sharedInitialWeights } from '../../src/weights/shared-init.js';

const describe = (model: Parameters<typeof canonicalParameters>[0]) => canonicalParameters(model).map((p) => `${p.name} ${p.shape.join('x')}`);

test('LeNet-1 has 4,326 parameters and LeNet-5 61,706, as in the study', () => {
  assert.equal(parameterCount(lenet1), 4326);
  assert.equal(parameterCount(lenet5), 61706);
});

test('canonical names and PyTorch layouts, flatten channel-major', () => {
  assert.deepEqual(describe(lenet1), ['conv1.weight 4x1x5x5', 'conv1.bias 4', 'conv2.weight 12x4x5x5', 'conv2.bias 12', 'fc1.weight 10x300', 'fc1.bias 10']);
  assert.deepEqual(canonicalParameters(lenet5).find((p) => p.name === 'fc1.weight')!.shape, [84, 120]);
});

test('every zoo model is a valid spec whose parameters can be derived', () => {
  for (const model of Object.values(models)) {
    assert.deepEqual(modelSpecSchema.parse(model), model);
    assert.ok(parameterCount(model) > 0, model.id);
  }
});

test('VGG-16: 33,650,890 parameters, 8,448 of them the batch norms\' moving statistics', () => {
  assert.equal(parameterCount(vgg16), 33_650_890);
  assert.equal(parameterCount(vgg16) - trainableParameterCount(vgg16), 8_448);
  const params = canonicalParameters(vgg16);
  assert.equal(params.filter((p) => p.name.endsWith('.weight') && p.shape.length === 4).length, 13);
  assert.ok(!params.some((p) => /^conv\d+\.bias$/.test(p.name)), 'convolutions have no bias');
  assert.deepEqual(describe(vgg16).slice(0, 5), ['conv1.weight 64x3x3x3', 'bn1.gamma 64', 'bn1.beta 64', 'bn1.moving_mean 64', 'bn1.moving_variance 64']);
  assert.deepEqual(describe(vgg16).slice(-6), ['fc1.weight 4096x512', 'fc1.bias 4096', 'fc2.weight 4096x4096', 'fc2.bias 4096', 'fc3.weight 10x4096', 'fc3.bias 10']);
  assert.deepEqual(params.filter((p) => !p.trainable).map((p) => p.role).slice(0, 2), ['moving_mean', 'moving_variance']);
});

test('LSTM and GRUs: embedding 3,000,000 plus Keras-layout recurrent weights', () => {
  const embedding = 10_000 * 300;
  const head = 512 + 1;
  assert.equal(parameterCount(lstm), embedding + 4 * (300 * 512 + 512 * 512 + 512) + head);
  assert.equal(parameterCount(lstm), 4_665_537);
  // reset_after=true keeps an input and a recurrent bias, [2, 3·units]; reset_after=false one.
  assert.equal(parameterCount(gru), embedding + 3 * (300 * 512 + 512 * 512) + 2 * 3 * 512 + head);
  assert.equal(parameterCount(gru), 4_250_817);
  assert.equal(parameterCount(gruResetBefore), 4_249_281);
  assert.deepEqual(describe(lstm), ['embedding.embeddings 10000x300', 'lstm.kernel 300x2048', 'lstm.recurrent_kernel 512x2048', 'lstm.bias 2048', 'fc.weight 1x512', 'fc.bias 1']);
  assert.deepEqual(describe(gru).slice(1, 4), ['gru.kernel 300x1536', 'gru.recurrent_kernel 512x1536', 'gru.bias 2x1536']);
  assert.deepEqual(describe(gruResetBefore)[3], 'gru.bias 1536');
  for (const m of [lstm, gru, gruResetBefore]) {
    assert.equal(m.dataset, 'imdb');
    assert.equal(m.output, 'sigmoid');
    assert.equal(trainableParameterCount(m), parameterCount(m));
  }
  assert.equal(vgg16.dataset, 'cifar10');
});

test('layers that do not fit their input name themselves', () => {
  assert.throws(() => canonicalParameters({ ...lstm, input_shape: [28, 28, 1] }), /layer embedding: embedding needs a token sequence/);
  assert.throws(() => canonicalParameters({ ...lenet1, layers: [{ kind: 'lstm', name: 'r', units: 4 }] }), /layer r: lstm needs a sequence/);
});

test('shared initial weights follow Keras\'s defaults for the new layers', () => {
  const w = sharedInitialWeights({ ...lstm, layers: [{ kind: 'embedding', name: 'e', vocab: 50, dim: 8 }, { kind: 'lstm', name: 'l', units: 6 }] }, 3);
  const bias = [...(w['l.bias']!.data as Float32Array)];
  assert.deepEqual(bias, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, ...Array(12).fill(0)], 'forget-gate bias 1 (gates i, f, c, o)');
  assert.ok((w['e.embeddings']!.data as Float32Array).every((v) => Math.abs(v) <= 0.05));
  // Orthogonal recurrent kernel [6, 24]: its rows are orthonormal.
  const r = w['l.recurrent_kernel']!.data as Float32Array;
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      let dot = 0;
      for (let k = 0; k < 24; k++) dot += r[i * 24 + k]! * r[j * 24 + k]!;
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `row ${i}·row ${j} = ${dot}`);
    }
  }
  const bn = sharedInitialWeights({ ...vgg16, layers: vgg16.layers.slice(0, 2) }, 3);
  assert.ok((bn['bn1.gamma']!.data as Float32Array).every((v) => v === 1));
  assert.ok((bn['bn1.moving_variance']!.data as Float32Array).every((v) => v === 1));
  assert.ok((bn['bn1.moving_mean']!.data as Float32Array).every((v) => v === 0));
});

test('BERT (all-MiniLM-L6-v2): 22,713,216 BertModel parameters under Hugging Face\'s names plus a 385-parameter head', () => {
  const h = 384;
  const embeddings = (30_522 + 512 + 2) * h + 2 * h;
  const perLayer = 4 * (h * h + h) + 2 * h + (h * 1536 + 1536) + (1536 * h + h) + 2 * h;
  const pooler = h * h + h;
  assert.equal(embeddings + 6 * perLayer + pooler, 22_713_216, "the package checkpoint's count (position_ids, a buffer, left out)");
  assert.equal(parameterCount(bertMinilm), 22_713_216 + h + 1);
  assert.equal(parameterCount(bertMinilm), 22_713_601);
  assert.equal(trainableParameterCount(bertMinilm), parameterCount(bertMinilm));
  const names = describe(bertMinilm);
  assert.equal(names.length, 5 + 6 * 16 + 2 + 2);
  assert.deepEqual(names.slice(0, 6), [
    'bert.embeddings.word_embeddings.weight 30522x384', 'bert.embeddings.position_embeddings.weight 512x384', 'bert.embeddings.token_type_embeddings.weight 2x384',
    'bert.embeddings.LayerNorm.weight 384', 'bert.embeddings.LayerNorm.bias 384', 'bert.encoder.layer.0.attention.self.query.weight 384x384',
  ]);
  assert.ok(names.includes('bert.encoder.layer.5.intermediate.dense.weight 1536x384'));
  assert.ok(names.includes('bert.encoder.layer.5.output.dense.weight 384x1536'), 'dense weights [out, in]');
  assert.deepEqual(names.slice(-4), ['bert.pooler.dense.weight 384x384', 'bert.pooler.dense.bias 384', 'classifier.weight 1x384', 'classifier.bias 1']);
  const params = canonicalParameters(bertMinilm);
  assert.ok(params.filter((p) => p.name.startsWith('bert.')).every((p) => p.init === 'pretrained'), 'the encoder comes from the package');
  assert.deepEqual(params.filter((p) => !p.name.startsWith('bert.')).map((p) => p.init), ['glorot_uniform', 'zeros']);
});

test('a BERT layer that does not fit its input names itself', () => {
  const bert = bertMinilm.layers[0]!;
  assert.throws(() => canonicalParameters({ ...bertMinilm, input_shape: [600] }), /layer bert: 600 tokens exceed its 512 positions/);
  assert.throws(() => canonicalParameters({ ...bertMinilm, layers: [{ ...bert, heads: 5 } as typeof bert] }), /not a multiple of its 5 heads/);
  const small = sharedInitialWeights({ ...bertMinilm, input_shape: [4], layers: [{ ...bert, vocab: 10, hidden: 4, heads: 2, layers: 1, intermediate: 8, max_position: 6, pretrained: undefined } as typeof bert] }, 1);
  assert.ok((small['bert.embeddings.LayerNorm.weight']!.data as Float32Array).every((v) => v === 1), 'without a package: Keras defaults');
});
