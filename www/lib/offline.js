// Register the lab's service worker (www/sw.js, installed at the root of the build as sw.js) so
// the lab works offline after the first visit. Only the lab's own pages import this; widgets
// embedded in other sites never register anything.
export function registerOffline(rootUrl) {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return Promise.resolve(null);
  return navigator.serviceWorker.register(new URL('sw.js', rootUrl), { scope: new URL('./', rootUrl).pathname })
    .catch((err) => { console.warn(`offline support unavailable: ${err.message}`); return null; });
}
