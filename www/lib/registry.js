// The lab's one registry of experiments (issue 18): one row per experiment kind. Everything else
// follows from the kind by convention:
//   element      noiselab-<kind>                  URL key, frame.html?widget=<kind>
//   widget       www/widgets/<kind>.js            (loaded lazily: loadWidget below)
//   wasm class   Pascal case of the kind          (Funnel, SgdPosterior, …; crates/wasm/src/<kind_snake>.rs)
//   worker       www/lib/experiments/<kind>.js    only when `extras` (otherwise worker.js's generic entry)
//   cargo cfg    kind = "<kind>"                  (crates/wasm/build.rs reads this file)
// `family` names the WebAssembly module that holds the kind: scripts/build.sh builds one module
// per family, www/pkg/<family>/ (W4 aims at ≤ 250 KB each; bench/results.md), so a page loads only the cores
// of the widgets it shows. Adding an experiment: one row here (the rows are JSON, one per line:
// build.rs reads them too).
export const EXPERIMENTS = [
  { "kind": "sharpness", "family": "sharpness", "extras": true, "title": "Sharp and flat minima" },
  { "kind": "dropout", "family": "dropout", "extras": true, "title": "Dropout" },
  { "kind": "description-length", "family": "bayes", "extras": true, "title": "Variational Bayes and description length" },
  { "kind": "bayes-regression", "family": "bayes-nets", "extras": true, "title": "Five predictive distributions" },
  { "kind": "bbb-linreg", "family": "bayes", "extras": true, "title": "Bayes by Backprop on linear regression" },
  { "kind": "laplace-vb", "family": "bayes", "extras": true, "title": "Laplace vs variational Bayes" },
  { "kind": "logreg-posterior", "family": "bayes", "extras": true, "title": "The logistic-regression posterior" },
  { "kind": "nng", "family": "bayes-nets", "extras": true, "title": "Noisy natural gradient" },
  { "kind": "sgd-posterior", "family": "noise", "extras": true, "title": "SGD and implicit variational Bayes" },
  { "kind": "funnel", "family": "noise", "extras": true, "title": "Gradient noise and flatness: the funnel" },
  { "kind": "implicit-reg", "family": "implicit", "extras": true, "title": "The implicit regularizer of SGD" },
  { "kind": "one-epoch", "family": "implicit", "extras": false, "title": "One epoch, exactly" },
];

/** The registry row of `kind`; throws for an unknown kind. */
export function experimentOf(kind) {
  const row = EXPERIMENTS.find((e) => e.kind === kind);
  if (!row) throw new Error(`unknown experiment "${kind}"; known: ${EXPERIMENTS.map((e) => e.kind).join(', ')}`);
  return row;
}

/** The registry row that holds `name`: a kind, or a second experiment of a kind named
    `<kind>-<what>` (funnel-compare, the CLI's analysis of the same name): its own wasm class
    (the Pascal case of `name`) in the kind's adapter file, family and worker module. */
export function ownerOf(name) {
  const rows = EXPERIMENTS.filter((e) => name === e.kind || String(name).startsWith(`${e.kind}-`));
  return rows.sort((a, b) => b.kind.length - a.kind.length)[0] ?? experimentOf(name);
}

/** The family (www/pkg/<family>/) whose module holds `kind`. */
export const familyOf = (kind) => experimentOf(kind).family;

/** Family → its kinds, in registry order. */
export const FAMILIES = EXPERIMENTS.reduce((m, e) => ({ ...m, [e.family]: [...(m[e.family] ?? []), e.kind] }), {});

/** The wasm class of a kind: its Pascal case (sgd-posterior → SgdPosterior). */
export const className = (kind) => kind.replace(/(^|-)([a-z0-9])/g, (_, _d, c) => c.toUpperCase());

/** Element → widget module, relative to www/ (as noiselab.js has always published it). */
export const WIDGETS = Object.fromEntries(EXPERIMENTS.map((e) => [`noiselab-${e.kind}`, `./widgets/${e.kind}.js`]));

const loading = new Map();

/** Load (once) the module defining the element `tag`; resolves when the element is defined. */
export function loadWidget(tag) {
  const name = String(tag).toLowerCase();
  if (!WIDGETS[name]) return Promise.reject(new Error(`noiselab has no widget <${name}>; known: ${Object.keys(WIDGETS).join(', ')}`));
  if (!loading.has(name)) {
    loading.set(name, import(new URL(WIDGETS[name], new URL('../', import.meta.url)).href).then(() => customElements.whenDefined(name)));
  }
  return loading.get(name);
}
