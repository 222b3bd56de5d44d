// The lab's Content-Security-Policy: sent as a header by scripts/serve.mjs and written into every
// built HTML page as a <meta> tag by scripts/dist.mjs, so the lab is just as strict on any static
// host. No inline script, no eval (only WebAssembly compilation); nothing from another origin.
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  // Stylesheets only from the page's origin (and constructed sheets); style *attributes* stay
  // allowed because KaTeX positions glyphs with them and legends colour swatches with them.
  "style-src 'self'",
  "style-src-elem 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** The policy as a <meta> tag (frame-ancestors cannot be set this way; hosts may add it). */
export const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;
