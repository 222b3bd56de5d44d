// The course-site recipes (docs/sites.md, issue 19): the samples of examples/ built with their
// real tools by scripts/build-sites.mjs (MkDocs + Material; Quarto's raw-HTML recipe through
// pandoc; MyST's site content, offline, rendered with MyST's own packages), each served from its
// own folder on 127.0.0.1 and opened in Chromium. On every opened page each widget of its lecture
// section (the same widgets as that section of the lab's index.html) boots and draws, nothing is
// logged as an error or warning, and no request leaves the site's origin (the themes' fonts and
// scripts included). MkDocs: pages reached by Material's instant navigation, and back, boot too.
import { test, expect } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchConsole, ready, freePort, control, drew } from './helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Lecture section (index.html's section id, which is also each sample's page name) → the
    widget tags of that section in the lab's own page. */
const SECTIONS = Object.fromEntries(readFileSync(path.join(root, 'index.html'), 'utf8')
  .split(/<section id="/).slice(1)
  .map((s) => [s.slice(0, s.indexOf('"')), [...new Set([...s.matchAll(/<(noiselab-[a-z-]+)[\s>]/g)].map((m) => m[1]))]]));

/** A page's URL in each site (MkDocs: directory URLs; the others: one file per page). */
const pageUrl = {
  mkdocs: (s) => (s === 'index' ? '' : `${s}/`),
  quarto: (s) => `${s}.html`,
  myst: (s) => `${s}.html`,
};

test.describe.configure({ mode: 'serial' });

/** The port the MkDocs site is served on: its site_url (SITE_URL when it is built) must name
    it, or Material's instant navigation falls back to full page loads. */
let mkdocsPort;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  mkdocsPort = await freePort();
  // Cached: a site whose inputs did not change is not rebuilt.
  execFileSync('node', [path.join(root, 'scripts', 'build-sites.mjs')], { cwd: root, stdio: 'inherit', env: { ...process.env, SITE_URL: `http://127.0.0.1:${mkdocsPort}/` } });
});

/** Serve dist/sites/<site> on 127.0.0.1 (`port`, or a free one); returns { base, stop }. */
async function serve(site, port) {
  port ??= await freePort();
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', path.join(root, 'dist', 'sites', site)], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}/`;
  await expect.poll(async () => (await fetch(base).then((r) => r.status, () => 0)), { timeout: 30_000 }).toBe(200);
  return { base, stop: () => server.kill() };
}

/** Every request of the page and its workers; `check()`: all of them stayed on `base`'s origin. */
function watchRequests(context, base) {
  const urls = [];
  context.on('request', (r) => urls.push(r.url()));
  const origin = new URL(base).origin;
  return {
    urls,
    check: () => expect(urls.filter((u) => !/^(data|blob):/.test(u) && new URL(u).origin !== origin), 'requests that left the site').toEqual([]),
  };
}

/** Each widget of `section` on the page boots and draws; returns the widgets' locators. */
async function sectionDraws(page, section) {
  const tags = SECTIONS[section];
  expect(tags.length, `index.html section ${section} has widgets`).toBeGreaterThan(0);
  // Exactly the section's widgets, each once (in a MyST page they are made by the anywidget
  // module, in shadow roots, which the locators pierce).
  const counts = async () => Object.fromEntries(await Promise.all(tags.map(async (t) => [t, await page.locator(t).count()])));
  await expect.poll(counts, { message: section }).toEqual(Object.fromEntries(tags.map((t) => [t, 1])));
  const els = [];
  for (const tag of tags) {
    const el = await ready(page, tag);
    await el.scrollIntoViewIfNeeded();
    // Some widgets draw their figure as their first run goes (a sweep, a training run).
    await expect(() => drew(el)).toPass({ timeout: 30_000 });
    els.push(el);
  }
  return els;
}

test('the three samples hold one page per lecture section, with the widgets of index.html', async () => {
  const sections = Object.keys(SECTIONS);
  expect(sections.length).toBeGreaterThan(6);
  for (const site of ['mkdocs', 'quarto', 'myst']) {
    const html = (s) => readFileSync(path.join(root, 'dist', 'sites', site, site === 'mkdocs' ? `${s}/index.html` : `${s}.html`), 'utf8');
    for (const s of sections) {
      if (site === 'myst') {
        // The {anywidget} nodes name the book's module, their model the section's experiments.
        const kinds = [...html(s).matchAll(/data-model="([^"]*)"/g)].map((m) => JSON.parse(m[1].replace(/&#x22;|&quot;/g, '"')).kind);
        expect(kinds.map((k) => `noiselab-${k}`), `${site}/${s}`).toEqual(SECTIONS[s]);
      } else {
        const tags = [...html(s).matchAll(/<(noiselab-[a-z-]+)[\s>]/g)].map((m) => m[1]);
        expect(tags, `${site}/${s}`).toEqual(SECTIONS[s]);
      }
    }
  }
});

test('MyST: the book parses into anywidget nodes that point at its module, with the models of the directives', async () => {
  // The site content `myst build --site` wrote (the AST of every page, as JSON).
  const content = path.join(root, 'dist', 'sites', 'myst-build', '_build', 'site', 'content');
  const nodes = [];
  const walk = (n) => { if (n?.type === 'anywidget') nodes.push(n); for (const c of n?.children ?? []) walk(c); };
  for (const s of Object.keys(SECTIONS)) walk(JSON.parse(readFileSync(path.join(content, `${s}.json`), 'utf8')).mdast);
  expect(nodes.length).toBe(Object.values(SECTIONS).flat().length);
  for (const n of nodes) expect(n.esm).toMatch(/^\/noiselab-anywidget-[0-9a-f]+\.mjs$/);
  const funnel = nodes.find((n) => n.model.kind === 'funnel');
  expect(funnel.model).toEqual({ kind: 'funnel', noise_std: 2 });
  expect(nodes.find((n) => n.model.kind === 'bbb-linreg').model).toEqual({ kind: 'bbb-linreg', feature_correlation: 0.8, local_reparam: 'on' });
  // The module MyST copied into the site's static folder is the book's own, unchanged, and the
  // book's static_files put the bundle beside it, where that module loads it from.
  const publicDir = path.join(root, 'dist', 'sites', 'myst-build', '_build', 'site', 'public');
  expect(readFileSync(path.join(publicDir, funnel.esm.slice(1)), 'utf8')).toBe(readFileSync(path.join(root, 'examples', 'myst', 'noiselab-anywidget.mjs'), 'utf8'));
  for (const f of ['anywidget.js', 'noiselab.js']) expect(readFileSync(path.join(publicDir, 'noiselab', f), 'utf8')).toBe(readFileSync(path.join(root, 'examples', 'myst', 'noiselab', f), 'utf8'));
});

for (const site of ['quarto', 'myst']) {
  test(`${site}: every widget on every section's page boots and draws; no console error; no request leaves the site`, async ({ page, context }) => {
    test.setTimeout(90_000);
    const { base, stop } = await serve(site);
    try {
      const con = watchConsole(page);
      const req = watchRequests(context, base);
      for (const s of Object.keys(SECTIONS)) {
        await page.goto(base + pageUrl[site](s));
        const els = await sectionDraws(page, s);
        if (s === 'funnel') {
          // The directive's model reached the element, and a control moved in the figure is fine.
          const [funnel] = els;
          expect(await funnel.evaluate((e) => e.settings.noiseStd)).toBe('2');
          await control(funnel, 'noiseStd').box.fill('1');
          await control(funnel, 'noiseStd').box.press('Enter');
          await expect.poll(() => funnel.evaluate((e) => e.settings.noiseStd)).toBe('1');
        }
      }
      expect(req.urls.some((u) => u.endsWith('.wasm'))).toBe(true);
      req.check();
      con.check();
    } finally {
      stop();
    }
  });
}

test('mkdocs: widgets boot on the first page, on pages reached by instant navigation and back again; nothing leaves the site', async ({ page, context }) => {
  test.setTimeout(90_000);
  const { base, stop } = await serve('mkdocs', mkdocsPort);
  try {
    const con = watchConsole(page);
    const req = watchRequests(context, base);
    // Straight to a page with a widget, with the attributes of its element.
    await page.goto(base + pageUrl.mkdocs('funnel'));
    const [funnel] = await sectionDraws(page, 'funnel');
    expect(await funnel.evaluate((e) => [e.settings.noiseStd, [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name)]))
      .toEqual(['2', ['noiseStd']]);

    // The home page has no widget; from it, Material's instant navigation (the page is swapped
    // in by script: the window, and this marker, survive) to pages with widgets not loaded yet.
    await page.goto(base);
    await page.evaluate(() => { window.noReload = true; });
    const navigate = async (name, section) => {
      await page.locator('.md-nav--primary').getByRole('link', { name, exact: true }).click();
      await expect(page).toHaveURL(base + pageUrl.mkdocs(section));
      await sectionDraws(page, section);
      expect(await page.evaluate(() => window.noReload)).toBe(true);
      // The previous page's widgets went with it.
      expect(await page.evaluate(() => [...document.querySelectorAll('*')].map((e) => e.localName).filter((n) => n.startsWith('noiselab-')))).toEqual(SECTIONS[section]);
    };
    // Every other section, in the order of the navigation (its link text is the page's title).
    const titles = Object.fromEntries(await page.locator('.md-nav--primary a.md-nav__link').evaluateAll((as) => as.map((a) => [new URL(a.href).pathname.replace(/^\/|\/$/g, ''), a.textContent.trim()])));
    const others = Object.keys(SECTIONS).filter((s) => s !== 'funnel');
    for (const s of others) await navigate(titles[s], s);
    // Back (popstate: Material swaps the earlier page in again), and forward.
    const [last, before, beforeThat] = others.slice(-3).reverse();
    for (const [go, section] of [['goBack', before], ['goBack', beforeThat], ['goForward', before], ['goForward', last]]) {
      await page[go]();
      await expect(page).toHaveURL(base + pageUrl.mkdocs(section));
      await sectionDraws(page, section);
      expect(await page.evaluate(() => window.noReload)).toBe(true);
      expect(await page.evaluate(() => [...document.querySelectorAll('*')].map((e) => e.localName).filter((n) => n.startsWith('noiselab-')))).toEqual(SECTIONS[section]);
    }
    // The theme's own requests stayed home too: its search index and worker, and no web font.
    expect(req.urls.some((u) => u.includes('/assets/javascripts/'))).toBe(true);
    expect(req.urls.filter((u) => /fonts\.(googleapis|gstatic)|\.woff2?$/.test(u))).toEqual([]);
    req.check();
    con.check();
  } finally {
    stop();
  }
});
