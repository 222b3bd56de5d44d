// Render TeX with the vendored KaTeX (no CDN): every `.math` element's text is inline math,
// `.math.display` is display math. The TeX source is kept in `data-tex` (so re-rendering is
// idempotent and the source is never lost); KaTeX's MathML output gives screen readers the
// formula, and its visual HTML is hidden from them.
import katex from '../vendor/katex/katex.mjs';

/** Macros shared by every formula on the page. */
export const MACROS = {
  '\\KL': '\\mathrm{D}_{\\mathrm{KL}}',
  '\\tr': '\\operatorname{tr}',
  '\\E': '\\mathbb{E}',
};

/**
 * Render every `.math` element under `root` (a Document, Element or ShadowRoot).
 * Returns the number of formulas that KaTeX could not parse (they are shown as red source).
 */
export function renderMath(root = document) {
  let failed = 0;
  for (const el of root.querySelectorAll('.math')) {
    if (!el.hasAttribute('data-tex')) el.setAttribute('data-tex', el.textContent.trim());
    const tex = el.getAttribute('data-tex');
    const displayMode = el.classList.contains('display');
    try {
      katex.render(tex, el, {
        displayMode,
        throwOnError: false,
        output: 'htmlAndMathml',
        macros: { ...MACROS },
        strict: 'ignore',
        trust: false,
      });
      if (el.querySelector('.katex-error')) {
        failed += 1;
        console.warn(`math: cannot parse ${JSON.stringify(tex)}`);
      }
      el.setAttribute('data-rendered', '');
    } catch (err) {
      // throwOnError:false covers parse errors; anything else leaves the readable source.
      failed += 1;
      el.textContent = tex;
      console.warn('math: KaTeX failed', err);
    }
  }
  markScrollable(root);
  return failed;
}

/**
 * A display formula wider than its column scrolls sideways; make exactly those reachable by
 * keyboard (tab stop, arrow keys scroll) with the TeX source as their name. Re-checked on resize.
 */
function markScrollable(root) {
  const displays = [...root.querySelectorAll('.math.display')];
  const update = () => {
    for (const el of displays) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.tabIndex = 0;
        el.setAttribute('role', 'region');
        el.setAttribute('aria-label', `formula: ${el.getAttribute('data-tex')}`);
      } else if (el.hasAttribute('tabindex')) {
        el.removeAttribute('tabindex');
        el.removeAttribute('role');
        el.removeAttribute('aria-label');
      }
    }
  };
  update();
  if ('ResizeObserver' in window) new ResizeObserver(update).observe(document.documentElement);
}
