// The noiselab front page: render the math, load the live widget, and keep the table of
// contents in step with the reader. No framework, no inline script (strict CSP).
//
// The URL hash is shared with the widgets: a widget with url-state="funnel" keeps its settings
// there as `funnel.name=value&…` parts and preserves every other part. This page adds at most
// one part of its own, the id of the section in view (a part without "="), e.g.
//   #funnel&funnel.noiseStd=2&funnel.seed=7
// so a copied link both reproduces the run and lands on the right section.

const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const scrollBehavior = () => (reduceMotion.matches ? 'instant' : 'smooth');

const sections = [...document.querySelectorAll('main > section[id]')];
const sectionIds = new Set(sections.map((s) => s.id));

// ---- the URL hash ------------------------------------------------------------------------

const hashParts = () => location.hash.replace(/^#/, '').split('&').filter(Boolean);
const isStatePart = (p) => p.includes('=');

/** The section named in the hash (as a plain id or as one `&`-separated part), if any. */
function sectionFromHash() {
  for (const part of hashParts()) {
    if (isStatePart(part)) continue;
    let id;
    try { id = decodeURIComponent(part); } catch { continue; }
    const el = document.getElementById(id);
    if (el) return el;
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

let userMoved = false;
for (const type of ['wheel', 'touchstart', 'keydown', 'pointerdown']) {
  window.addEventListener(type, () => { userMoved = true; }, { once: true, passive: true });
}

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

function goTo(target, { focus = true, behavior = scrollBehavior() } = {}) {
  programmaticUntil = performance.now() + (behavior === 'smooth' ? 1500 : 250);
  target.scrollIntoView({ behavior, block: 'start' });
  if (focus) focusTarget(target);
}

/** Re-apply the hash's section after layout shifts (math, widget), unless the reader moved. */
function restoreFromHash() {
  if (userMoved) return;
  const target = sectionFromHash();
  if (target) goTo(target, { focus: false, behavior: 'instant' });
}

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
  let spyStarted = false; // only rewrite the hash once the page has actually scrolled
  window.addEventListener('scroll', () => { spyStarted = true; }, { once: true, passive: true });
  const update = () => {
    if (programmatic()) return;
    const current = sections.findLast((s) => inView.has(s));
    if (current) {
      setCurrent(current.id);
      if (spyStarted) setSectionInHash(current.id);
    } else if (spyStarted && window.scrollY < sections[0].offsetTop - window.innerHeight * 0.35) {
      setCurrent(null);
      setSectionInHash(null);
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

// ---- math ------------------------------------------------------------------------------------

const mathDone = import('./lib/math.js')
  .then(({ renderMath }) => {
    const failed = renderMath(document);
    if (failed) console.warn(`math: ${failed} formula(s) could not be rendered`);
  })
  .catch((err) => {
    document.documentElement.dataset.math = 'unavailable';
    console.error('math: KaTeX could not be loaded; formulas are shown as TeX source.', err);
  })
  .finally(() => requestAnimationFrame(restoreFromHash));

// ---- the live widget -------------------------------------------------------------------------

function loadWidget(figureId, tag, modulePath, { grace = 4000 } = {}) {
  const figure = document.getElementById(figureId);
  if (!figure) return;
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
    mathDone.then(() => requestAnimationFrame(restoreFromHash));
  });
  import(modulePath)
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
      console.error(`${tag}: ${modulePath} failed to load`, err);
    });
}

loadWidget('funnel-figure', 'noiselab-funnel', './widgets/funnel.js');

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
