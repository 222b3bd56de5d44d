// The course-site samples of examples/ built with their real tools into dist/sites/ (issue 19),
// each following its recipe in docs/sites.md from the versioned bundle
// dist/noiselab-widgets-<version>.tar.gz (made by scripts/build.sh, or `node scripts/bundle.mjs`):
//   mkdocs  the bundle unpacked into examples/mkdocs/docs/noiselab/, then `mkdocs build --strict`
//           (mkdocs-material from .venv/; SITE_URL in the environment
//           sets its site_url)                                       → dist/sites/mkdocs/
//   quarto  the bundle unpacked into examples/quarto/noiselab/, each .qmd rendered by Debian's
//           pandoc (Quarto's own binary cannot be installed here), with the _quarto.yml resource
//           noiselab/** copied                                       → dist/sites/quarto/
//   myst    the bundle unpacked into examples/myst/noiselab/; `myst build --site` (mystmd from
//           .venv/) with a local template instead of the book theme, which it would fetch from
//           the internet; the pages' AST rendered by scripts/sites/myst-html.mjs beside the
//           site's static files (the copied anywidget module, noiselab/)  → dist/sites/myst/
//                                                                       (the AST: dist/sites/myst-build/)
// A site whose inputs (the bundle, its sample's files, the tool versions, these scripts) did not
// change since its last build is skipped. Usage: node scripts/build-sites.mjs [site …] [--force]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSite } from './sites/myst-html.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examples = path.join(root, 'examples');
const sites = path.join(root, 'dist', 'sites');
const venv = path.join(root, '.venv', 'bin');
const { version } = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8'));
const bundle = path.join(root, 'dist', `noiselab-widgets-${version}.tar.gz`);
const say = (s) => console.log(`[sites] ${s}`);

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, {
  encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts,
  env: { ...process.env, NO_MKDOCS_2_WARNING: '1', NO_UPDATE_NOTIFIER: '1', ...opts.env },
});

/** Where it can (root, or user namespaces allowed), the site tools run with no network at all
    (`unshare -n`), so a build that reached for the internet (a theme, fonts, a template) fails
    here instead of passing on a machine that happens to be online. */
const offline = (() => { try { run('unshare', ['-n', 'true']); return true; } catch { return false; } })();
const tool = (cmd, args, opts) => (offline ? run('unshare', ['-n', cmd, ...args], opts) : run(cmd, args, opts));

/** Files under `dir` (relative, sorted), leaving out what the build itself puts there. */
async function files(dir, skip = new Set()) {
  const out = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (skip.has(e.name) || e.name === '.gitignore') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p, skip)).map((f) => path.join(e.name, f)));
    else out.push(e.name);
  }
  return out.sort();
}

/** The bundle unpacked as `to` (the recipes' first step: download, unpack, rename to noiselab/). */
async function unpack(to) {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'noiselab-sites-'));
  try {
    run('tar', ['-xzf', bundle, '-C', tmp]);
    await fs.rm(to, { recursive: true, force: true });
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.cp(path.join(tmp, `noiselab-widgets-${version}`), to, { recursive: true });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

const BUILDERS = {
  /** MkDocs + Material: `mkdocs build --strict` with the bundle in docs/noiselab/. */
  async mkdocs(out) {
    const src = path.join(examples, 'mkdocs');
    await unpack(path.join(src, 'docs', 'noiselab'));
    tool(path.join(venv, 'mkdocs'), ['build', '--strict', '--quiet', '-f', path.join(src, 'mkdocs.yml'), '-d', out]);
  },

  /** Quarto's raw-HTML recipe rendered by pandoc: each .qmd to .html (links to .qmd pages
      rewritten to .html, and the website's favicon linked, as Quarto does), and the _quarto.yml
      resources (noiselab/**) copied. */
  async quarto(out) {
    const src = path.join(examples, 'quarto');
    const config = await fs.readFile(path.join(src, '_quarto.yml'), 'utf8');
    if (!/resources:\s*\n\s*-\s*"?noiselab\/\*\*"?/.test(config)) throw new Error('examples/quarto/_quarto.yml must list the bundle, noiselab/**, under project.resources');
    const favicon = config.match(/^\s+favicon:\s*(\S+)\s*$/m)?.[1];
    await unpack(path.join(src, 'noiselab'));
    await fs.mkdir(out, { recursive: true });
    for (const f of (await fs.readdir(src)).filter((f) => f.endsWith('.qmd'))) {
      tool('pandoc', ['-f', 'markdown', '-t', 'html5', '--standalone', '--lua-filter', path.join(root, 'scripts', 'sites', 'qmd-links.lua'),
        ...(favicon ? ['-V', `header-includes=<link rel="icon" href="${favicon}">`] : []),
        path.join(src, f), '-o', path.join(out, f.replace(/\.qmd$/, '.html'))]);
    }
    await fs.cp(path.join(src, 'noiselab'), path.join(out, 'noiselab'), { recursive: true });
    if (favicon) await fs.copyFile(path.join(src, favicon), path.join(out, favicon));
  },

  /** MyST: the site's content (AST) offline, then static pages from it with MyST's renderer. */
  async myst(out) {
    const src = path.join(examples, 'myst');
    await unpack(path.join(src, 'noiselab'));
    if (!existsSync(path.join(src, 'noiselab', 'anywidget.js'))) throw new Error(`the bundle ${path.relative(root, bundle)} has no anywidget.js (www/anywidget.js must be in package.json "files")`);
    // The book as it is, but with the local template: the book theme is fetched from the internet.
    const work = `${out}-build`;
    await fs.rm(work, { recursive: true, force: true });
    await fs.mkdir(work, { recursive: true });
    for (const f of await files(src, new Set(['_build']))) await fs.cp(path.join(src, f), path.join(work, f));
    const yml = await fs.readFile(path.join(work, 'myst.yml'), 'utf8');
    const offline = yml.replace(/^(\s+template:\s*)book-theme\s*$/m, `$1${path.join(root, 'scripts', 'sites', 'myst-template')}`);
    if (offline === yml) throw new Error('examples/myst/myst.yml: expected site.template: book-theme');
    await fs.writeFile(path.join(work, 'myst.yml'), offline);
    tool(path.join(venv, 'myst'), ['build', '--site', '--ci', '--strict'], { cwd: work });
    await fs.mkdir(out, { recursive: true });
    await renderSite(path.join(work, '_build', 'site'), out);
    if (!existsSync(path.join(out, 'noiselab', 'noiselab.js'))) throw new Error('examples/myst/myst.yml: the bundle, noiselab, must be in project.static_files');
  },
};

/** A digest of everything a site's build depends on. */
async function inputs(site) {
  const h = createHash('sha256');
  const add = async (file) => { h.update(path.relative(root, file)); h.update(await fs.readFile(file)); };
  await add(bundle);
  await add(fileURLToPath(import.meta.url));
  for (const f of await files(path.join(root, 'scripts', 'sites'))) await add(path.join(root, 'scripts', 'sites', f));
  const src = path.join(examples, site);
  for (const f of await files(src, new Set(['noiselab', '_build', '_site', '.quarto']))) await add(path.join(src, f));
  if (existsSync(path.join(root, '.venv', '.requirements'))) await add(path.join(root, '.venv', '.requirements'));
  if (site === 'mkdocs') h.update(`SITE_URL=${process.env.SITE_URL ?? ''}`);
  if (site === 'quarto') h.update(run('pandoc', ['--version']));
  if (site === 'myst') await add(path.join(root, 'package-lock.json'));
  return h.digest('hex');
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const wanted = args.filter((a) => !a.startsWith('--'));
for (const w of wanted) if (!BUILDERS[w]) throw new Error(`unknown site "${w}"; known: ${Object.keys(BUILDERS).join(', ')}`);
if (!existsSync(bundle)) throw new Error(`no ${path.relative(root, bundle)}: run scripts/build.sh (or node scripts/bundle.mjs) first`);

for (const site of wanted.length ? wanted : Object.keys(BUILDERS)) {
  const out = path.join(sites, site);
  const stamp = path.join(sites, `${site}.inputs`);
  const digest = await inputs(site);
  if (!force && existsSync(out) && existsSync(stamp) && (await fs.readFile(stamp, 'utf8')) === digest) {
    say(`${site}: up to date (dist/sites/${site}/)`);
    continue;
  }
  const t0 = Date.now();
  await fs.rm(stamp, { force: true });
  await fs.rm(out, { recursive: true, force: true });
  try {
    await BUILDERS[site](out);
  } catch (err) {
    if (err.stderr || err.stdout) console.error(String(err.stdout ?? '') + String(err.stderr ?? ''));
    throw new Error(`[sites] ${site}: ${err.message.split('\n')[0]}`);
  }
  await fs.writeFile(stamp, digest);
  say(`${site}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s${offline ? ' with no network' : ''} → dist/sites/${site}/`);
}
