// Render TeX with the vendored KaTeX (no CDN): every `.math` element's text is inline math,
// `.math.display` is display math. The TeX source is kept in `data-tex` (so re-rendering is
// idempotent and the source is never lost); KaTeX's MathML output gives screen readers the
// formula, and its visual HTML is hidden from them.
import katex from '../vendor/katex/katex.mjs';
import { MACROS, katexOptions } from './math-options.js';
import { markScrollable } from './math-scroll.js';

export { MACROS };

/**
 * Render every `.math` element under `root` (a Document, Element or ShadowRoot).
 * Returns the number of formulas that KaTeX could not parse (they are shown as red source).
 */
export function renderMath(root = document) {
  let failed = 0;
  for (const el of root.querySelectorAll('.math')) {
    // Pre-rendered by the build (scripts/dist.mjs): nothing to do.
    if (el.hasAttribute('data-rendered') && el.querySelector('.katex')) continue;
    if (!el.hasAttribute('data-tex')) el.setAttribute('data-tex', el.textContent.trim());
    const tex = el.getAttribute('data-tex');
    const displayMode = el.classList.contains('display');
    try {
      katex.render(tex, el, katexOptions(displayMode));
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
