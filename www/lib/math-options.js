// KaTeX options shared by the page's run-time rendering (math.js) and the build's pre-rendering
// (scripts/dist.mjs), so a formula renders the same either way.

/** Macros shared by every formula on the page. */
export const MACROS = {
  '\\KL': '\\mathrm{D}_{\\mathrm{KL}}',
  '\\tr': '\\operatorname{tr}',
  '\\E': '\\mathbb{E}',
};

/** The options for one formula. */
export const katexOptions = (displayMode) => ({
  displayMode,
  throwOnError: false,
  output: 'htmlAndMathml',
  macros: { ...MACROS },
  strict: 'ignore',
  trust: false,
});
