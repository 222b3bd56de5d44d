// noiselab's service worker: the built lab keeps working with the network off after one visit.
// Network first (so a rebuilt lab is always fresh when online), falling back to the cache; the
// install step precaches every file of the build (listed in www/precache.json by the build).
// Same-origin GET requests only; nothing from any other origin is ever fetched or cached.
const CACHE = 'noiselab-v1';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const list = await fetch(new URL('www/precache.json', self.registration.scope), { cache: 'no-store' }).then((r) => r.json());
    await cache.addAll(list.files.map((f) => new URL(f, self.registration.scope).href));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const res = await fetch(req);
      if (res.ok) cache.put(req, res.clone());
      return res;
    } catch (err) {
      const hit = await cache.match(req, { ignoreSearch: true });
      if (hit) return hit;
      if (req.mode === 'navigate') {
        const page = await cache.match(new URL('index.html', self.registration.scope).href);
        if (page) return page;
      }
      throw err;
    }
  })());
});
