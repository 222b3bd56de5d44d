// Styles shared by every widget's shadow root (a constructed stylesheet, so no inline <style>).
// Colours follow the page's custom properties when set, with light/dark fallbacks.
export const BASE_CSS = `
:host { display: block; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--nl-fg, #1d2330); --accent: var(--nl-accent, #0072B2); --panel: var(--nl-panel, #f6f7f9);
  --border: var(--nl-border, #d5d9e0); --muted: var(--nl-muted, #5b6475); --bad: #B3261E; contain: layout; }
@media (prefers-color-scheme: dark) {
  :host { color: var(--nl-fg, #e6e9ef); --panel: var(--nl-panel, #1c2230); --border: var(--nl-border, #3a4356); --muted: var(--nl-muted, #a5adbd); --bad: #ff8a80; }
}
[hidden] { display: none !important; }
.widget { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 12px; }
.figure { display: grid; gap: 10px; }
canvas { width: 100%; display: block; background: #fff; border-radius: 6px; touch-action: manipulation; }
.readout { margin: 10px 2px 4px; font-variant-numeric: tabular-nums; color: var(--fg); display: flex; flex-wrap: wrap; gap: 4px 16px; min-height: 1.4em; }
.readout b { font-weight: 600; }
.message { margin: 6px 0; padding: 8px 10px; border-radius: 6px; border-left: 4px solid var(--accent); background: rgba(0,114,178,0.08); }
.message[data-kind="warn"] { border-color: #E69F00; background: rgba(230,159,0,0.12); }
.message[data-kind="error"] { border-color: var(--bad); background: rgba(179,38,30,0.10); }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; align-items: center; }
button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--border); background: var(--nl-button, #fff); color: inherit; cursor: pointer; min-height: 34px; }
@media (prefers-color-scheme: dark) { button, input, select { background: #111722; color: inherit; } }
button:hover { border-color: var(--accent); }
button[aria-pressed="true"], button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button:disabled { opacity: 0.5; cursor: not-allowed; }
:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
.export { position: relative; }
.export > summary { list-style: none; cursor: pointer; padding: 6px 12px; border: 1px solid var(--border); border-radius: 6px; min-height: 34px; box-sizing: border-box; display: inline-flex; align-items: center; background: var(--nl-button, #fff); }
.export > summary::-webkit-details-marker { display: none; }
.export > summary::after { content: " ▾"; white-space: pre; }
.export[open] > summary { border-color: var(--accent); }
.export-items { position: absolute; z-index: 5; top: calc(100% + 4px); left: 0; display: grid; gap: 4px; padding: 6px; min-width: 12em; background: var(--panel); border: 1px solid var(--border); border-radius: 8px; box-shadow: 0 6px 18px rgba(0,0,0,0.15); }
.export-items button { text-align: left; }
.verdict { margin: 2px 2px 6px; font-weight: 600; min-height: 0; }
.verdict:empty { display: none; }
.preset-note, .why { font-size: 12px; color: var(--muted); margin-top: 2px; }
.preset-note:empty, .why:empty { display: none; }
.control.disabled label { color: var(--muted); }
.control-preset { grid-column: 1 / -1; }
.control-preset select { min-width: min(100%, 22em); }
.share { resize: vertical; white-space: pre; overflow: auto; flex: 1 1 260px; min-width: 0; font: 12px ui-monospace, monospace; padding: 6px; border: 1px solid var(--border); border-radius: 6px; }
.controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 8px 16px; margin-top: 6px; }
.control label { display: block; font-weight: 600; font-size: 13px; margin-bottom: 2px; }
.control .unit { font-weight: 400; color: var(--muted); }
.inputs { display: flex; gap: 8px; align-items: center; }
.inputs input[type=range] { flex: 1 1 auto; min-width: 0; accent-color: var(--accent); }
.inputs .num { width: 6.5em; flex: 0 0 auto; font: inherit; padding: 4px 6px; border: 1px solid var(--border); border-radius: 5px; }
.control-integer .num[name=seed] { width: 9em; }
.control-matrix { grid-column: 1 / -1; }
.inputs textarea.matrix { flex: 1 1 auto; min-width: 0; font: 0.9em ui-monospace, monospace; padding: 4px 6px; border: 1px solid var(--border); border-radius: 5px; resize: vertical; }
select { font: inherit; padding: 4px 6px; border: 1px solid var(--border); border-radius: 5px; max-width: 100%; }
.control.invalid .num, .control.invalid select, .control.invalid textarea { border-color: var(--bad); outline: 1px solid var(--bad); }
.error { color: var(--bad); font-size: 12px; min-height: 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin: 2px 2px 0; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; }
.swatch.dashed { border-top-style: dashed; }
.swatch.thin { border-top-width: 1.5px; }
.swatch.dot { width: 7px; height: 7px; border-radius: 50%; border: 0; }
.swatch.ink { border-color: currentColor; }
.swatch.dot.ink { background: currentColor; }
.plot-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 6px; font-size: 13px; }
.plot-head select { font-size: 13px; }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
.table-scroll { overflow-x: auto; max-width: 100%; }
`;
