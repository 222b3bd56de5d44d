// Display formulas wider than their column scroll sideways: make exactly those keyboard-reachable.
// Separate from math.js so pages whose math the build pre-rendered need not load KaTeX for it.

/**
 * A display formula wider than its column scrolls sideways; make exactly those reachable by
 * keyboard (tab stop, arrow keys scroll) with the TeX source as their name. Re-checked on resize.
 */
export function markScrollable(root) {
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
