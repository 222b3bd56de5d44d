// <noiselab-exercise src="…/exercises/funnel.json" exercise="funnel-more-noise">: "predict, then
// run" (docs/exercises.md). It shows the question and a prediction input; Run is enabled once a
// prediction is committed. Run embeds the exercise's widget (<noiselab-<kind>>, its settings
// controls hidden), runs each of the exercise's labelled settings in turn to its end, and checks
// the prediction against the numbers those runs read out (www/lib/exercise-check.js), with the
// explanation in the lecture's terms. Answers are kept in this browser (localStorage, no server);
// "Download exit ticket" saves every answered exercise as JSON with each run's link.
// Nothing is computed until Run is pressed: the element itself fetches only its (small) file.
import { evaluate, answerLabel, formatQuantity, validateFile } from '../lib/exercise-check.js';
import { loadWidget } from '../lib/registry.js';
import { download, toJson } from '../lib/export.js';
import { BASE_CSS } from '../lib/widget-css.js';
import { camelToKebab } from '../lib/settings.js';

/** localStorage key of every answer on this origin: {version, answers: {id: record}}. */
export const STORAGE_KEY = 'noiselab-exercises';

const files = new Map(); // absolute URL → Promise of the parsed, validated file

/** The exercise file at `url` (fetched once per page). */
export function loadExerciseFile(url) {
  const href = new URL(url, document.baseURI).href;
  if (!files.has(href)) {
    files.set(href, fetch(href).then((r) => {
      if (!r.ok) throw new Error(`${href}: HTTP ${r.status}`);
      return r.json();
    }).then((file) => {
      const errs = validateFile(file);
      if (errs.length) throw new Error(`${href}: ${errs.join('; ')}`);
      return file;
    }));
  }
  return files.get(href);
}

function readStore() {
  try {
    const s = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return s && typeof s === 'object' && s.answers ? s : { version: 1, answers: {} };
  } catch {
    return { version: 1, answers: {} };
  }
}

function writeStore(update) {
  const s = readStore();
  update(s.answers);
  try { localStorage.setItem(STORAGE_KEY, JSON.stringify(s)); } catch { /* storage full or disabled: the page still works */ }
}

/** The exit ticket: every answer stored on this origin, as one JSON document (docs/exercises.md). */
export function exitTicket() {
  const answers = Object.values(readStore().answers).sort((a, b) => String(a.committedAt).localeCompare(String(b.committedAt)));
  return { format: 'noiselab-exit-ticket', version: 1, createdAt: new Date().toISOString(), page: location.href.split('#')[0], exercises: answers };
}

/** Download the exit ticket. */
export function downloadExitTicket() {
  download(`noiselab-exit-ticket-${new Date().toISOString().slice(0, 10)}.json`, toJson(exitTicket()), 'application/json');
}

/** Fill `block` (an element with data-exercises="…json") with one <noiselab-exercise> per
    exercise of the file (the lecture page's "Predict, then run" blocks). */
export async function fillBlock(block) {
  const src = block.dataset.exercises;
  const file = await loadExerciseFile(src);
  for (const ex of file.exercises) {
    const el = document.createElement('noiselab-exercise');
    el.setAttribute('src', src);
    el.setAttribute('exercise', ex.id);
    block.append(el);
  }
}

const EXERCISE_CSS = `
:host { margin: 14px 0; }
.exercise { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 12px 14px; }
.kicker { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.question { margin: 0 0 10px; font-size: 15px; line-height: 1.5; }
fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
legend { font-weight: 600; margin-bottom: 6px; padding: 0; }
.option { display: flex; gap: 8px; align-items: flex-start; margin: 4px 0; }
.option input { margin-top: 3px; accent-color: var(--accent); }
.number { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.number input { width: 8em; font: inherit; padding: 4px 6px; border: 1px solid var(--border); border-radius: 5px; }
.hint { font-size: 12px; color: var(--muted); }
.committed { margin: 8px 0 0; font-weight: 600; }
.committed:empty, .progress:empty { display: none; }
.progress { color: var(--muted); margin: 6px 0; }
.runs { list-style: none; margin: 6px 0; padding: 0; display: grid; gap: 4px; font-size: 13px; }
.runs:empty { display: none; }
.runs a { color: var(--accent); }
.stage:empty { display: none; }
.stage { margin-top: 8px; }
.result { margin-top: 10px; padding: 10px 12px; border-radius: 8px; border-left: 4px solid var(--muted); background: rgba(127,127,127,0.08); }
.result[data-grade="correct"] { border-color: #009E73; }
.result[data-grade="incorrect"] { border-color: #D55E00; }
.result[data-grade="too-close"] { border-color: #E69F00; }
.verdict-line { font-weight: 700; margin: 0 0 6px; }
.explanation { margin: 0 0 8px; line-height: 1.5; }
caption { text-align: left; caption-side: top; padding-bottom: 2px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; }
th { font-weight: 400; color: var(--muted); }
.error-text { color: var(--bad); }
`;

const KIND_WORDS = { choice: 'Choose one', sign: 'Which sign?', larger: 'Which is larger?', number: 'A number' };

class NoiselabExercise extends HTMLElement {
  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    const sheets = [BASE_CSS, EXERCISE_CSS].map((css) => { const s = new CSSStyleSheet(); s.replaceSync(css); return s; });
    this.root.adoptedStyleSheets = sheets;
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject; });
    this.ready.catch(() => {});
    this.running = null;
  }

  get src() { return this.getAttribute('src'); }
  get exerciseId() { return this.getAttribute('exercise'); }

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    this.load().then(() => this.resolveReady(), (err) => {
      this.root.innerHTML = `<div class="exercise"><p class="error-text" role="alert"></p></div>`;
      this.root.querySelector('p').textContent = `This exercise could not be loaded: ${err.message}`;
      this.rejectReady(err);
    });
  }

  async load() {
    const file = await loadExerciseFile(this.src);
    const ex = file.exercises.find((e) => e.id === this.exerciseId) ?? (this.exerciseId ? null : file.exercises[0]);
    if (!ex) throw new Error(`no exercise "${this.exerciseId}" in ${this.src}; it has ${file.exercises.map((e) => e.id).join(', ')}`);
    this.file = file;
    this.ex = ex;
    this.render();
    this.restore();
  }

  /** This exercise's stored record (prediction, outcome, …), or null. */
  get record() { return readStore().answers[this.ex.id] ?? null; }

  render() {
    const ex = this.ex, p = ex.prediction, uid = `ex-${ex.id}`;
    const input = p.kind === 'number'
      ? `<div class="number"><label for="${uid}-n">${esc(p.prompt)}</label>
          <input id="${uid}-n" name="prediction" type="number" inputmode="decimal" required
            ${p.min !== undefined ? `min="${p.min}"` : ''} ${p.max !== undefined ? `max="${p.max}"` : ''} step="${p.step ?? 'any'}" aria-describedby="${uid}-hint">
          <span class="hint" id="${uid}-hint">checked within ±${p.tolerance ?? 0}${p.relative ? ` + ${p.relative * 100}%` : ''} (plus 2 standard errors where the number is random)</span></div>`
      : `<fieldset><legend>${esc(p.prompt ?? KIND_WORDS[p.kind])}</legend>
          ${p.options.map((o, i) => `<div class="option"><input type="radio" id="${uid}-${i}" name="prediction" value="${esc(o.id)}" required><label for="${uid}-${i}">${esc(o.label)}</label></div>`).join('')}
        </fieldset>`;
    this.root.innerHTML = `
      <div class="exercise" part="exercise" role="group" aria-labelledby="${uid}-q">
        <p class="kicker">Predict, then run</p>
        <p class="question" id="${uid}-q">${esc(ex.question)}</p>
        <form class="predict" novalidate>
          ${input}
          <p class="error-text" role="alert" hidden></p>
          <div class="buttons"><button type="submit" class="primary commit">Commit prediction</button></div>
        </form>
        <p class="committed" role="status" aria-live="polite"></p>
        <div class="buttons actions">
          <button type="button" class="run" disabled aria-describedby="${uid}-why">Run</button>
          <button type="button" class="again" hidden>Try again</button>
          <button type="button" class="ticket">Download exit ticket</button>
          <span class="hint" id="${uid}-why">Commit a prediction first; then Run shows the experiment.</span>
        </div>
        <p class="progress" role="status" aria-live="polite"></p>
        <ul class="runs" aria-label="runs"></ul>
        <div class="result" role="status" aria-live="polite" hidden></div>
        <div class="stage"></div>
      </div>`;
    this.$ = (s) => this.root.querySelector(s);
    this.form = this.$('form');
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.commit(); });
    this.$('.run').addEventListener('click', () => this.run().catch(() => {})); // (the message says why)
    this.$('.again').addEventListener('click', () => this.tryAgain());
    this.$('.ticket').addEventListener('click', () => downloadExitTicket());
  }

  /** The prediction in the form, or an error message. */
  readPrediction() {
    const p = this.ex.prediction;
    if (p.kind === 'number') {
      const el = this.form.elements.prediction;
      const v = el.value.trim() === '' ? NaN : Number(el.value);
      if (!Number.isFinite(v)) return { error: 'Type a number first.' };
      if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) return { error: `The number must be between ${p.min} and ${p.max}.` };
      return { value: v };
    }
    const checked = this.form.querySelector('input[name=prediction]:checked');
    return checked ? { value: checked.value } : { error: 'Choose one answer first.' };
  }

  /** Public API: commit a prediction (the form's, or `value`); resolves once stored. */
  commit(value) {
    if (value !== undefined) this.setFormValue(value);
    const r = this.readPrediction();
    const err = this.$('form .error-text');
    err.hidden = !r.error;
    err.textContent = r.error ?? '';
    if (r.error) return false;
    const rec = { id: this.ex.id, section: this.file.section, source: this.src, question: this.ex.question, widget: this.ex.widget,
      prediction: { kind: this.ex.prediction.kind, answer: r.value, label: answerLabel(this.ex, r.value) }, committedAt: new Date().toISOString() };
    writeStore((a) => { a[this.ex.id] = rec; });
    this.showCommitted(rec);
    this.$('.run').focus();
    return true;
  }

  setFormValue(value) {
    if (this.ex.prediction.kind === 'number') this.form.elements.prediction.value = String(value);
    else for (const i of this.form.querySelectorAll('input[name=prediction]')) i.checked = i.value === String(value);
  }

  showCommitted(rec) {
    this.setFormValue(rec.prediction.answer);
    for (const el of this.form.querySelectorAll('input, button')) el.disabled = true;
    this.$('.committed').textContent = `Your prediction: ${rec.prediction.label}.`;
    this.$('.run').disabled = false;
    this.$('#' + CSS.escape(`ex-${this.ex.id}-why`)).textContent = this.ex.runs.length > 1
      ? `Run computes ${this.ex.runs.length} runs in turn: ${this.ex.runs.map((r) => r.label).join('; ')}.`
      : `Run computes: ${this.ex.runs[0].label}.`;
    this.$('.again').hidden = false;
  }

  restore() {
    const rec = this.record;
    if (!rec) return;
    this.showCommitted(rec);
    if (rec.grade) {
      this.showRuns(rec.runs, rec.measured);
      this.showResult(rec);
    }
  }

  /** Public API: run the exercise's runs in the embedded widget and check the prediction.
      Resolves to the stored record. */
  run() {
    if (this.running) return this.running;
    const rec = this.record;
    if (!rec) return Promise.reject(new Error('commit a prediction first'));
    this.running = this.doRun(rec).finally(() => { this.running = null; });
    return this.running;
  }

  async doRun(rec) {
    const ex = this.ex, runBtn = this.$('.run'), progress = this.$('.progress');
    runBtn.disabled = true;
    this.$('.again').disabled = true;
    this.$('.result').hidden = true;
    this.$('.runs').replaceChildren();
    const tag = `noiselab-${ex.widget}`;
    try {
      progress.textContent = 'Loading the experiment…';
      await loadWidget(tag);
      this.$('.stage').replaceChildren();
      const w = document.createElement(tag);
      // The first run's settings from the start; the settings controls are hidden (the check is
      // made from exactly these runs), the run buttons, link and export stay.
      for (const [k, v] of Object.entries({ ...ex.runs[0].settings, ...(ex.runs[0].view ?? {}) })) w.setAttribute(camelToKebab(k), String(v));
      w.setAttribute('controls', 'none');
      this.$('.stage').append(w);
      this.widget = w;
      w.scrollIntoView?.({ block: 'nearest' });
      await w.ready;
      const docs = [], runs = [];
      for (const [i, r] of ex.runs.entries()) {
        progress.textContent = `Running ${ex.runs.length > 1 ? `${i + 1} of ${ex.runs.length}: ` : ''}${r.label}…`;
        const res = await w.setSettings({ preset: 'default', ...r.settings, ...(r.view ?? {}) });
        if (!res.ok) throw new Error(`the settings of run "${r.label}" were refused: ${res.errors.map((e) => e.message).join('; ')}`);
        if (w.constructor.runControls) await w.runToEnd(); else await w.settled();
        docs.push(w.exportData());
        runs.push({ label: r.label, settings: w.exportHead().settings, link: w.shareText() });
        this.showRuns(runs);
      }
      this.widgetDocs = docs; // (the runs' documents, as the check read them)
      const result = evaluate(ex, docs, rec.prediction.answer);
      const done = {
        ...rec,
        outcome: result.outcome,
        outcomeLabel: answerLabel(ex, result.outcome),
        grade: result.grade,
        explanation: result.explanation,
        measured: Object.fromEntries(Object.entries(result.measured).map(([n, q]) => [n, { label: q.label, value: q.value, se: q.se, text: formatQuantity(q) }])),
        runs,
        completedAt: new Date().toISOString(),
      };
      writeStore((a) => { a[ex.id] = done; });
      progress.textContent = '';
      this.showRuns(runs, done.measured);
      this.showResult(done);
      this.dispatchEvent(new CustomEvent('noiselab-exercise-checked', { detail: done, bubbles: true, composed: true }));
      return done;
    } catch (err) {
      progress.textContent = `The run failed: ${err?.message ?? err}. Press Run to try again.`;
      throw err;
    } finally {
      runBtn.disabled = false;
      this.$('.again').disabled = false;
    }
  }

  /** The runs list: each run's label, its link and, once checked, the quantities read from it. */
  showRuns(runs, measured = null) {
    const own = (i) => Object.entries(this.ex.quantities).filter(([, q]) => (q.path || q.column) && this.runIndex(q.run) === i)
      .map(([n]) => measured?.[n]).filter(Boolean).map((q) => `${q.label} = ${q.text}`);
    this.$('.runs').replaceChildren(...(runs ?? []).map((r, i) => {
      const li = document.createElement('li');
      const values = own(i);
      li.append(`Run ${i + 1}: ${r.label}${values.length ? `: ${values.join(', ')}` : ' (done)'} · `);
      const a = document.createElement('a');
      a.href = r.link;
      a.textContent = 'link to this run';
      a.target = '_blank';
      a.rel = 'noopener';
      li.append(a);
      return li;
    }));
  }

  runIndex(run) {
    if (run === undefined) return 0;
    return typeof run === 'number' ? run : this.ex.runs.findIndex((r) => r.label === run);
  }

  showResult(rec) {
    const box = this.$('.result');
    box.dataset.grade = rec.grade;
    const verdict = rec.grade === 'correct' ? 'Correct.' : rec.grade === 'too-close' ? 'Too close to call.' : 'Not what the run shows.';
    const says = this.ex.prediction.kind === 'number'
      ? `The run measured ${rec.measured[this.ex.check.value]?.label}: ${rec.measured[this.ex.check.value]?.text}`
      : `The run says: ${rec.outcomeLabel}`;
    box.innerHTML = `<p class="verdict-line"></p><p class="explanation"></p><table><caption class="hint">Measured in the run${rec.runs?.length > 1 ? 's' : ''}</caption><tbody></tbody></table>`;
    box.querySelector('.verdict-line').textContent = `${verdict} You predicted: ${rec.prediction.label}. ${says}.`;
    box.querySelector('.explanation').textContent = rec.explanation;
    box.querySelector('tbody').replaceChildren(...Object.values(rec.measured).map((q) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th'); th.scope = 'row'; th.textContent = q.label;
      const td = document.createElement('td'); td.textContent = q.text;
      tr.append(th, td);
      return tr;
    }));
    box.hidden = false;
  }

  /** Public API: forget this exercise's answer and start again. */
  tryAgain() {
    writeStore((a) => { delete a[this.ex.id]; });
    this.widget?.remove();
    this.widget = null;
    this.render();
    this.form.querySelector('input')?.focus();
  }
}

function esc(s) {
  return String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

if (!customElements.get('noiselab-exercise')) customElements.define('noiselab-exercise', NoiselabExercise);
