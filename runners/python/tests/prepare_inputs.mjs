// Builds real runner inputs with bindbench's own compiled code (dist/), so the Python tests read exactly the files
// the orchestrator would hand a runner: the MNIST cache, shared orders and shared initial weights.
// usage: node prepare_inputs.mjs <repo root> <home> '<json: {orders: [{seed, n, epochs}], inits: [{model, seed}]}>'
const [root, homeDir, json] = process.argv.slice(2);
const want = JSON.parse(json);
const { resolveHome } = await import(`${root}/dist/src/base/home.js`);
const { prepareDataset } = await import(`${root}/dist/src/data/cache.js`);
const { prepareSharedOrder } = await import(`${root}/dist/src/data/shared-order.js`);
const { prepareSharedInit } = await import(`${root}/dist/src/weights/shared-init.js`);
const { models } = await import(`${root}/dist/src/zoo/models.js`);
const home = resolveHome(homeDir);
const out = {
  mnist: prepareDataset(home, 'mnist'),
  models,
  orders: (want.orders ?? []).map((o) => ({ ...o, file: prepareSharedOrder(home, o.seed, o.n, o.epochs) })),
  inits: (want.inits ?? []).map((i) => ({ ...i, file: prepareSharedInit(home, models[i.model], i.seed) })),
};
process.stdout.write(JSON.stringify(out));
