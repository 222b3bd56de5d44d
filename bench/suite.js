// Browser side of the benchmark suite (issue 7): the project's release wasm and the peers, in one
// page, interleaved (round r runs every implementation once; round 0 is the warm-up), so ratios
// are side by side under the same load; the native build runs once before each timed round. scripts/bench.mjs calls window.benchSuite.run(options).
// bench/pkg: the release module built with the `bench` feature by scripts/bench.mjs.
import init, * as nl from '/bench/pkg/noiselab_wasm.js';
import { w1Data, w1Plain, w1Tf, w2Plain, w3Plain } from './peers.js';

const log = (s) => { document.getElementById('log').textContent += `${s}\n`; };

async function setBackend(name) {
  const tf = window.tf;
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
}

/**
 * Time `impls` ({name, fn, toValue}) over `rounds` interleaved rounds after one warm-up. Before
 * each timed round the native build runs `workload` once (window.benchNative, provided by
 * scripts/bench.mjs), so native and wasm are timed seconds apart under the same load.
 */
async function interleave(impls, runs, workload) {
  const out = Object.fromEntries(impls.map((i) => [i.name, { runs: [], check: null }]));
  for (let r = 0; r <= runs; r++) {
    if (r > 0 && window.benchNative) await window.benchNative(workload);
    for (const impl of impls) {
      if (impl.before) await impl.before();
      const t0 = performance.now();
      const check = impl.fn();
      const ms = performance.now() - t0;
      if (r > 0) { out[impl.name].runs.push(impl.toValue(ms)); out[impl.name].check = check; }
      await new Promise((res) => setTimeout(res, 0));
    }
  }
  return out;
}

async function run({ runs = 7, w1Steps = 2000, trajectories = 1000, steps = 1000, tfSteps = 2000 } = {}) {
  await init();
  const reference = await import('/peers/funnel.mjs').catch(() => null);
  const tf = window.tf;
  tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  // SIMD, single-threaded (the page is not cross-origin isolated, so no threads anyway).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await setBackend('wasm');
  const tfWasmSimd = tf.env().getAsync ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : null;
  const data = w1Data(1024);
  const results = {};
  log('W1 …');
  results.W1 = await interleave([
    { name: 'noiselab wasm', fn: () => nl.benchMlp(w1Steps), toValue: (ms) => w1Steps / (ms / 1000) },
    { name: 'plain JS Float64Array', fn: () => w1Plain(w1Steps, data), toValue: (ms) => w1Steps / (ms / 1000) },
    { name: 'TensorFlow.js wasm+SIMD', before: () => setBackend('wasm'), fn: () => w1Tf(tf, tfSteps, data), toValue: (ms) => tfSteps / (ms / 1000) },
    { name: 'TensorFlow.js cpu', before: () => setBackend('cpu'), fn: () => w1Tf(tf, Math.min(tfSteps, 500), data), toValue: (ms) => Math.min(tfSteps, 500) / (ms / 1000) },
  ], runs, 'W1');
  log('W2 …');
  const per = trajectories * steps;
  results.W2 = await interleave([
    {
      name: 'noiselab wasm',
      fn: () => {
        const r = nl.Funnel.create({ trajectories, steps, noiseStd: 1 }).run;
        r.step(steps);
        r.free();
        return 0;
      },
      toValue: (ms) => (ms * 1e6) / per,
    },
    { name: 'plain JS (sfc32 + Box–Muller)', fn: () => w2Plain(trajectories, steps), toValue: (ms) => (ms * 1e6) / per },
    // The reference peer (../shared/peers/funnel.mjs, served by scripts/bench.mjs as it is): the
    // same cost, update, statistics and divergence rule, written as a careful competitor.
    ...(reference ? [{ name: 'plain JS (reference peer)', fn: () => reference.funnelRun(trajectories, steps, { noise: 1 }), toValue: (ms) => (ms * 1e6) / per }] : []),
  ], runs, 'W2');
  log('W3 …');
  const w3data = w1Data(256);
  results.W3 = await interleave([
    { name: 'noiselab wasm', fn: () => Array.from(nl.benchSharpness(true)), toValue: (ms) => ms },
    { name: 'noiselab wasm, power iteration', fn: () => Array.from(nl.benchSharpness(false)), toValue: (ms) => ms },
    { name: 'plain JS FD power iteration', fn: () => w3Plain(w3data), toValue: (ms) => ms },
  ], Math.max(5, Math.min(runs, 7)), 'W3');
  log('done');
  return {
    results,
    versions: { tfjs: tf.version.tfjs, tfjsWasmSimd: tfWasmSimd, userAgent: navigator.userAgent },
  };
}

window.benchSuite = { run };
window.benchSuiteReady = true;
