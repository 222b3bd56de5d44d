// The lab's WebAssembly core is built as one module per family of experiment kinds (issue 7, W4:
// every module under 250 KB; a page, or course notes embedding one widget, loads only the cores
// of the widgets it shows). scripts/build.sh builds www/pkg/<family>/ from this table with the
// cargo features of crates/wasm named after the kinds (kebab case); www/lib/client.js and the
// worker load a kind's family. Measured sizes (wasm-opt -Oz): noise 233 KB, dropout 216,
// bayes 237, bayes-nets 239, sharpness 222, implicit 192 (one module with everything: 672 KB).

/** Family → the worker kinds (www/lib/worker.js) built into its module. */
export const FAMILIES = {
  // §6–§7: SGD's noise (the funnel; SGD, SGLD and the posterior as an OU process).
  noise: ['funnel', 'sgd-ou'],
  // §2: dropout.
  dropout: ['dropout'],
  // §3–§4: Bayesian inference in small models (Laplace vs VB densities, BBB on linear and
  // logistic regression, the logistic-regression posterior panel).
  bayes: ['density1d', 'bbbLinreg', 'bbbLogreg', 'logregPanel'],
  // §3, §5: Bayesian neural nets (five predictive distributions; noisy natural gradient).
  'bayes-nets': ['bayes-regression', 'nng'],
  // §1: sharpness.
  sharpness: ['sharpness'],
  // §8: SGD's implicit regularizer.
  implicit: ['implicit-reg', 'one-epoch'],
};

/** The family whose module holds `kind`. */
export function familyOf(kind) {
  for (const [family, kinds] of Object.entries(FAMILIES)) if (kinds.includes(kind)) return family;
  throw new Error(`unknown experiment "${kind}"`);
}

/** The cargo feature of a kind: its name in kebab case. */
export const featureOf = (kind) => kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
