// "Your data": every widget whose core field table has a `data` matrix field (the data-driven
// experiments) gets one control for it, made here from that field: Load CSV… (a file picker), a
// paste box and drag-and-drop of a .csv onto the widget. The text goes to the core's parser in
// the worker (`parseData`, the same parser as the CLI's --data; no second parser here); only a
// valid file sets the `data` setting, in one settings change. A bad file shows the parser's
// message (its line and column) at the control and changes nothing.
//
// Links: the `data` setting travels in the URL hash compactly, "z." + base64url of its
// deflate-raw bytes (plain text still reads), with the file's name as `<key>.dataName=`; when the
// encoded data would make the link longer than LINK_DATA_LIMIT characters, the link carries only
// the name, and opening it shows "This link used your data file “x.csv”: load it again" with the
// file picker while the built-in data runs. The settings file carries the data in full.
import { WorkerError } from './client.js';

/** Files above this size are refused before they are read. */
export const MAX_FILE_BYTES = 1 << 20;
/** The most characters the encoded data may take in a link; above it the link names the file. */
export const LINK_DATA_LIMIT = 6000;
/** The prefix of the compact encoding of the data in a link: deflate-raw, then base64url. */
export const COMPACT_PREFIX = 'z.';
/** A link's `dataName` for data without a file name (pasted) too long to travel in the link. */
const UNNAMED = '*';

const MIB = (n) => `${(n / (1 << 20)).toFixed(n % (1 << 20) ? 1 : 0)} MiB`;
const escapeHtml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// ---- the compact encoding -------------------------------------------------------------------

const toBase64url = (bytes) => {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromBase64url = (text) => {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};
const pipe = async (bytes, stream) => new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());

/** `text` in the link's compact form ("z." + base64url of deflate-raw), or the plain text when
    this browser cannot compress. */
export async function encodeData(text) {
  if (typeof CompressionStream !== 'function') return text;
  try {
    return COMPACT_PREFIX + toBase64url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
  } catch {
    return text;
  }
}

/** A link's `data` value as the setting's text: the compact form decoded, plain text as it is. */
export async function decodeData(value) {
  if (!value.startsWith(COMPACT_PREFIX)) return value;
  if (typeof DecompressionStream !== 'function') throw new Error('this browser cannot decompress it (no DecompressionStream)');
  let bytes;
  try {
    bytes = fromBase64url(value.slice(COMPACT_PREFIX.length));
  } catch {
    throw new Error('it is not base64url text');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await pipe(bytes, new DecompressionStream('deflate-raw')));
  } catch {
    throw new Error('it is not deflate-compressed text (the link may have been cut short)');
  }
}

/** The rows of a matrix setting's text ("a b c; d e f", or JSON rows): a count for the words. */
function rowCount(text) {
  const t = String(text ?? '').trim();
  if (!t) return 0;
  if (t.startsWith('[')) {
    try { return JSON.parse(t).length; } catch { return 0; }
  }
  return t.split(/[;\n]/).filter((r) => r.trim()).length;
}

/** A file's bytes as text: UTF-8 (a BOM dropped), or an error naming the first bad byte's line
    and column (a file in another encoding, or not text). */
function utf8Text(bytes, name) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const at = lossy.indexOf('\uFFFD');
    const before = lossy.slice(0, Math.max(0, at)).split('\n');
    throw new Error(`${name}: line ${before.length}, column ${before.at(-1).length + 1}: not UTF-8 text (save the file as UTF-8 CSV)`);
  }
}

// ---- the styles (one sheet, added to every widget by widget.js) -------------------------------

export const DATA_CSS = `
.widget { position: relative; }
.control-data { grid-column: 1 / -1; border: 1px solid var(--border); border-radius: 8px; padding: 8px 10px; background: var(--nl-button, #fff); }
@media (prefers-color-scheme: dark) { .control-data { background: #111722; } }
.control-data .data-head { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; }
.control-data .data-head > strong { font-size: 13px; margin-right: 4px; }
.control-data .data-summary { margin: 6px 0 0; font-size: 13px; }
.control-data .data-help { margin: 4px 0 0; font-size: 12px; color: var(--muted); }
.control-data .data-asked { margin: 6px 0 0; padding: 6px 8px; border-left: 4px solid #E69F00; background: rgba(230,159,0,0.12); border-radius: 4px; display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; }
.control-data .data-paste { margin-top: 6px; display: grid; gap: 6px; justify-items: start; }
.control-data .data-paste textarea { width: 100%; box-sizing: border-box; min-height: 6em; font: 12px ui-monospace, monospace; padding: 4px 6px; border: 1px solid var(--border); border-radius: 5px; resize: vertical; }
.control-data .error { margin-top: 4px; font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
.control-data .error:empty { display: none; }
.data-badge { margin: 8px 2px 0; padding: 3px 8px; display: inline-block; font-size: 13px; font-weight: 600; border-radius: 5px; background: rgba(0,114,178,0.10); border-left: 4px solid var(--accent); overflow-wrap: anywhere; }
.drop-hint { position: absolute; inset: 0; z-index: 6; display: flex; align-items: center; justify-content: center; text-align: center; padding: 20px;
  font-size: 18px; font-weight: 600; color: var(--accent); background: rgba(255,255,255,0.88); border: 3px dashed var(--accent); border-radius: 10px; pointer-events: none; }
@media (prefers-color-scheme: dark) { .drop-hint { background: rgba(17,23,34,0.9); } }
`;

// ---- the control ------------------------------------------------------------------------------

export const DataInput = (Base) => class extends Base {
  /** The `data` matrix field of the core's table, when this experiment takes data. */
  get dataField() {
    return this.fields?.find((f) => f.name === 'data' && f.kind === 'matrix') ?? null;
  }

  /** The help text of the control: what a file holds and the limits. */
  dataHelp(f) {
    const lim = this.dataLimits ?? {};
    const rows = lim.rows ?? f.maxRows;
    const cols = lim.columns ? `, ${lim.columns} columns` : '';
    const what = lim.help ? `${lim.help} ` : '';
    return `${what}Comma-separated with a header row; columns are chosen by their header, others are ignored. At most ${rows.toLocaleString('en')} rows${cols} and ${MIB(MAX_FILE_BYTES)}. You can also drop a .csv file on the widget.`;
  }

  /** The control's row, in the controls' grid (called by buildControls for the `data` field). */
  buildDataControl(f, id) {
    const row = document.createElement('div');
    row.className = 'control control-data';
    row.dataset.name = 'data';
    row.hidden = !this.shownControl('data');
    row.setAttribute('role', 'group');
    row.setAttribute('aria-labelledby', `${id}-title`);
    row.innerHTML = `
      <div class="data-head"><strong id="${id}-title">Your data</strong>
        <button type="button" class="data-load" aria-describedby="${id}-help">Load CSV…</button>
        <button type="button" class="data-paste-toggle" aria-expanded="false" aria-controls="${id}-paste">Paste…</button>
        <button type="button" class="data-builtin">Use the built-in data</button>
        <input type="file" class="data-file" accept=".csv,.tsv,.txt,text/csv,text/plain" hidden aria-label="CSV file of your data">
      </div>
      <div class="data-paste" id="${id}-paste" hidden>
        <textarea id="${id}" name="data-csv" aria-label="CSV text of your data" aria-describedby="${id}-help" autocomplete="off" spellcheck="false"></textarea>
        <button type="button" class="data-paste-use">Use pasted data</button>
      </div>
      <div class="data-asked" hidden><span class="data-asked-text"></span><button type="button" class="data-asked-load">Load CSV…</button></div>
      <p class="data-summary" aria-live="polite"></p>
      <div class="error" id="${id}-err" role="alert"></div>
      <p class="data-help" id="${id}-help"></p>`;
    row.title = f.help ?? '';
    const $ = (s) => row.querySelector(s);
    const file = $('input.data-file');
    const paste = $('.data-paste');
    // The setting's own text is not edited here (the core's matrix text, not a CSV): the box
    // that syncControls fills is a hidden one, so the control's error and aria-invalid work.
    const box = document.createElement('textarea');
    box.hidden = true;
    box.className = 'data-value';
    box.setAttribute('aria-hidden', 'true');
    box.tabIndex = -1;
    row.append(box);
    this.controls.data = { row, box, slider: null, err: $('.error') };
    this.dataUi = { row, file, paste, text: $('.data-paste textarea'), summary: $('.data-summary'), help: $('.data-help'), asked: $('.data-asked'), askedText: $('.data-asked-text'), builtin: $('.data-builtin'), toggle: $('.data-paste-toggle') };
    this.dataUi.help.textContent = this.dataHelp(f);
    this.dataUi.text.placeholder = this.dataLimits?.example ?? 'x1,x2,y\n0.5,-1.2,1\n…';
    const pick = () => file.click();
    $('.data-load').addEventListener('click', pick);
    $('.data-asked-load').addEventListener('click', pick);
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      file.value = '';
      if (chosen) this.loadDataFile(chosen).catch((err) => this.fail(err));
    });
    this.dataUi.toggle.addEventListener('click', () => {
      const open = paste.hidden;
      paste.hidden = !open;
      this.dataUi.toggle.setAttribute('aria-expanded', String(open));
      if (open) this.dataUi.text.focus();
    });
    $('.data-paste-use').addEventListener('click', () => this.loadDataText(this.dataUi.text.value, { name: null, origin: 'paste' }).catch((err) => this.fail(err)));
    this.dataUi.builtin.addEventListener('click', () => this.useBuiltInData().catch((err) => this.fail(err)));
    this.attachDrop();
    // The badge over the readout: the figure is of your data.
    this.dataBadge = document.createElement('p');
    this.dataBadge.className = 'data-badge';
    this.dataBadge.hidden = true;
    this.readoutEl.before(this.dataBadge);
    return row;
  }

  /** Drag-and-drop of a file anywhere on the widget, with a visible drop target. */
  attachDrop() {
    const target = this.$('.widget');
    const hint = document.createElement('div');
    hint.className = 'drop-hint';
    hint.hidden = true;
    hint.textContent = 'Drop a CSV file to use it as your data';
    target.append(hint);
    const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    let depth = 0;
    const show = (on) => { hint.hidden = !on; target.classList.toggle('dropping', on); };
    target.addEventListener('dragenter', (e) => { if (!hasFiles(e)) return; e.preventDefault(); depth++; show(true); });
    target.addEventListener('dragover', (e) => { if (!hasFiles(e)) return; e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; show(true); });
    target.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) show(false); });
    target.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      show(false);
      const dropped = e.dataTransfer.files?.[0];
      if (dropped) this.loadDataFile(dropped).catch((err) => this.fail(err));
    });
  }

  /** Show (or clear) the control's error; announced (role="alert") and nothing changed. */
  dataError(text) {
    const c = this.controls?.data;
    if (!c) return;
    c.err.textContent = text ?? '';
    c.row.classList.toggle('invalid', Boolean(text));
    this.dispatchEvent(new CustomEvent('noiselab-data', { detail: { ok: !text, error: text || null, source: this.dataSource }, bubbles: true, composed: true }));
  }

  /** Public API: use the CSV file `file` (a File) as the data; resolves to `{ok, error?}`. */
  async loadDataFile(file) {
    await this.ready;
    const name = file.name || 'the file';
    if (file.size > MAX_FILE_BYTES) {
      const error = `${name} is ${MIB(file.size)}: files of at most ${MIB(MAX_FILE_BYTES)} are read. Nothing was changed.`;
      this.dataError(error);
      return { ok: false, error };
    }
    let text;
    try {
      text = utf8Text(new Uint8Array(await file.arrayBuffer()), name);
    } catch (err) {
      this.dataError(`${err.message}. Nothing was changed.`);
      return { ok: false, error: err.message };
    }
    return this.loadDataText(text, { name: file.name || null, origin: 'file' });
  }

  /**
   * Public API: use the CSV text `text` as the data (`name`: the file's name, if any). The core
   * parses it (the CLI's parser); a valid file sets the `data` setting in one change, a bad one
   * shows the parser's message at the control. Resolves to `{ok, error?, parsed?}`.
   */
  async loadDataText(text, { name = null, origin = 'paste' } = {}) {
    await this.ready;
    const bytes = new TextEncoder().encode(text).length;
    const what = name ?? 'The pasted text';
    if (bytes > MAX_FILE_BYTES) {
      const error = `${what} is ${MIB(bytes)}: at most ${MIB(MAX_FILE_BYTES)} is read. Nothing was changed.`;
      this.dataError(error);
      return { ok: false, error };
    }
    let parsed;
    try {
      parsed = await this.worker.request('parseData', { kind: this.kind, text, settings: this.settings });
    } catch (err) {
      if (!(err instanceof WorkerError) || err.kind !== 'error') throw err;
      const error = `${name ? `${name}: ` : ''}${err.message}`;
      this.dataError(`${error}. Nothing was changed.`);
      return { ok: false, error };
    }
    const value = String(parsed.value);
    // The link's compact form, made now so the hash written with the change is already short.
    await this.dataLinkValue(value, { wait: true });
    this.pendingDataSource = { name, origin, parsed };
    let r;
    try {
      r = await this.applySettings({ data: value });
    } finally {
      this.pendingDataSource = null;
    }
    const bad = r.errors.find((e) => e.field === 'data');
    if (bad) {
      this.dataError(`${name ? `${name}: ` : ''}${bad.message}. Nothing was changed.`);
      return { ok: false, error: bad.message };
    }
    if (origin === 'paste' && this.dataUi) { this.dataUi.paste.hidden = true; this.dataUi.toggle.setAttribute('aria-expanded', 'false'); }
    return { ok: r.ok, errors: r.errors, parsed };
  }

  /** Public API: back to the seeded data set (the `data` setting empty). */
  async useBuiltInData() {
    await this.ready;
    this.dataAskedName = null;
    return this.applySettings({ data: '' });
  }

  // ---- the settings change ----------------------------------------------------------------------

  /** Every settings change passes here: a link's compact data is decoded, a link's file name
      (`dataName`, not a setting) taken apart, and the control is brought up to date after. */
  async applyNow(changes, options = {}) {
    if (!this.dataField) return super.applyNow(changes, options);
    changes = { ...changes };
    const extraErrors = [...(options.extraErrors ?? [])];
    let linkName;
    if ('dataName' in changes) {
      linkName = String(changes.dataName).trim() || null;
      delete changes.dataName;
    }
    if (typeof changes.data === 'string' && changes.data.startsWith(COMPACT_PREFIX)) {
      const encoded = changes.data;
      try {
        changes.data = await decodeData(encoded);
        this.dataLinkCache.set(changes.data, encoded);
      } catch (err) {
        delete changes.data;
        extraErrors.push({ field: 'data', message: `the link's data could not be read (${err.message}); the built-in data is used` });
      }
    }
    // A link that names a file too large to travel in it (the hash re-read on a change made
    // elsewhere on the page): the data loaded from that file stays.
    if (linkName !== undefined && !('data' in changes) && options.replace && this.valid?.data && this.dataSource?.name === linkName) changes.data = this.valid.data;
    const before = this.valid?.data;
    const pending = this.pendingDataSource;
    const r = await super.applyNow(changes, { ...options, extraErrors });
    const now = this.valid.data;
    // The core writes the data in its own spelling: its link form is that of the text given.
    if (now && !this.dataLinkCache.has(now) && this.dataLinkCache.has(changes.data)) {
      this.dataLinkCache.set(now, this.dataLinkCache.get(changes.data));
      if (this.urlKey) this.writeHash();
    }
    if (now !== before || options.initial) {
      if (!now) this.dataSource = null;
      else if (pending) this.dataSource = { name: pending.name, origin: pending.origin, parsed: pending.parsed };
      else if (linkName !== undefined) this.dataSource = { name: linkName === UNNAMED ? null : linkName, origin: 'link' };
      // Changed some other way (clicking points in, setSettings, a settings file).
      else this.dataSource = { name: this.dataSource?.name ?? null, origin: this.dataSource ? 'edited' : 'setting' };
      if (now) this.dataAskedName = null;
    }
    // A link that named a file without its data: ask for the file; the built-in data runs.
    if (linkName && !now && !('data' in changes)) this.dataAskedName = linkName;
    if (linkName === null || ('data' in changes && !changes.data)) this.dataAskedName = null;
    if (now !== before || options.initial || linkName !== undefined) this.dataError(r.errors.find((e) => e.field === 'data')?.message ?? '');
    this.updateDataState();
    // The hash with the data's compact form, once it is made (a change that did not come
    // through the control: the plain text, or the name alone, was written meanwhile).
    if (now && !this.dataLinkCache.has(now)) {
      this.dataLinkValue(now, { wait: true }).then(() => { if (this.valid.data === now && this.urlKey) this.writeHash(); }).catch(() => {});
    }
    return r;
  }

  // ---- links ------------------------------------------------------------------------------------

  get dataLinkCache() {
    this._dataLinkCache ??= new Map();
    return this._dataLinkCache;
  }

  /** The `data` value a link carries for `text`: its compact form, or null when that would
      be longer than LINK_DATA_LIMIT (the link then names the file). Synchronous from the cache
      (made when the data is loaded); `wait` makes it first. */
  dataLinkValue(text, { wait = false } = {}) {
    const cache = this.dataLinkCache;
    const fit = (v) => (encodeURIComponent(v).length <= LINK_DATA_LIMIT ? v : null);
    if (cache.has(text)) return wait ? Promise.resolve(fit(cache.get(text))) : fit(cache.get(text));
    const made = encodeData(text).then((v) => {
      // Plain text when it is no longer than the compact form (a short data set).
      const best = encodeURIComponent(text).length <= encodeURIComponent(v).length ? text : v;
      if (cache.size > 16) cache.clear();
      cache.set(text, best);
      return fit(best);
    });
    return wait ? made : fit(text);
  }

  /** The settings a link carries, as text: the data in its compact form with its file's name,
      or only the name when the data is too long for a link. */
  linkSettings(settings) {
    if (!this.dataField || !('data' in settings)) return settings;
    const out = { ...settings };
    const v = this.dataLinkValue(settings.data);
    const name = this.dataSource?.name;
    if (v === null) delete out.data; else out.data = v;
    // Too long for a link and without a file name (pasted): the link says so ("*").
    if (name || v === null) out.dataName = name ?? UNNAMED;
    return out;
  }

  /** The settings file: the data in full, and its file's name beside the settings. */
  exportHead() {
    const head = super.exportHead();
    return this.valid?.data && this.dataSource?.name ? { ...head, dataName: this.dataSource.name } : head;
  }

  // ---- what the widget shows --------------------------------------------------------------------

  /** The words for the data in use ("your data: 90 train, 30 test points from moons.csv; …"),
      or null for the built-in data. */
  dataSummary() {
    if (!this.valid?.data) return null;
    const src = this.dataSource ?? {};
    const from = src.name ? ` from ${src.name}` : '';
    const p = src.parsed;
    if (p) {
      const counts = Number.isFinite(p.testRows) && p.testRows > 0 ? `${p.trainRows} train, ${p.testRows} test points` : `${p.rows} points`;
      const cols = p.columns?.length ? `; columns ${p.columns.join(', ')}` : '';
      const ignored = p.ignored?.length ? `; ignored: ${p.ignored.join(', ')}` : '';
      return `your data: ${counts}${from}${cols}${ignored}`;
    }
    const n = rowCount(this.valid.data);
    const how = src.origin === 'link' ? ' (from the link)' : src.origin === 'edited' ? ' (edited)' : ' (the “data” setting)';
    return `your data: ${n} rows${from}${how}`;
  }

  /** Bring the control, the badge and the seeded-data controls up to the settings in use. */
  updateDataState() {
    const ui = this.dataUi;
    if (!ui) return;
    const summary = this.dataSummary();
    const on = Boolean(summary);
    this.toggleAttribute('own-data', on);
    ui.summary.textContent = on ? `In use: ${summary}.` : 'In use: the built-in data (drawn from the seed).';
    ui.builtin.disabled = !on;
    this.dataBadge.hidden = !on;
    this.dataBadge.textContent = on ? `${summary[0].toUpperCase()}${summary.slice(1)}` : '';
    ui.asked.hidden = !this.dataAskedName;
    const asked = this.dataAskedName === UNNAMED ? 'This link used your own data, too large to travel in a link: load the file again' : `This link used your data file “${this.dataAskedName}”: load it again`;
    ui.askedText.textContent = this.dataAskedName ? `${asked} (the built-in data is shown until then).` : '';
    for (const name of this.seededDataFields()) this.setControlDisabled(name, this.widgetDisabled?.[name] ?? null);
  }

  /** The settings that make the seeded data set, unused while your data is given (from the
      parser's reply, `seededFields`, or the core's field table: fields whose help says so). */
  seededDataFields() {
    return this.dataSource?.parsed?.seededFields ?? this.dataSeeded ?? [];
  }

  /** A control disabled by the widget keeps its reason; while your data is given, the seeded
      data's controls say they are not used. */
  setControlDisabled(name, reason) {
    this.widgetDisabled ??= {};
    this.widgetDisabled[name] = reason;
    const unused = this.valid?.data && this.seededDataFields().includes(name);
    super.setControlDisabled(name, unused ? 'not used: your data is in use (“Use the built-in data” to change it)' : reason);
  }
};
