// The noiselab front page: render the math, load the live widget, and keep the table of
// contents in step with the reader. No framework, no inline script (strict CSP).
//
// The URL hash is shared with the widgets: a widget with url-state="funnel" keeps its settings
// there as `funnel.name=value&…` parts and preserves every other part. This page never adds
// anything on its own. Only after the reader follows a same-page link (the contents, a "§7"
// reference) does the hash carry a section id as one more part (without "="), e.g.
//   #funnel&funnel.noiseStd=2&funnel.seed=7
// and from then on that part follows the section in view. So a link copied from the address bar
// or from a widget's "copy link" lands on the right section.
// On load, the page goes to the section named in the hash or, failing that, to the widget whose
// state the hash carries (a shared run opens at its figure).

import { registerOffline } from './lib/offline.js';
import { currentKey } from './lib/keys.js';
import { WIDGETS, loadWidget as loadModule } from './lib/registry.js';

// Offline after the first visit (the service worker sits at the root of the build).
registerOffline(new URL('../', import.meta.url));

const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const scrollBehavior = () => (reduceMotion.matches ? 'instant' : 'smooth');

const sections = [...document.querySelectorAll('main > section[id]')];
const sectionIds = new Set(sections.map((s) => s.id));

// ---- the URL hash ------------------------------------------------------------------------

const partsOf = (hash) => hash.replace(/^#/, '').split('&').filter(Boolean);
const hashParts = () => partsOf(location.hash);
const isStatePart = (p) => p.includes('=');
const hasSectionPart = () => hashParts().some((p) => !isStatePart(p));

// The hash as the page was opened, before any widget writes its state into it.
const initialHash = location.hash;

/** Where the hash points: a section (plain id, or one `&`-separated part), else a widget's figure. */
function targetFromHash(hash) {
  const parts = partsOf(hash);
  for (const part of parts) {
    if (isStatePart(part)) continue;
    let id;
    try { id = decodeURIComponent(part); } catch { continue; }
    const el = document.getElementById(id);
    if (el) return el;
  }
  for (const part of parts) {
    const key = part.split('.')[0];
    if (!isStatePart(part) || !/^[\w-]+$/.test(key)) continue;
    const widget = document.querySelector(`[url-state="${currentKey(key)}"]`);
    if (widget) return widget.closest('figure') ?? widget;
  }
  return null;
}

/** Put `id` (or nothing) in the hash as the page's part, keeping the widgets' state parts. */
function setSectionInHash(id) {
  const state = hashParts().filter(isStatePart);
  const parts = id ? [encodeURIComponent(id), ...state] : state;
  const hash = parts.length ? `#${parts.join('&')}` : '';
  if (hash === location.hash || (!hash && !location.hash)) return;
  history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
}

// ---- scrolling to a target ----------------------------------------------------------------

// performance.now() of the reader's latest wheel, touch, key or pointer; -Infinity until then.
let lastInput = -Infinity;
for (const type of ['wheel', 'touchstart', 'keydown', 'pointerdown']) {
  window.addEventListener(type, () => { lastInput = performance.now(); }, { capture: true, passive: true });
}
const userMoved = () => lastInput > -Infinity;

function focusTarget(target) {
  const el = target.matches('section') ? (target.querySelector('h2') ?? target) : target;
  if (!el.hasAttribute('tabindex') && !el.matches('a[href], button, input, select, textarea')) {
    el.setAttribute('tabindex', '-1');
  }
  el.focus({ preventScroll: true });
}

// While the page scrolls itself, the scroll spy neither rewrites the hash nor moves the
// highlight through the sections in between; it catches up when the scroll ends.
let programmaticUntil = 0;
const programmatic = () => performance.now() < programmaticUntil;

// The sections far from view are not laid out (content-visibility: auto) and count with an
// estimated height, so a scroll aimed at a target below them can stop hundreds of pixels off
// once the sections it passes are laid out (#dropout from the top stopped 300 px short). When
// the scroll has ended, and the reader has not scrolled or clicked since it began, it is
// finished off at once; what is laid out after that, scroll anchoring absorbs.
let settle = null;
function finishScroll() {
  const s = settle;
  settle = null;
  if (s && lastInput < s.since && performance.now() - s.since < 3000 && s.target.isConnected) {
    s.target.scrollIntoView({ behavior: 'instant', block: 'start' });
  }
}
window.addEventListener('scrollend', finishScroll);

function goTo(target, { focus = true, behavior = scrollBehavior() } = {}) {
  programmaticUntil = performance.now() + (behavior === 'smooth' ? 1500 : 250);
  settle = { target, since: performance.now() };
  target.scrollIntoView({ behavior, block: 'start' });
  if (focus) focusTarget(target);
  // An instant scroll (reduced motion) ends before the sections it passed are laid out.
  if (behavior !== 'smooth') requestAnimationFrame(() => requestAnimationFrame(finishScroll));
}

/** Go to where the opening hash pointed, again after layout shifts (math, widget), unless the
    reader has moved in the meantime. */
function restoreFromHash() {
  if (userMoved()) return;
  const target = targetFromHash(initialHash);
  if (target) goTo(target, { focus: false, behavior: 'instant' });
}

// A hash the reader changes on the open page (typed, pasted, back and forward): go to what the
// event's URL names, as on opening. (Not location.hash: by the time the event is dispatched the
// scroll spy may have rewritten it for the section the browser's own scroll reached. The page
// and the widgets rewrite the hash with replaceState, which fires no hashchange.)
window.addEventListener('hashchange', (ev) => {
  const target = targetFromHash(new URL(ev.newURL).hash);
  if (target) goTo(target, { focus: false, behavior: 'instant' });
});

// Same-page links (the contents, "§7" references, the skip link): scroll, move focus, and
// record the section in the hash without wiping the widgets' state.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target instanceof Element ? ev.target.closest('a[href^="#"]') : null;
  if (!a) return;
  let id;
  try { id = decodeURIComponent(a.getAttribute('href').slice(1)); } catch { return; }
  const target = id ? document.getElementById(id) : null;
  if (!target) return;
  ev.preventDefault();
  goTo(target);
  if (sectionIds.has(id)) {
    setSectionInHash(id);
    setCurrent(id);
  }
});

// ---- table of contents: highlight the section in view ---------------------------------------

const tocLinks = new Map();
for (const a of document.querySelectorAll('nav.toc a[href^="#"]')) {
  tocLinks.set(decodeURIComponent(a.getAttribute('href').slice(1)), a);
}

let currentId = null;
function setCurrent(id) {
  if (id === currentId) return;
  currentId = id;
  for (const [key, a] of tocLinks) {
    if (key === id) a.setAttribute('aria-current', 'location');
    else a.removeAttribute('aria-current');
  }
}

if ('IntersectionObserver' in window && sections.length) {
  // The current section is the last one (in document order) with some part in the band from
  // 40px below the top of the viewport to 35% down: the one whose heading the reader passed last.
  const inView = new Set();
  const update = () => {
    if (programmatic()) return;
    const current = sections.findLast((s) => inView.has(s));
    // The hash follows along only once it names a section (see the top of this file).
    if (current) {
      setCurrent(current.id);
      if (hasSectionPart()) setSectionInHash(current.id);
    } else if (window.scrollY < sections[0].offsetTop - window.innerHeight * 0.35) {
      setCurrent(null); // above the first section (the hash keeps its last section)
    }
  };
  const spy = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) inView.add(e.target); else inView.delete(e.target);
    }
    update();
  }, { rootMargin: '-40px 0px -65% 0px', threshold: 0 });
  window.addEventListener('scrollend', () => { programmaticUntil = 0; update(); });
  // Browsers without scrollend: catch up after the programmatic window has passed.
  if (!('onscrollend' in window)) window.addEventListener('scroll', () => setTimeout(update, 300), { passive: true });
  for (const s of sections) spy.observe(s);
}

// At once, too (the browser's own scroll to the fragment can come late on this long page): the
// widget in view boots first (widget.js boots widgets near the viewport before the others).
restoreFromHash();

// ---- math ------------------------------------------------------------------------------------

// The built pages carry their math pre-rendered (scripts/dist.mjs): KaTeX is loaded only when a
// formula is left to render (the repository served as is, in development).
const mathReady = (document.querySelector('.math:not([data-rendered]):not([data-later])')
  ? import('./lib/math.js')
  : import('./lib/math-scroll.js').then(({ markScrollable }) => ({ renderMath: (root) => { markScrollable(root); return 0; } })))
  .then(({ renderMath }) => {
    const failed = renderMath(document);
    if (failed) console.warn(`math: ${failed} formula(s) could not be rendered`);
  });

/**
 * The built front page keeps the math of its intro and first section; every later formula is
 * its TeX source with `data-later="k"`, and its rendered markup is entry k of www/lab-math.json
 * (scripts/dist.mjs; issue 7, W4: the first frame of a widget opened by its link comes sooner).
 * A formula is filled in when it comes within half a screen of the view, the others a few at a
 * time when the page is idle (from a second after load), and all of them before printing.
 * Resolves once the formulas in view are filled. Without the file (a host that lost it), KaTeX
 * renders the sources instead.
 */
function fillLaterMath() {
  const waiting = [...document.querySelectorAll('.math[data-later]')];
  if (!waiting.length) return Promise.resolve();
  const link = document.getElementById('lab-math');
  return fetch(link ? link.href : new URL('lab-math.json', import.meta.url))
    .then((r) => {
      if (!r.ok) throw new Error(`${r.url}: HTTP ${r.status}`);
      return r.json();
    })
    .then((markup) => new Promise((resolve) => {
      let near = null;
      const fill = (el) => {
        if (!el.hasAttribute('data-later')) return;
        near?.unobserve(el);
        const html = markup[el.dataset.later];
        el.removeAttribute('data-later');
        // (A page and a file from different builds: the source stays readable.)
        if (typeof html !== 'string') return console.warn(`math: no markup for ${JSON.stringify(el.dataset.tex)}`);
        el.innerHTML = html;
        el.setAttribute('data-rendered', '');
      };
      window.addEventListener('beforeprint', () => document.querySelectorAll('.math[data-later]').forEach(fill));
      // At most ~8 ms at a time, so a widget's reply or a frame is never held up for long.
      const idle = globalThis.requestIdleCallback ?? ((f) => setTimeout(() => f({ timeRemaining: () => 8 }), 50));
      // `waiting` in document order; `next` is the first one the drain has not reached
      // (fill() skips those already filled near the view or for printing).
      let next = 0;
      const drain = (deadline) => {
        const until = performance.now() + Math.min(8, deadline.timeRemaining());
        for (; next < waiting.length; next++) {
          if (performance.now() > until) return idle(drain);
          fill(waiting[next]);
        }
        near?.disconnect();
      };
      const later = () => setTimeout(() => idle(drain), 1000);
      if (document.readyState === 'complete') later();
      else window.addEventListener('load', later, { once: true });
      if (!('IntersectionObserver' in window)) {
        waiting.forEach(fill);
        resolve();
        return;
      }
      // (A formula in a section the browser skips, far from view, has no box: it is reported
      // when its section is rendered, as the reader comes near.)
      near = new IntersectionObserver((entries) => {
        for (const e of entries) if (e.isIntersecting) fill(e.target);
        resolve(); // the first report covers every formula then near the view
      }, { rootMargin: '50% 0px' });
      waiting.forEach((el) => near.observe(el));
    }))
    .catch(async (err) => {
      console.warn('math: the pre-rendered formulas could not be loaded; rendering them here.', err);
      for (const el of document.querySelectorAll('.math[data-later]')) el.removeAttribute('data-later');
      const { renderMath } = await import('./lib/math.js');
      renderMath(document);
    });
}

const mathDone = Promise.all([mathReady, fillLaterMath()])
  .catch((err) => {
    document.documentElement.dataset.math = 'unavailable';
    console.error('math: KaTeX could not be loaded; formulas are shown as TeX source.', err);
  })
  .finally(() => requestAnimationFrame(restoreFromHash));

// ---- the live widget -------------------------------------------------------------------------

function loadWidget(figure, tag, { grace = 4000, restore = true } = {}) {
  const status = figure.querySelector('.widget-status');
  const setStatus = (state, text) => {
    figure.dataset.state = state;
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  };
  figure.dataset.state = 'loading';
  customElements.whenDefined(tag).then(() => {
    setStatus('ready', '');
    if (restore) mathDone.then(() => requestAnimationFrame(restoreFromHash));
  });
  loadModule(tag)
    .then(() => {
      if (customElements.get(tag)) return;
      // The module may define the element after an await of its own; give it a moment.
      setTimeout(() => {
        if (!customElements.get(tag)) {
          setStatus('unavailable', 'The interactive figure is not available in this build yet.');
        }
      }, grace);
    })
    .catch((err) => {
      setStatus('error', 'The interactive figure could not be loaded. Reload the page to try again.');
      console.error(`${tag}: ${WIDGETS[tag]} failed to load`, err);
    });
}

// A widget's module loads at once when its figure is in the section the page opens at or near
// the view (within a screen); the others load one at a time when the page is idle, after the
// first widget is ready (or a few seconds after load), or as soon as the reader comes near.
// A link to one section then spends its first second on that section's widget, not on
// evaluating and building eleven others (issue 7, W4; widget.js likewise boots far widgets last).
function loadWidgets() {
  const opened = targetFromHash(initialHash)?.closest('main > section');
  // The page's widgets (the registry's elements), each in its figure.
  const pending = new Map(Object.keys(WIDGETS)
    .map((tag) => [document.querySelector(tag)?.closest('figure'), tag])
    .filter(([figure]) => figure)
    .sort(([a], [b]) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1)));
  const near = 'IntersectionObserver' in window
    ? new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting) load(e.target);
    }, { rootMargin: '100% 0px' })
    : null;
  // Only the widgets loaded at first (in the opened section or near the view, before any widget
  // is ready) may move the page back to the hash's target as they render; one loaded later must
  // not take the reader away from where they have gone since.
  let first = true;
  function load(figure) {
    const tag = pending.get(figure);
    if (!tag) return;
    pending.delete(figure);
    near?.unobserve(figure);
    loadWidget(figure, tag, { restore: first });
  }
  const idle = globalThis.requestIdleCallback ?? ((f) => setTimeout(f, 50));
  let draining = false;
  function drain() {
    if (draining) return;
    draining = true;
    first = false;
    const next = () => {
      const figure = pending.keys().next().value;
      if (!figure) return;
      load(figure);
      idle(next, { timeout: 1000 });
    };
    idle(next, { timeout: 1000 });
  }
  for (const figure of [...pending.keys()]) {
    if (!near || (opened && opened.contains(figure))) load(figure);
    else near.observe(figure);
  }
  document.addEventListener('noiselab-ready', drain, { once: true });
  const later = () => setTimeout(drain, 3000);
  if (document.readyState === 'complete') later();
  else window.addEventListener('load', later, { once: true });
}
loadWidgets();

// ---- guided tours (www/lib/tour.js, www/tours/*.json) ---------------------------------------

import('./lib/tour.js').then(({ initTours }) => initTours(sections))
  .catch((err) => console.warn('tours: not available', err));

// ---- "predict, then run" (docs/exercises.md) ---------------------------------------------------

// Each section's exercise block gets its questions (www/exercises/<section>.json, one
// <noiselab-exercise> each) when the reader comes within a screen of it. Nothing is computed
// until the reader commits a prediction and presses Run.
function loadExercises() {
  const blocks = [...document.querySelectorAll('[data-exercises]')];
  const fill = (block) => import('./widgets/exercise.js').then((m) => m.fillBlock(block)).catch((err) => {
    const p = document.createElement('p');
    p.className = 'widget-status';
    p.textContent = 'The exercises could not be loaded. Reload the page to try again.';
    block.append(p);
    console.error(`exercises: ${block.dataset.exercises} failed to load`, err);
  });
  if (!('IntersectionObserver' in window)) return blocks.forEach(fill);
  const near = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) { near.unobserve(e.target); fill(e.target); }
  }, { rootMargin: '100% 0px' });
  for (const b of blocks) near.observe(b);
}
loadExercises();

// ---- copy the embed snippet ------------------------------------------------------------------

for (const head of document.querySelectorAll('.embed-head')) {
  const pre = head.parentElement.querySelector('pre.code');
  if (!pre) continue;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy-button';
  button.textContent = 'Copy code';
  button.setAttribute('aria-describedby', head.querySelector('h3')?.id ?? '');
  let timer;
  const flash = (text) => {
    button.textContent = text;
    clearTimeout(timer);
    timer = setTimeout(() => { button.textContent = 'Copy code'; }, 2000);
  };
  button.addEventListener('click', async () => {
    const text = pre.textContent.trim();
    try {
      await navigator.clipboard.writeText(text);
      flash('Copied');
    } catch {
      // No clipboard permission (e.g. an insecure origin): select the text for the reader.
      const range = document.createRange();
      range.selectNodeContents(pre);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      flash('Selected: press Ctrl+C');
    }
  });
  head.append(button);
}
