// Regenerate the front page's header sketch of the funnel from the Rust core (the CLI), so its
// numbers are the lab's own: GD, the mean of 2,000 noisy runs at σ = 1 and σ = 2, one noisy run,
// and the cost's contour lines. Writes between the <!-- hero:begin --> and <!-- hero:end -->
// markers of index.html. Usage: node scripts/hero.mjs (after cargo build --release -p noiselab-cli)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const bin = 'target/release/noiselab';
const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-hero-'));
const cli = (args) => execFileSync(bin, args, { encoding: 'utf8' });
const run = (sigma, shown) => {
  const out = path.join(dir, `run-${sigma}.json`);
  cli(['run', 'funnel', '--set', `noiseStd=${sigma}`, '--set', 'trajectories=2000', '--set', `shownPaths=${shown}`, '--set', 'seed=1', '--out', out]);
  return JSON.parse(readFileSync(out, 'utf8'));
};
const r1 = run(1, 1);
const r2 = run(2, 0);
const surfaceFile = path.join(dir, 'surface.json');
cli(['surface', 'funnel', '--nx', '97', '--ny', '49', '--levels', '9', '--out', surfaceFile]);
const surface = JSON.parse(readFileSync(surfaceFile, 'utf8'));

// The sketch's frame: x ∈ [−3.8, 3.2], y ∈ [−1.45, 1.45] on a 560 × 230 view box.
const W = 560, H = 230, X0 = -3.8, X1 = 3.2, Y0 = -1.45, Y1 = 1.45;
const px = (x) => ((x - X0) / (X1 - X0)) * W;
const py = (y) => H - ((y - Y0) / (Y1 - Y0)) * H;
const f = (v) => v.toFixed(1);
const col = (r, name) => r.historyFields.indexOf(name);

function pathOf(points, every = 1) {
  const parts = [];
  points.forEach(([x, y], i) => {
    if (i % every && i !== points.length - 1) return;
    if (x === null || y === null) return;
    parts.push(`${parts.length ? 'L' : 'M'}${f(px(x))},${f(py(y))}`);
  });
  return parts.join('');
}
const series = (r, xName, yName) => r.history.map((row) => [row[col(r, xName)], row[col(r, yName)]]);
const gd = series(r1, 'gdX', 'gdY');
const mean1 = series(r1, 'meanX', 'meanY');
const mean2 = series(r2, 'meanX', 'meanY');
const sample = r1.paths.map((row) => [row[0], row[1]]);

const inFrame = (x, y) => x >= X0 - 0.2 && x <= X1 + 0.2 && y >= Y0 - 0.2 && y <= Y1 + 0.2;
const contourPaths = surface.contours.map((seg) => {
  const parts = [];
  for (let i = 0; i < seg.length; i += 4) {
    if (!inFrame(seg[i], seg[i + 1]) && !inFrame(seg[i + 2], seg[i + 3])) continue;
    parts.push(`M${f(px(seg[i]))},${f(py(seg[i + 1]))}L${f(px(seg[i + 2]))},${f(py(seg[i + 3]))}`);
  }
  return parts.length ? `<path d="${parts.join('')}"/>` : '';
}).join('');

const end = (p, cls, r) => { const [x, y] = p[p.length - 1]; return `<circle class="${cls}" cx="${f(px(x))}" cy="${f(py(y))}" r="${r}"/>`; };
const svg = [
  `<g class="sk-contours" stroke-linecap="round">${contourPaths}</g>`,
  `<path class="sk-valley" d="M0,${f(py(0))}H${W}"/>`,
  `<path class="sk-sample" d="${pathOf(sample, 2)}"/>`,
  `<path class="sk-mean2" d="${pathOf(mean2, 4)}"/>`,
  `<path class="sk-mean1" d="${pathOf(mean1, 4)}"/>`,
  `<path class="sk-gd" d="${pathOf(gd, 4)}"/>`,
  end(mean2, 'sk-end2', 4.5) + end(mean1, 'sk-end1', 4.5),
  `<circle class="sk-start" cx="${f(px(gd[0][0]))}" cy="${f(py(gd[0][1]))}" r="5"/>`,
  `<text class="sk-label" x="8" y="${f(py(0) - 8)}">← sharp</text>`,
  `<text class="sk-label" x="${W - 8}" y="${f(py(0) - 8)}" text-anchor="end">flat →</text>`,
].map((l) => `          ${l}`).join('\n');

const page = readFileSync('index.html', 'utf8');
const re = /(<!-- hero:begin[^>]*-->)[\s\S]*?(\n\s*<!-- hero:end -->)/;
if (!re.test(page)) throw new Error('index.html has no <!-- hero:begin --> … <!-- hero:end --> markers');
writeFileSync('index.html', page.replace(re, `$1\n${svg}$2`));
const last = (r, n) => r.history[r.history.length - 1][col(r, n)];
console.log(`hero: mean x at step 1000: σ = 1 → ${last(r1, 'meanX').toFixed(3)}, σ = 2 → ${last(r2, 'meanX').toFixed(3)}, GD → ${last(r1, 'gdX').toFixed(3)} (${svg.length} bytes)`);
