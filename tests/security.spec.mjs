// Security and self-containment: every page loads only from its own origin (every request is
// recorded), runs under the server's strict Content-Security-Policy without a violation, and
// works with its KaTeX and fonts vendored.
import { test, expect } from '@playwright/test';
import { watchConsole, ready } from './helpers.mjs';

for (const [name, url, widget] of [['front page', 'index.html#funnel', '#funnel-widget'], ['example page', 'www/examples/funnel.html', '#full']]) {
  test(`${name}: no request leaves the page's origin and the CSP holds`, async ({ page, baseURL }) => {
    const con = watchConsole(page);
    const origin = new URL(baseURL).origin;
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const response = await page.goto(url);
    const csp = response.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toContain('unsafe-eval\'' + ' ');
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toMatch(/style-src 'self';/);
    expect(csp).toMatch(/style-src-elem 'self';/);
    // The same policy is in the page itself, for static hosts that send no headers.
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toBe(csp);
    const el = await ready(page, widget);
    await el.evaluate((e) => e.runToEnd());
    await page.waitForTimeout(300);
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(requests.some((u) => u.endsWith('.wasm'))).toBe(true);
    expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
    con.check();
  });
}

test('every built page carries the CSP as a <meta> tag before any script', async () => {
  const { promises: fs } = await import('node:fs');
  const path = await import('node:path');
  const { CSP } = await import('../scripts/csp.mjs');
  const pages = [];
  const walk = async (d) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p); else if (p.endsWith('.html')) pages.push(p);
    }
  };
  // The lab (index.html and www/) and the widget bundle's frame.html; the course-site samples
  // of dist/sites/ are other people's pages (their tests check that nothing leaves the origin).
  pages.push('dist/index.html', 'dist/widgets/frame.html');
  await walk('dist/www');
  expect(pages.length).toBeGreaterThan(3);
  for (const p of pages) {
    const html = await fs.readFile(p, 'utf8');
    const at = html.indexOf(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`);
    expect(at, p).toBeGreaterThan(0);
    const firstScript = html.indexOf('<script');
    if (firstScript >= 0) expect(at, p).toBeLessThan(firstScript);
    expect(html, p).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html, p).not.toMatch(/<style/); // no inline stylesheet
  }
});
