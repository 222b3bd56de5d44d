// What the lab needs from the browser, detected without side effects (issue 23): every engine it
// is tested in (Chromium, Firefox ESR, WebKitGTK: tests/engines/) has all of it; an older one
// gets a widget that says which feature is missing instead of one that never starts.
//   WebAssembly                the core (Chrome 57, Firefox 52, Safari 11)
//   module workers             new Worker(url, {type: 'module'}) (Chrome 80, Firefox 114, Safari 15)
//   constructable stylesheets  shadowRoot.adoptedStyleSheets (Chrome 73, Firefox 101, Safari 16.4);
//                              the lab's CSP (style-src 'self') rules out inline <style> instead
// OffscreenCanvas (Safari 16.4) is only a scratch canvas: a plain <canvas> stands in for it.

/** Module workers: the options' `type` is read only by engines that know it. The URL is
    invalid, so no worker starts and nothing is fetched (no CSP report either). */
function moduleWorkers() {
  let read = false;
  try {
    // eslint-disable-next-line no-new
    new Worker('http://[', { get type() { read = true; return 'module'; } });
  } catch { /* the invalid URL: expected */ }
  return read;
}

/** The features the lab needs and this browser lacks (names for a reader), [] when none. */
export function missingFeatures() {
  const missing = [];
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') missing.push('WebAssembly');
  if (typeof Worker !== 'function' || !moduleWorkers()) missing.push('module workers');
  if (typeof ShadowRoot === 'undefined' || !('adoptedStyleSheets' in ShadowRoot.prototype)
    || typeof CSSStyleSheet?.prototype?.replaceSync !== 'function') missing.push('constructable stylesheets');
  return missing;
}

/** The widget's message for a browser that lacks `missing`. */
export function unsupportedMessage(missing) {
  return `This browser lacks ${missing.join(', ')}, which the lab needs. `
    + 'Open the page in a current Firefox (115 or later), Safari (16.4 or later), Chrome or Edge.';
}

/** A 2-D scratch canvas of W × H: an OffscreenCanvas where there is one, else a <canvas>. */
export function scratchCanvas(W, H) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(W, H);
  return Object.assign(document.createElement('canvas'), { width: W, height: H });
}
