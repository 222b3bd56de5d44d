// The prebuilt, versioned widget bundle (issue 19): what course notes need to embed the lab with
// no Rust toolchain. From the npm package's own file list (package.json "files": noiselab.js,
// frame.html, the widgets, the worker and the wasm cores), this writes
//   dist/noiselab-<version>.tgz                the npm package (npm pack, no scripts run)
//   dist/noiselab-widgets-<version>.tar.gz     the same files as a plain folder, noiselab-widgets-<version>/
//   dist/widgets/                              that folder unpacked, for the Python wheel and the
//                                              course-site samples (examples/) to copy
// Run by scripts/build.sh after the wasm is built (`npm run dist` builds and prints the paths).
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const { version } = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8'));

await fs.mkdir(dist, { recursive: true });
for (const f of await fs.readdir(dist)) if (/^noiselab-.*\.(tgz|tar\.gz)$/.test(f)) await fs.rm(path.join(dist, f));
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dist], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
const files = packed.files.map((f) => f.path).filter((p) => p.startsWith('www/')).sort();
if (!files.some((p) => p.endsWith('.wasm'))) throw new Error('bundle: no wasm core in the package: run scripts/build.sh first');

const folder = path.join(dist, 'widgets');
await fs.rm(folder, { recursive: true, force: true });
for (const f of files) {
  const to = path.join(folder, f.slice('www/'.length));
  await fs.mkdir(path.dirname(to), { recursive: true });
  // From the built lab (dist/www/, made by dist.mjs): its pages carry the CSP as a <meta> tag.
  await fs.copyFile(path.join(dist, f), to);
}
await fs.writeFile(path.join(folder, 'VERSION'), `${version}\n`);

const name = `noiselab-widgets-${version}`;
const archive = path.join(dist, `${name}.tar.gz`);
// Reproducible: sorted names, fixed owner and time.
execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=2026-01-01 00:00Z',
  '-czf', archive, '-C', folder, '--transform', `s,^\\.,${name},`, '.'], { stdio: 'inherit' });
const size = async (p) => ((await fs.stat(p)).size / 1024).toFixed(0);
console.log(`[build] bundle: dist/${packed.filename} (${await size(path.join(dist, packed.filename))} KiB, npm), dist/${name}.tar.gz (${await size(archive)} KiB, ${files.length} files), unpacked in dist/widgets/`);
