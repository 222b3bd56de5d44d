// Static HTML pages from a MyST site build (`myst build --site` with the local template of
// scripts/sites/myst-template, which needs no network): each page's AST (content/<slug>.json) is
// rendered with MyST's own renderer (myst-to-html) into a plain page with a table of contents,
// the files MyST put in public/ (the {anywidget} modules, copied under hashed names) go to the
// site's root as in the book theme, and the anywidget nodes become <div class="myst-anywidget">
// elements that myst-anywidget.js renders in the browser.
//   node scripts/sites/myst-html.mjs <myst _build/site folder> <output folder>
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mystToHtml } from 'myst-to-html';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** The page's file name for a MyST slug (the book theme serves /<slug>; a static folder needs a file). */
const fileOf = (slug, index) => (slug === index ? 'index.html' : `${slug}.html`);

/** MyST's internal links (/<slug>, /<slug>#id) to the rendered files, in place. */
function relinks(node, index) {
  if (node.type === 'link' && typeof node.url === 'string' && node.url.startsWith('/') && !node.url.startsWith('//')) {
    const [slug, hash] = node.url.slice(1).split('#');
    node.url = fileOf(slug || index, index) + (hash ? `#${hash}` : '');
  }
  for (const child of node.children ?? []) relinks(child, index);
}

/** An {anywidget} node as the element the theme's renderer mounts the widget on. */
const anywidget = (h, node) => h(node, 'div', {
  class: ['myst-anywidget', node.class].filter(Boolean).join(' '),
  'data-esm': node.esm,
  'data-model': JSON.stringify(node.model ?? {}),
  ...(node.css ? { 'data-css': node.css } : {}),
});

export async function renderSite(build, out) {
  const config = JSON.parse(await fs.readFile(path.join(build, 'config.json'), 'utf8'));
  const [project] = config.projects;
  const index = project.index;
  const pages = [{ slug: index, title: null }, ...project.pages.filter((p) => p.slug)];
  await fs.mkdir(path.join(out, '_myst'), { recursive: true });
  await fs.cp(path.join(build, 'public'), out, { recursive: true });
  await fs.copyFile(path.join(here, 'myst-anywidget.js'), path.join(out, '_myst', 'anywidget.js'));
  await fs.copyFile(path.join(path.dirname(require.resolve('@myst-theme/anywidget')), 'models.js'), path.join(out, '_myst', 'models.js'));

  const docs = {};
  for (const p of pages) docs[p.slug] = JSON.parse(await fs.readFile(path.join(build, 'content', `${p.slug}.json`), 'utf8'));
  const toc = pages.map((p) => `<li><a href="${fileOf(p.slug, index)}">${escape(docs[p.slug].frontmatter?.title ?? p.title ?? p.slug)}</a></li>`).join('\n');
  for (const p of pages) {
    const doc = docs[p.slug];
    relinks(doc.mdast, index);
    const body = mystToHtml(doc.mdast, { hast: { handlers: { anywidget } } });
    const title = doc.frontmatter?.title ?? p.slug;
    await fs.writeFile(path.join(out, fileOf(p.slug, index)), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · ${escape(project.title)}</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:flex;gap:2rem}nav{flex:0 0 16rem;padding:1rem;border-right:1px solid #ddd}main{flex:1;max-width:60rem;padding:1rem}.myst-anywidget{margin:1rem 0}</style>
</head><body>
<nav><p><strong>${escape(project.title)}</strong></p><ol>
${toc}
</ol></nav>
<main><h1>${escape(title)}</h1>
${body}
</main>
<script type="module" src="_myst/anywidget.js"></script>
</body></html>
`);
  }
  return pages.map((p) => fileOf(p.slug, index));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [build, out] = process.argv.slice(2);
  if (!build || !out) throw new Error('usage: node scripts/sites/myst-html.mjs <myst _build/site> <output folder>');
  console.log((await renderSite(path.resolve(build), path.resolve(out))).join(' '));
}
