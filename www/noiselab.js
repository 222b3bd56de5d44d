// noiselab: every widget of the lab from one module. Course notes write
//   <script type="module" src=".../www/noiselab.js"></script>
//   <noiselab-funnel noise-std="1"></noiselab-funnel>
// and each widget's code is fetched only when its element is on the page (now or later).
// The widgets' worker and WebAssembly core are resolved relative to this file, so the folder can
// be copied anywhere on the notes' own site (workers must be same-origin with the page).

/** Tag → module (relative to this file) for every widget in the lab. */
export const WIDGETS = {
  'noiselab-sharpness': './widgets/sharpness.js',
  'noiselab-dropout': './widgets/dropout.js',
  'noiselab-description-length': './widgets/description-length.js',
  'noiselab-bayes-regression': './widgets/bayes-regression.js',
  'noiselab-bbb-linreg': './widgets/bbb-linreg.js',
  'noiselab-laplace-vb': './widgets/laplace-vb.js',
  'noiselab-logreg-posterior': './widgets/logreg-posterior.js',
  'noiselab-nng': './widgets/nng.js',
  'noiselab-sgd-posterior': './widgets/sgd-posterior.js',
  'noiselab-funnel': './widgets/funnel.js',
  'noiselab-implicit-reg': './widgets/implicit-reg.js',
  'noiselab-one-epoch': './widgets/one-epoch.js',
};

const loading = new Map();

/** Load (once) the module defining `tag`; resolves when the element is defined. */
export function load(tag) {
  const name = String(tag).toLowerCase();
  if (!WIDGETS[name]) return Promise.reject(new Error(`noiselab has no widget <${name}>; known: ${Object.keys(WIDGETS).join(', ')}`));
  if (!loading.has(name)) {
    loading.set(name, import(new URL(WIDGETS[name], import.meta.url).href).then(() => customElements.whenDefined(name)));
  }
  return loading.get(name);
}

function scan(node) {
  if (!(node instanceof Element)) return;
  if (WIDGETS[node.localName]) load(node.localName);
  for (const tag of Object.keys(WIDGETS)) if (node.querySelector(tag)) load(tag);
}

if (typeof document !== 'undefined') {
  scan(document.documentElement);
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) scan(n);
  }).observe(document.documentElement, { childList: true, subtree: true });
}
