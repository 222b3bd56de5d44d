// The smoke suite's in-page half: installed into each page after navigation (WebDriver has no
// init-script in all three engines), as `window.__smoke`. The function's source is sent to the
// browser, so it must not refer to anything outside itself.
export function installPageLib() {
  if (window.__smoke) return true;
  const problems = [];
  const note = (kind) => (...a) => problems.push(`${kind}: ${a.map((x) => x?.stack ?? x?.message ?? String(x)).join(' ')}`);
  addEventListener('error', (e) => problems.push(`uncaught error: ${e.message} (${e.filename}:${e.lineno})`));
  addEventListener('unhandledrejection', (e) => problems.push(`unhandled rejection: ${e.reason?.stack ?? e.reason}`));
  document.addEventListener('securitypolicyviolation', (e) => problems.push(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  document.addEventListener('noiselab-error', (e) => problems.push(`noiselab-error from <${e.target.localName}>: ${e.detail?.message}`));
  // A widget reports a JavaScript fault (not a worker's typed error) with console.warn.
  for (const k of ['error', 'warn']) {
    const orig = console[k].bind(console);
    console[k] = (...a) => { note(`console.${k}`)(...a); orig(...a); };
  }
  performance.setResourceTimingBufferSize?.(2000);

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const frames = (n) => new Promise((r) => { const f = () => (--n <= 0 ? r() : requestAnimationFrame(f)); requestAnimationFrame(f); });
  const within = (p, ms, what) => Promise.race([p, sleep(ms).then(() => { throw new Error(`${what}: not within ${ms} ms`); })]);
  const widgets = () => [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
  const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';

  /** Pixel statistics of one canvas: opaque fraction, ink (opaque, not white) fraction, colours. */
  function stats(c) {
    const n = c.width * c.height;
    if (!n) return { opaque: 0, ink: 0, colours: 0, hash: 0 };
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let ink = 0, opaque = 0, hash = 2166136261;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
      hash = Math.imul(hash ^ r ^ (g << 8) ^ (b << 16) ^ (a << 24), 16777619) >>> 0;
      if (a < 128) continue;
      opaque++;
      if (r < 250 || g < 250 || b < 250) ink++;
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
    }
    return { opaque: opaque / n, ink: ink / n, colours: colours.size, hash };
  }
  function canvases(e) {
    return [...e.shadowRoot.querySelectorAll('canvas')].map((c) => ({ cls: c.className || c.id || '(canvas)', shown: rendered(c), ...(rendered(c) ? stats(c) : {}) }));
  }
  const picture = (e) => canvases(e).filter((c) => c.shown).map((c) => c.hash).join(',');

  window.__smoke = {
    problems,
    tags: () => widgets().map((e) => e.localName),
    async boot(ms) {
      const els = widgets();
      const t0 = performance.now();
      const out = await Promise.all(els.map(async (e) => {
        try {
          await within(customElements.whenDefined(e.localName), ms, `<${e.localName}> defined`);
          await within(e.ready, ms, `<${e.localName}> ready`);
          return { tag: e.localName, id: e.id, ok: e.isReady && !e.broken, why: e.broken ? e.shadowRoot.querySelector('.message')?.textContent : '' };
        } catch (err) {
          return { tag: e.localName, id: e.id, ok: false, why: `${err.message}; phase ${e.phase}; ${e.shadowRoot?.querySelector('.message')?.textContent ?? ''}` };
        }
      }));
      return { ms: Math.round(performance.now() - t0), widgets: out };
    },
    /** Every shown, opaque canvas holds a real picture; hidden views and transparent layers are listed. */
    draws(i) {
      const e = widgets()[i];
      const cs = canvases(e);
      const pictures = cs.filter((c) => c.shown && c.opaque > 0.5);
      const bad = pictures.filter((c) => !(c.ink > 0.005 && c.colours >= 3)).map((c) => `${c.cls}: ink ${(100 * c.ink).toFixed(2)}%, ${c.colours} colours`);
      return {
        ok: pictures.length > 0 && bad.length === 0, bad, total: cs.length, drawn: pictures.length - bad.length,
        hidden: cs.filter((c) => !c.shown).map((c) => c.cls), layers: cs.filter((c) => c.shown && c.opaque <= 0.5).map((c) => c.cls),
      };
    },
    /** play(): tickCount advances; pause(): it stops. Widgets that compute once per setting do not play. */
    async playPause(i) {
      const e = widgets()[i];
      e.scrollIntoView({ block: 'center' });
      await frames(2);
      const t0 = e.tickCount;
      if (!e.constructor.runControls) {
        e.play();
        await frames(3);
        return { ok: e.tickCount === t0 && !e.playing, note: 'computes once per setting (no play)' };
      }
      e.play();
      const end = performance.now() + 20_000;
      while (e.tickCount < t0 + 3 && performance.now() < end && !e.broken) await sleep(30);
      const advanced = e.tickCount - t0;
      e.pause();
      await frames(2);
      await sleep(150);
      const t1 = e.tickCount;
      await sleep(400);
      await frames(2);
      return { ok: advanced >= 3 && e.tickCount === t1 && !e.playing, note: `ticks ${advanced} while playing, ${e.tickCount - t1} after pause` };
    },
    /** A settings change (the seed, else a numeric field) redraws the figure; returns the link. */
    async change(i) {
      const e = widgets()[i];
      e.scrollIntoView({ block: 'center' });
      await e.settled();
      const before = picture(e);
      const num = e.fields.filter((f) => f.kind === 'real' || f.kind === 'integer');
      const f = num.find((x) => x.name === 'seed') ?? num.find((x) => Number.isFinite(x.min) && Number.isFinite(x.max));
      const cur = Number(e.settings[f.name]);
      const step = f.kind === 'integer' ? 1 : (f.max - f.min) / 8;
      const value = cur + step <= f.max ? cur + step : cur - step;
      const r = await e.setSettings({ [f.name]: value });
      await e.settled();
      const end = performance.now() + 15_000;
      let after = picture(e);
      while (after === before && performance.now() < end) { await frames(2); after = picture(e); }
      const link = e.shareText();
      return { ok: r.ok && after !== before && e.settings[f.name] === String(value), field: f.name, value, errors: r.errors, link, settings: e.settings, hash: e.hashString() };
    },
    /** A value out of range: refused, the field's control shows a message naming it, the value in use stays. */
    async badInput(i) {
      const e = widgets()[i];
      const f = e.fields.find((x) => (x.kind === 'real' || x.kind === 'integer') && x.name !== 'seed' && Number.isFinite(x.min));
      const kept = e.settings[f.name];
      const bad = f.min - 1;
      const r = await e.setSettings({ [f.name]: bad });
      await frames(2);
      const err = e.shadowRoot.querySelector(`.control[data-name="${f.name}"] .error`);
      const shown = err && rendered(err) ? err.textContent.trim() : '';
      const named = (r.errors ?? []).find((x) => x.field === f.name);
      const label = f.label ?? f.name;
      return {
        ok: r.ok === false && !!named && named.message.includes(f.name) && shown.length > 0 && e.settings[f.name] === kept && !e.broken,
        field: f.name, bad, message: named?.message, shown,
        label,
      };
    },
    /** What the lab needs from the engine (www/lib/support.js): the missing features, none here. */
    async features() {
      const m = await import(new URL('/www/lib/support.js', location.href).href);
      return { missing: m.missingFeatures(), offscreen: typeof OffscreenCanvas === 'function', ua: navigator.userAgent };
    },
    /** Every resource the page loaded came from its own origin (data: and blob: aside). */
    origins() {
      const names = performance.getEntriesByType('resource').map((r) => r.name);
      const foreign = names.filter((n) => !/^(data|blob):/.test(n) && new URL(n).origin !== location.origin);
      return { ok: foreign.length === 0, count: names.length, foreign };
    },
    /** A page opened from a link: its one widget's settings and hash. */
    async linked(ms) {
      // frame.html makes its element from the link after its module loads: wait for it (a busy
      // machine can leave this script running first).
      const t0 = performance.now();
      let e;
      while (!(e = widgets()[0])) {
        if (performance.now() - t0 > ms) throw new Error(`no noiselab element on the page after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await within(customElements.whenDefined(e.localName), ms, 'defined');
      await within(e.ready, ms, 'ready');
      await e.settled();
      return { tag: e.localName, settings: e.settings, hash: e.hashString(), link: e.shareText(), broken: e.broken };
    },
  };
  return true;
}
