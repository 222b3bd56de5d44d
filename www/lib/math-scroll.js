// Display formulas wider than their column scroll sideways: make exactly those keyboard-reachable.
// Separate from math.js so pages whose math the build pre-rendered need not load KaTeX for it.

/** Mark `el` (a `.math.display`) as a keyboard-scrollable region iff it overflows its column
    (left as it is while its section is skipped: no layout to measure). */
function check(el) {
  if (!rendered(el)) return;
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

/** False inside a subtree the browser skips (content-visibility: auto, far from view). */
const rendered = (el) => el.checkVisibility?.({ contentVisibilityAuto: true }) ?? true;

/**
 * A display formula wider than its column scrolls sideways; make exactly those reachable by
 * keyboard (tab stop, arrow keys scroll) with the TeX source as their name, re-checked when the
 * formula's box changes size. Measuring a formula lays out its section, and the lab page leaves
 * sections far from view unrendered (content-visibility: auto, issue 7 W4; measuring every
 * formula at load laid out the whole page in one ~600 ms task): a formula in such a section is
 * measured when the section is rendered, i.e. as it comes near the viewport, before the
 * keyboard or the eye can reach it.
 */
export function markScrollable(root) {
  const displays = [...root.querySelectorAll('.math.display')];
  if (!displays.length) return;
  const resize = 'ResizeObserver' in window
    ? new ResizeObserver((entries) => entries.forEach((e) => check(e.target)))
    : null;
  // After the first frame, when the browser knows which sections it skips.
  requestAnimationFrame(() => setTimeout(() => {
    for (const el of displays) {
      check(el);
      resize?.observe(el);
    }
  }));
  // (Not bubbling: listened to in the capture phase.)
  root.addEventListener?.('contentvisibilityautostatechange', (e) => {
    if (e.skipped) return;
    requestAnimationFrame(() => e.target.querySelectorAll('.math.display').forEach(check));
  }, true);
}
