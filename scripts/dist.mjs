// Assemble the built lab in dist/: index.html and www/ (with the wasm in www/pkg and KaTeX in
// www/vendor, made by build.sh), the service worker at the root, and www/precache.json listing
// every file for offline use. dist/ is plain static files: any static host can serve it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CSP_META } from './csp.mjs';
import katex from 'katex';
import { katexOptions } from '../www/lib/math-options.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

async function walk(dir) {
  const out = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && e.name !== '.gitignore') out.push(p);
  }
  return out;
}

await fs.rm(dist, { recursive: true, force: true });
await fs.mkdir(dist, { recursive: true });
await fs.copyFile(path.join(root, 'index.html'), path.join(dist, 'index.html'));
await fs.cp(path.join(root, 'www'), path.join(dist, 'www'), { recursive: true, filter: (src) => !src.endsWith('.gitignore') });
await fs.rename(path.join(dist, 'www', 'sw.js'), path.join(dist, 'sw.js'));

// The math is rendered here, once, instead of in every reader's browser (321 formulas on the
// front page took one ~400 ms task at load): `<span class="math">TeX</span>` and
// `<div class="math display">` get KaTeX's HTML + MathML, the TeX in data-tex and data-rendered,
// exactly what www/lib/math.js makes at run time (it skips them). A formula KaTeX cannot parse
// fails the build.
const unescape = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const escapeAttr = (t) => t.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
let prerendered = 0;

// The front page's math after its first section goes to www/lab-math.json (issue 7, W4). Of the
// page's 590 KB, 480 KB was KaTeX's markup for 321 formulas; parsing, styling and laying it out
// delayed the first frame of a widget opened by its link by ~230 ms. Each such formula is left in
// the page as its TeX source (readable, as on the development page before KaTeX runs) with
// `data-later="k"`, k its index in the JSON array of rendered formulas; www/lab.js fills a
// section in as the reader comes near it, and the rest when the page is idle or printed.
async function deferMath(html) {
  const later = [];
  const parts = html.split(/(?=<section id=")/);
  const start = parts.findIndex((p) => /^<section id="/.test(p));
  if (start < 0) return html;
  const open = /<(span|div)( class="math(?: display)?") data-tex="([^"]*)" data-rendered>/g;
  const out = parts.map((part, i) => {
    if (i <= start) return part; // the head, intro and first section keep their math
    let res = '';
    let from = 0;
    let m;
    open.lastIndex = 0;
    while ((m = open.exec(part))) {
      const [, tag, cls, tex] = m;
      // The element's end: the matching close tag (KaTeX's markup nests spans, never divs).
      const inner = new RegExp(`<(/?)${tag}[\\s>]`, 'g');
      inner.lastIndex = open.lastIndex;
      let depth = 1;
      let k;
      while (depth && (k = inner.exec(part))) depth += k[1] ? -1 : 1;
      if (depth) throw new Error(`index.html: unclosed formula ${JSON.stringify(tex)}`);
      const end = k.index + tag.length + 3;
      res += `${part.slice(from, m.index)}<${tag}${cls} data-tex="${tex}" data-later="${later.length}">${tex}</${tag}>`;
      later.push(part.slice(open.lastIndex, k.index));
      from = end;
      open.lastIndex = end;
    }
    return res + part.slice(from);
  }).join('');
  if (!later.length) return html;
  await fs.writeFile(path.join(dist, 'www', 'lab-math.json'), JSON.stringify(later));
  // Fetched while the page is parsed (www/lab.js reads it through this link).
  const link = '<link rel="stylesheet" href="www/lab.css">';
  if (!out.includes(link)) throw new Error('index.html: no lab.css link to put the math preload after');
  console.log(`[build] math: ${later.length} formulas of index.html deferred to www/lab-math.json`);
  return out.replace(link, `${link}\n  <link rel="preload" id="lab-math" href="www/lab-math.json" as="fetch" crossorigin>`);
}
for (const f of (await walk(dist)).filter((p) => p.endsWith('.html'))) {
  const html = await fs.readFile(f, 'utf8');
  const out = html.replace(/<(span|div)( class="math( display)?")>([^<]*)<\/\1>/g, (_, tag, cls, display, body) => {
    const tex = unescape(body).trim();
    const rendered = katex.renderToString(tex, katexOptions(Boolean(display)));
    if (rendered.includes('katex-error')) throw new Error(`${path.relative(dist, f)}: KaTeX cannot parse ${JSON.stringify(tex)}`);
    prerendered++;
    return `<${tag}${cls} data-tex="${escapeAttr(tex)}" data-rendered>${rendered}</${tag}>`;
  });
  // Every formula rendered: the page must not preload KaTeX's 590 KB module (the development
  // page preloads it because it renders at run time).
  const done = (f === path.join(dist, 'index.html') ? await deferMath(out) : out).replace(/\n\s*<link rel="modulepreload" href="[^"]*(math\.js|katex\.mjs)">/g, '');
  if (done !== html) await fs.writeFile(f, done);
}

// Every built page carries the policy itself, for static hosts that send no headers.
for (const f of (await walk(dist)).filter((p) => p.endsWith('.html'))) {
  const html = await fs.readFile(f, 'utf8');
  if (!html.includes('<meta charset="utf-8">')) throw new Error(`${path.relative(dist, f)}: no <meta charset="utf-8"> to put the CSP after`);
  await fs.writeFile(f, html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  ${CSP_META}`));
}

// Everything the lab loads, minus what browsers never fetch here (KaTeX's .woff/.ttf fallbacks
// next to .woff2) and the README's screenshots.
const files = (await walk(dist))
  .map((f) => path.relative(dist, f).split(path.sep).join('/'))
  .filter((f) => f !== 'sw.js' && !/\.(woff|ttf)$/.test(f) && !f.startsWith('www/assets/'))
  .sort();
const hash = createHash('sha256');
for (const f of files) hash.update(f).update(await fs.readFile(path.join(dist, f)));
const manifest = { version: hash.digest('hex').slice(0, 16), files: ['./', ...files, 'www/precache.json'] };
await fs.writeFile(path.join(dist, 'www', 'precache.json'), JSON.stringify(manifest, null, 1));
const bytes = (await Promise.all(files.map((f) => fs.stat(path.join(dist, f))))).reduce((s, st) => s + st.size, 0);
console.log(`[build] math: ${prerendered} formulas pre-rendered`);
console.log(`[build] dist/: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, version ${manifest.version}`);
