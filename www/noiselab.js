// noiselab: every widget of the lab from one module. Course notes write
//   <script type="module" src=".../www/noiselab.js"></script>
//   <noiselab-funnel noise-std="1"></noiselab-funnel>
// and each widget's code is fetched only when its element is on the page (now or later).
// The widgets' worker and WebAssembly core are resolved relative to this file, so the folder can
// be copied anywhere on the notes' own site (workers must be same-origin with the page).
// The widgets are the rows of the lab's registry (www/lib/registry.js).
import { WIDGETS, loadWidget } from './lib/registry.js';

/** Tag → module (relative to this file) for every widget in the lab; `load(tag)` loads one once. */
export { WIDGETS, loadWidget as load };

/** The lab's other elements, loaded the same way when on the page: the "predict, then run"
    exercise (docs/exercises.md), which loads its widget itself when run. */
export const ELEMENTS = { 'noiselab-exercise': './widgets/exercise.js' };

function scan(node) {
  if (!(node instanceof Element)) return;
  if (WIDGETS[node.localName]) loadWidget(node.localName);
  for (const tag of Object.keys(WIDGETS)) if (node.querySelector(tag)) loadWidget(tag);
  for (const [tag, file] of Object.entries(ELEMENTS)) if (node.localName === tag || node.querySelector(tag)) import(new URL(file, import.meta.url).href);
}

if (typeof document !== 'undefined') {
  scan(document.documentElement);
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) scan(n);
  }).observe(document.documentElement, { childList: true, subtree: true });
}
