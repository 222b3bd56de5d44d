// "Your data": every widget whose core field table has a `data` matrix field (the data-driven
// experiments) gets one control for it, made here from that field: Load CSV… (a file picker), a
// paste box and drag-and-drop of a .csv onto the widget. The text goes to the core's parser in
// the worker (`parseData`, the same parser as the CLI's --data; no second parser here: it is the
// data module's, www/pkg/data/, which the worker loads on the first file); only a valid file sets
// the `data` setting, in one settings change. A bad file shows the parser's message (its line and
// column) at the control and changes nothing. What the data look like (columns, limits, the
// settings the data replace) is the core's `dataSpec`, from the family's module.
//
// Links: the `data` setting travels in the URL hash compactly, "z." + base64url of its
// deflate-raw bytes (plain text still reads), with the file's name as `<key>.dataName=`; when the
// encoded data would make the link longer than LINK_DATA_LIMIT characters, the link carries only
// the name, and opening it shows "This link used your data file “x.csv”: load it again" with the
// file picker while the built-in data runs. The settings file carries the data in full.
import { WorkerError } from './client.js';

/** Files above this size are refused before they are read: the core's limit (`dataSpec`'s
    maxBytes) once known; this until then. */
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

// ---- the styles (one sheet, added to every widget by widget.js) -------------------------------

export const DATA_CSS = `
.widget { position: relative; }
.control-data { grid-column: 1 / -1; border: 1px solid var(--border); border-radius: 8px; padding: 8px 10px; background: var(--nl-button, #fff); }
@media (prefers-color-scheme: dark) { .control-data { background: #111722; } }
.control-data .data-head { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; }
.control-data .data-head > strong { font-size: 13px; margin-right: 4px; }
.control-data .data-summary { margin: 6px 0 0; font-size: 13px; }
.control-data .data-help, .control-data .data-more { margin: 4px 0 0; font-size: 12px; color: var(--muted); }
.control-data .data-more summary { cursor: pointer; width: fit-content; }
.control-data .data-more p { margin: 2px 0 0; }
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

  /** The help of the control, from the core's spec of this kind's data (`dataSpec`: the
      columns, their ranges, the split rule and the limits the parser enforces): one line with
      the columns and the limits, and the details under "File format". */
  dataHelp(spec) {
    const bytes = MIB(spec?.maxBytes ?? MAX_FILE_BYTES);
    if (!spec) return { line: `A CSV file with a header row; at most ${bytes}.`, more: '' };
    const cols = spec.columns.map((c) => (c.label ? `${c.name} (0 or 1)` : c.name)).join(', ');
    const line = `A CSV file whose header row names ${cols}${spec.hasTest ? ' and optionally split (train or test)' : ''}. `
      + `At most ${spec.maxRows.toLocaleString('en')} rows, ${spec.maxColumns} columns and ${bytes}.`;
    const y = spec.columns.find((c) => c.name === 'y');
    const also = y ? ` y may also be headed ${y.aliases.filter((a) => a !== 'y').join(', ')}.` : '';
    const more = `${spec.description[0].toUpperCase()}${spec.description.slice(1)}. Comma, semicolon or tab separated; columns are found by their header name, others are ignored.${also} `
      + 'Or paste the text, or drop a .csv file on the widget.';
    return { line, more };
  }

  /** Show the help of `spec`. */
  showDataHelp(spec) {
    const { line, more } = this.dataHelp(spec);
    this.dataUi.help.textContent = line;
    this.dataUi.more.textContent = more;
    this.dataUi.moreBox.hidden = !more;
  }

  /** Ask the core what this kind's data look like (for the help text and the paste box). */
  async refreshDataSpec() {
    if (!this.dataUi) return;
    try {
      this.dataSpec = await this.worker.request('dataSpec', { kind: this.kind, settings: this.valid ? this.settings : {} });
    } catch (err) {
      if (!(err instanceof WorkerError) || err.kind !== 'error') throw err;
      this.dataSpec = null;
    }
    this.showDataHelp(this.dataSpec);
    const cols = this.dataSpec?.columns.map((c) => c.name) ?? ['x1', 'x2', 'y'];
    const example = cols.map((c, i) => (c === 'y' ? (this.dataSpec.columns[i].label ? '1' : '0.8') : String(0.5 - i))).join(',');
    this.dataUi.text.placeholder = `${cols.join(',')}\n${example}\n…`;
    // The seeded data's controls, shown as not used by the spec's list, when data came first.
    if (this.valid) this.updateDataState();
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
      <p class="data-help" id="${id}-help"></p>
      <details class="data-more" hidden><summary>File format</summary><p></p></details>`;
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
    this.dataUi = { row, file, paste, text: $('.data-paste textarea'), summary: $('.data-summary'), help: $('.data-help'), more: $('.data-more p'), moreBox: $('.data-more'), asked: $('.data-asked'), askedText: $('.data-asked-text'), builtin: $('.data-builtin'), toggle: $('.data-paste-toggle') };
    this.showDataHelp(null);
    // Asked now: the worker answers before the first run's request, so the spec is known by then.
    this.refreshDataSpec().catch((err) => this.fail(err));
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
    // Files only, and only where the control is shown (a teacher's `controls=`/`hide=` may leave it out).
    const hasFiles = (e) => !this.controls.data?.row.hidden && [...(e.dataTransfer?.types ?? [])].includes('Files');
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

  /** The largest file accepted, in bytes: the core's limit. */
  get maxDataBytes() {
    return this.dataSpec?.maxBytes ?? MAX_FILE_BYTES;
  }

  /** Public API: use the CSV file `file` (a File or Blob) as the data; resolves to `{ok, error?}`.
      A file larger than the core's limit is refused before it is read. */
  async loadDataFile(file) {
    await this.ready;
    const name = file.name || null;
    const max = this.maxDataBytes;
    if (file.size > max) {
      const error = `${name ?? 'the file'}: file too large: ${file.size.toLocaleString('en')} bytes (at most ${MIB(max)} = ${max.toLocaleString('en')} bytes)`;
      this.dataError(`${error}. Nothing was changed.`);
      return { ok: false, error };
    }
    // The bytes, so the core checks the UTF-8 itself (and names the line of a bad byte).
    return this.loadDataText(new Uint8Array(await file.arrayBuffer()), { name, origin: 'file' });
  }

  /**
   * Public API: use the CSV `text` (a string, or a file's bytes as a Uint8Array) as the data;
   * `name` is the file's name, if any. The core parses it (the CLI's parser); a valid file sets
   * the `data` setting in one change, a bad one shows the parser's message (its line and
   * column) at the control and changes nothing. Resolves to `{ok, error?, parsed?}`.
   */
  async loadDataText(text, { name = null, origin = 'paste' } = {}) {
    await this.ready;
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text).length : text.length;
    const what = name ?? (origin === 'paste' ? 'the pasted text' : 'the file');
    const max = this.maxDataBytes;
    if (bytes > max) {
      const error = `${what}: too large: ${bytes.toLocaleString('en')} bytes (at most ${MIB(max)} = ${max.toLocaleString('en')} bytes)`;
      this.dataError(`${error}. Nothing was changed.`);
      return { ok: false, error };
    }
    const parse = (settings) => this.worker.request('parseData', { kind: this.kind, text, settings });
    let parsed, task = null;
    try {
      parsed = await parse(this.settings);
    } catch (err) {
      if (!(err instanceof WorkerError) || err.kind !== 'error') throw err;
      // A file of the other task family (x, y on a classification task, or x1, x2, y on the
      // regression task): the core's columns for the other one, and the task with the data.
      const other = this.otherTask(err.message);
      if (other) parsed = await parse({ ...this.settings, task: other }).then((p) => { task = other; return p; }, () => null);
      if (!parsed) {
        const error = `${what}: ${err.message}`;
        this.dataError(`${error}. Nothing was changed.`);
        return { ok: false, error };
      }
    }
    const value = String(parsed.value);
    // The link's compact form, made now so the hash written with the change is already short.
    await this.dataLinkValue(value, { wait: true });
    // A batch larger than the file's training set is cut to it (a batch is at most N), with the
    // data, in the same change; the summary says so.
    const batches = Object.fromEntries(this.fields.filter((f) => f.kind === 'integer' && /batch/i.test(f.name) && this.valid[f.name] > parsed.trainRows).map((f) => [f.name, String(parsed.trainRows)]));
    this.pendingDataSource = { name, origin, parsed, task, batches };
    let r;
    try {
      r = await this.applySettings({ ...(task ? { task } : {}), ...batches, data: value });
    } finally {
      this.pendingDataSource = null;
    }
    const bad = r.errors.find((e) => e.field === 'data');
    if (bad || !this.valid.data) {
      const error = `${what}: ${bad?.message ?? r.errors.map((e) => e.message).join('; ')}`;
      this.dataError(`${error}. Nothing was changed.`);
      return { ok: false, error, errors: r.errors };
    }
    if (origin === 'paste' && this.dataUi) { this.dataUi.paste.hidden = true; this.dataUi.toggle.setAttribute('aria-expanded', 'false'); }
    return { ok: r.ok, errors: r.errors, parsed };
  }

  /** The task of the other family when the parser's `message` says a column is missing and
      this kind has a regression task beside classification ones; else null. */
  otherTask(message) {
    const f = this.fields.find((x) => x.name === 'task' && x.kind === 'choice');
    if (!f || !/^missing column/.test(message) || this.seededDataFields().includes('task')) return null;
    const names = f.options.map(([v]) => v);
    if (!names.includes('regression')) return null;
    if (this.valid.task !== 'regression') return 'regression';
    return f.default !== 'regression' ? f.default : names.find((n) => n !== 'regression');
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
    const prev = this.dataSource;
    const pending = this.pendingDataSource;
    // Where the data of this change come from, set before the run is made (its readout says
    // "your data"), and put back if the data do not change (rejected, or the same).
    const incoming = 'data' in changes ? String(changes.data).trim() : options.replace ? '' : before;
    const source = !incoming ? null
      : pending ? { ...pending }
        : linkName !== undefined ? { name: linkName === UNNAMED ? null : linkName, origin: options.dataOrigin ?? 'link' }
          // Changed some other way (clicking points in, setSettings, a settings file).
          : { name: prev?.name ?? null, origin: options.dataOrigin ?? (prev ? 'edited' : 'setting') };
    if (incoming !== before || options.initial || pending) this.dataSource = source;
    let r;
    try {
      r = await super.applyNow(changes, { ...options, extraErrors });
    } catch (err) {
      this.dataSource = prev;
      throw err;
    }
    const now = this.valid.data;
    // The core writes the data in its own spelling: its link form is that of the text given.
    if (now && !this.dataLinkCache.has(now) && this.dataLinkCache.has(changes.data)) this.dataLinkCache.set(now, this.dataLinkCache.get(changes.data));
    if (now === before && !options.initial && !(pending && now)) this.dataSource = prev;
    if (!now) this.dataSource = null;
    if (now && now !== before) this.dataAskedName = null;
    // A link that named a file without its data: ask for the file; the built-in data runs.
    if (linkName && !now && !('data' in changes)) this.dataAskedName = linkName;
    if (linkName === null || ('data' in changes && !changes.data)) this.dataAskedName = null;
    if (now !== before || options.initial || linkName !== undefined) this.dataError(r.errors.find((e) => e.field === 'data')?.message ?? '');
    this.updateDataState();
    // The hash again, now with the data's name (the change wrote it before the name was known).
    if (this.urlKey && (now !== before || linkName !== undefined)) this.writeHash();
    if (this.dataUi && (options.initial || 'task' in changes || !this.dataSpec)) await this.refreshDataSpec();
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
    // A link that asked for its file (not loaded yet) still names it.
    if (this.dataField && !('data' in settings) && this.dataAskedName) return { ...settings, dataName: this.dataAskedName };
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
    if (!this.ownData) return null;
    const src = this.dataSource ?? {};
    const from = src.name ? ` from ${src.name}` : '';
    const p = src.parsed;
    if (p) {
      // The core's line ("your data: 60 train, 20 test (…); columns x1, x2, y; ignored: id"),
      // with the file's name after the counts and the task the file chose.
      const [head, ...rest] = String(p.summary).split('; ');
      const task = src.task ? `; task set to ${src.task} for its columns` : '';
      const cut = Object.keys(src.batches ?? {}).map((n) => `; ${n} set to ${src.batches[n]} (its training rows)`).join('');
      return [`${head}${from}`, ...rest].join('; ') + task + cut;
    }
    const n = rowCount(this.valid.data);
    const how = { link: ' (from the link)', settings: ' (from the settings file)', edited: ' (edited)' }[src.origin] ?? ' (the “data” setting)';
    return `your data: ${n} rows${from}${how}`;
  }

  /** Bring the control, the badge and the seeded-data controls up to the settings in use. */
  updateDataState() {
    const ui = this.dataUi;
    if (!ui) return;
    const summary = this.dataSummary();
    const on = Boolean(summary);
    this.toggleAttribute('own-data', on);
    ui.summary.textContent = on ? `In use: ${summary}.` : this.valid.data ? 'In use: the built-in data, edited on the figure.' : 'In use: the built-in data (drawn from the seed).';
    ui.builtin.disabled = !this.valid.data;
    this.dataBadge.hidden = !on;
    this.dataBadge.textContent = on ? `${summary[0].toUpperCase()}${summary.slice(1)}` : '';
    ui.asked.hidden = !this.dataAskedName;
    const asked = this.dataAskedName === UNNAMED ? 'This link used your own data, too large to travel in a link: load the file again' : `This link used your data file “${this.dataAskedName}”: load it again`;
    ui.askedText.textContent = this.dataAskedName ? `${asked} (the built-in data is shown until then).` : '';
    for (const name of this.seededDataFields()) this.setControlDisabled(name, this.widgetDisabled?.[name] ?? null);
  }

  /**
   * Your data is in use: a file, pasted text or a link's data (or any `data` setting of a kind
   * whose points are not edited on the figure). A widget whose figure edits the seeded set
   * (`static editableData = true`, the logistic-regression posterior) keeps that set's
   * behaviour for its edits: its seeded-data settings stay in use and regenerate it.
   */
  get ownData() {
    if (!this.valid?.data) return false;
    if (!this.constructor.editableData) return true;
    const s = this.dataSource;
    return Boolean(s && (s.name || ['file', 'paste', 'link', 'settings'].includes(s.origin)));
  }

  /** The training-set size in use: your data's training rows (rows whose `test` column is 0,
      where the kind has a test set), else the `trainPoints` setting. */
  trainingRows() {
    if (!this.ownData) return this.valid.trainPoints;
    const p = this.dataSource?.parsed;
    if (p) return p.trainRows;
    const rows = String(this.valid.data).split(';').map((r) => r.trim().split(/\s+/)).filter((r) => r.length > 1);
    return this.dataSpec?.hasTest ? rows.filter((r) => Number(r.at(-1)) === 0).length : rows.length;
  }

  /** The settings that make the seeded data set, unused while your data is given (the core's
      `dataSpec`: "Empty: the seeded data of …" in each kind's `data` help). */
  seededDataFields() {
    return this.dataSpec?.seededSettings ?? [];
  }

  /** A control disabled by the widget keeps its reason; while your data is given, the seeded
      data's controls say they are not used. */
  setControlDisabled(name, reason) {
    this.widgetDisabled ??= {};
    this.widgetDisabled[name] = reason;
    const unused = this.ownData && this.seededDataFields().includes(name);
    super.setControlDisabled(name, unused ? 'not used: your data is in use (“Use the built-in data” to change it)' : reason);
  }
};
