// Benchmark (not a test): noisy-GD trajectory-steps per second natively (the CLI's `bench`) and in
// headless Chromium (the release wasm, driven from a page of the served lab), same workload and
// timing rule (best of 6 runs after building the same config), and their ratio.
// Usage: npm run bench [-- --trajectories 2000 --steps 1000]
import { execFileSync, spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/browser.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const trajectories = arg('trajectories', 2000);
const steps = arg('steps', 1000);

execFileSync('cargo', ['build', '--release', '-q', '-p', 'noiselab-cli'], { stdio: 'inherit' });
const native = JSON.parse(execFileSync('target/release/noiselab', ['bench', 'funnel', '--trajectories', String(trajectories), '--steps', String(steps)], { encoding: 'utf8' }));

const server = spawn('node', ['scripts/serve.mjs', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  server.stdout.once('data', (d) => resolve(String(d).trim()));
  server.once('exit', () => reject(new Error('server exited')));
});
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage();
  await page.goto(`${url}index.html`);
  const wasm = await page.evaluate(async ({ trajectories, steps }) => {
    const m = await import('/www/pkg/noiselab_wasm.js');
    await m.default();
    let best = Infinity;
    for (let k = 0; k < 6; k++) {
      const run = new m.FunnelRun({ trajectories, steps, noiseStd: 1 });
      const t0 = performance.now();
      run.step(steps);
      best = Math.min(best, (performance.now() - t0) / 1000);
      run.free();
    }
    return { seconds: best, trajectoryStepsPerSecond: (trajectories * steps) / best };
  }, { trajectories, steps });
  const ratio = wasm.trajectoryStepsPerSecond / native.trajectoryStepsPerSecond;
  const f = (v) => `${(v / 1e6).toFixed(2)} M`;
  console.log(`funnel noisy GD, M = ${trajectories}, ${steps} steps (best of 6)`);
  console.log(`  native:            ${f(native.trajectoryStepsPerSecond)} trajectory-steps/s (${(native.seconds * 1000).toFixed(1)} ms)`);
  console.log(`  wasm in Chromium:  ${f(wasm.trajectoryStepsPerSecond)} trajectory-steps/s (${(wasm.seconds * 1000).toFixed(1)} ms)`);
  console.log(`  ratio wasm/native: ${ratio.toFixed(3)}`);
} finally {
  await browser.close();
  server.kill();
}
