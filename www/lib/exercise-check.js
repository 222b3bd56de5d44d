// The check of a "predict, then run" exercise (www/exercises/<section>.json, docs/exercises.md):
// pure functions, no DOM, importable in Node. An exercise names quantities the widget reads out
// (paths into its exported document: settings, history, snapshot, summary, …), a check over them
// written as data (one of the verbs below), the stated answer, and explanations with {name}
// placeholders. The same code runs in <noiselab-exercise> on the runs the student just saw and in
// the seeds test on the CLI's documents of the same settings (tests/exercises-seeds.spec.mjs):
// the export and the CLI write one document, key for key (tests/files.spec.mjs checks it).

/** Prediction kinds and the answers each can take ("too-close" is never a prediction). */
export const PREDICTION_KINDS = ['choice', 'number', 'sign', 'larger'];
/** Check verbs (one per check object). */
export const CHECK_VERBS = ['sign', 'larger', 'smallest', 'largest', 'bins', 'value'];
/** Derived quantities (one key per quantity besides label/digits/unit). */
export const DERIVED = ['ratio', 'difference', 'distance', 'abs'];
export const TOO_CLOSE = 'too-close';

/** `doc` at a dotted path ("snapshot.bands.4.widthBetween"); undefined when absent. */
export function at(doc, path) {
  let v = doc;
  for (const seg of String(path).split('.')) {
    if (v === null || v === undefined) return undefined;
    v = v[/^\d+$/.test(seg) && Array.isArray(v) ? Number(seg) : seg];
  }
  return v;
}

/** A row of a document's table (history by default), as field → value: rows matching `where`
    (field → value), then `pick` = last | first | max:<field> | min:<field>. */
function rowOf(doc, q) {
  const fields = doc[q.fields ?? 'historyFields'] ?? [];
  const rows = (doc[q.table ?? 'history'] ?? []).map((r) => (Array.isArray(r) ? Object.fromEntries(fields.map((f, i) => [f, r[i]])) : r));
  const match = rows.filter((r) => Object.entries(q.where ?? {}).every(([f, v]) => r[f] === v));
  if (!match.length) return undefined;
  const pick = q.pick ?? 'last';
  if (pick === 'first') return match[0];
  if (pick === 'last') return match[match.length - 1];
  const [how, field] = pick.split(':');
  return match.reduce((best, r) => ((how === 'max' ? r[field] > best[field] : r[field] < best[field]) ? r : best));
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The run index a quantity refers to: a number, a run's label, or 0. */
function runIndex(ex, run) {
  if (run === undefined) return 0;
  if (typeof run === 'number') return run;
  const i = ex.runs.findIndex((r) => r.label === run);
  if (i < 0) throw new Error(`exercise ${ex.id}: no run labelled "${run}"`);
  return i;
}

/**
 * Every quantity of `ex` measured on `docs` (one document per run, in the order of
 * `ex.runs`): name → {value, se, label, digits, unit}. `se` is null for a quantity without a
 * standard error (deterministic at its seed). Derived quantities propagate the SEs of their
 * parts as if independent.
 */
export function measure(ex, docs) {
  const out = {};
  const get = (name) => {
    if (out[name]) return out[name];
    const q = ex.quantities?.[name];
    if (!q) throw new Error(`exercise ${ex.id}: unknown quantity "${name}"`);
    let value = null, se = null;
    if (q.path || q.column) {
      const doc = docs[runIndex(ex, q.run)];
      if (!doc) throw new Error(`exercise ${ex.id}: quantity "${name}" needs run ${q.run ?? 0}, which has no document`);
      if (q.column) {
        const row = rowOf(doc, q);
        value = num(row?.[q.column]);
        se = q.seColumn ? num(row?.[q.seColumn]) : null;
      } else {
        value = num(at(doc, q.path));
        se = q.se ? num(at(doc, q.se)) : null;
      }
    } else if (q.ratio || q.difference || q.distance) {
      const [a, b] = (q.ratio ?? q.difference ?? q.distance).map(get);
      if (a.value !== null && b.value !== null) {
        if (q.ratio) {
          value = a.value / b.value;
          const ra = a.se !== null ? a.se / a.value : 0, rb = b.se !== null ? b.se / b.value : 0;
          se = a.se === null && b.se === null ? null : Math.abs(value) * Math.hypot(ra, rb);
        } else {
          value = a.value - b.value;
          if (q.distance) value = Math.abs(value);
          se = a.se === null && b.se === null ? null : Math.hypot(a.se ?? 0, b.se ?? 0);
        }
      }
    } else if (q.abs) {
      const a = get(q.abs);
      value = a.value === null ? null : Math.abs(a.value);
      se = a.se;
    } else {
      throw new Error(`exercise ${ex.id}: quantity "${name}" has no path, column or derivation (${DERIVED.join(', ')})`);
    }
    if (value === null) throw new Error(`exercise ${ex.id}: quantity "${name}" is missing or not finite in the run's document`);
    out[name] = { value, se, label: q.label ?? name, digits: q.digits ?? 3, unit: q.unit ?? '' };
    return out[name];
  };
  for (const name of Object.keys(ex.quantities ?? {})) get(name);
  return out;
}

/** A measured value as text: "0.58 ± 0.08" (± 1 SE) or "9.80". */
export function formatQuantity(m) {
  const f = (x) => {
    if (x === 0) return '0';
    const a = Math.abs(x);
    if (a >= 1e4 || a < 1e-3) return x.toExponential(Math.max(1, m.digits - 1));
    return x.toFixed(Math.max(0, m.digits - 1 - Math.floor(Math.log10(a))));
  };
  return `${f(m.value)}${m.se !== null ? ` ± ${f(m.se)}` : ''}${m.unit ? ` ${m.unit}` : ''}`;
}

/** Two values whose difference is within 2 SE (or within the relative `margin` when neither
    has an SE) are too close to call. */
function tooClose(a, b, margin = 0) {
  const se = Math.hypot(a.se ?? 0, b.se ?? 0);
  const d = Math.abs(a.value - b.value);
  if (se > 0) return d <= 2 * se;
  return d <= margin * Math.max(Math.abs(a.value), Math.abs(b.value));
}

/**
 * What the run says, from the measured quantities: the answer it gives in the prediction's terms
 * (a choice id, "positive"/"negative", a quantity's name for "larger", a number), or "too-close".
 */
export function outcomeOf(ex, measured) {
  const c = ex.check;
  const verb = CHECK_VERBS.find((v) => v in c);
  const m = (name) => {
    if (!measured[name]) throw new Error(`exercise ${ex.id}: the check names the unknown quantity "${name}"`);
    return measured[name];
  };
  if (verb === 'sign') {
    const q = m(c.sign);
    if (Math.abs(q.value) <= (q.se !== null ? 2 * q.se : (c.margin ?? 0))) return TOO_CLOSE;
    return q.value > 0 ? 'positive' : 'negative';
  }
  if (verb === 'larger') {
    const [a, b] = c.larger;
    if (tooClose(m(a), m(b), c.margin)) return TOO_CLOSE;
    return m(a).value > m(b).value ? a : b;
  }
  if (verb === 'smallest' || verb === 'largest') {
    const names = c[verb];
    const sorted = [...names].sort((x, y) => (verb === 'smallest' ? m(x).value - m(y).value : m(y).value - m(x).value));
    if (tooClose(m(sorted[0]), m(sorted[1]), c.margin)) return TOO_CLOSE;
    return sorted[0];
  }
  if (verb === 'bins') {
    const q = m(c.bins);
    const { edges, choices } = c;
    if (choices.length !== edges.length + 1) throw new Error(`exercise ${ex.id}: bins need one choice more than edges`);
    for (const e of edges) if (tooClose(q, { value: e, se: null }, c.margin)) return TOO_CLOSE;
    return choices[edges.filter((e) => q.value > e).length];
  }
  if (verb === 'value') return m(c.value).value;
  throw new Error(`exercise ${ex.id}: the check must be one of ${CHECK_VERBS.join(', ')}`);
}

/** "correct", "incorrect" or "too-close": a prediction against the run's outcome. A number is
    correct within the prediction's tolerance (absolute, or `relative` to the value) plus 2 SE. */
export function grade(ex, measured, outcome, prediction) {
  if (ex.prediction.kind === 'number') {
    const q = measured[ex.check.value];
    const p = Number(prediction);
    if (!Number.isFinite(p)) return 'incorrect';
    const tol = (ex.prediction.tolerance ?? 0) + (ex.prediction.relative ?? 0) * Math.abs(q.value) + 2 * (q.se ?? 0);
    return Math.abs(p - q.value) <= tol ? 'correct' : 'incorrect';
  }
  if (outcome === TOO_CLOSE) return TOO_CLOSE;
  return String(prediction) === String(outcome) ? 'correct' : 'incorrect';
}

/** `template` with each {name} replaced by the measured quantity as text ("0.58 ± 0.08"). */
export function fill(template, measured) {
  return String(template ?? '').replace(/\{([A-Za-z0-9_]+)\}/g, (all, name) => (measured[name] ? formatQuantity(measured[name]) : all));
}

/** The label of an answer in the prediction's terms (for the feedback and the exit ticket). */
export function answerLabel(ex, answer) {
  const p = ex.prediction;
  if (answer === TOO_CLOSE) return 'too close to call';
  if (p.kind === 'number') return String(answer);
  return p.options?.find((o) => o.id === String(answer))?.label ?? String(answer);
}

/**
 * The whole check: `docs` are the runs' documents (widget exports or CLI output, any order of
 * keys) in the order of `ex.runs`, `prediction` the student's committed answer. Returns
 * {measured, outcome, grade, explanation, values} where `values` is name → text.
 */
export function evaluate(ex, docs, prediction) {
  const measured = measure(ex, docs);
  const outcome = outcomeOf(ex, measured);
  const g = grade(ex, measured, outcome, prediction);
  const key = ex.prediction.kind === 'number' ? g : String(outcome);
  const explanation = [fill(ex.explanation?.[key] ?? '', measured), fill(ex.explanation?.always ?? '', measured)].filter(Boolean).join(' ');
  const values = Object.fromEntries(Object.entries(measured).map(([n, q]) => [n, formatQuantity(q)]));
  return { measured, outcome, grade: g, explanation, values };
}

/** Problems with an exercise file (empty when valid): fields, kinds, names, answers. */
export function validateFile(file) {
  const errs = [];
  if (!file || typeof file !== 'object') return ['the file must hold a JSON object'];
  if (typeof file.section !== 'string') errs.push('"section" (the lecture section id) is missing');
  if (!Array.isArray(file.exercises) || !file.exercises.length) errs.push('"exercises" must be a non-empty array');
  const ids = new Set();
  for (const ex of file.exercises ?? []) {
    const where = `exercise ${ex.id ?? '(no id)'}`;
    if (typeof ex.id !== 'string' || !/^[a-z0-9-]+$/.test(ex.id)) errs.push(`${where}: "id" must be lower-case letters, digits and dashes`);
    if (ids.has(ex.id)) errs.push(`${where}: duplicate id`);
    ids.add(ex.id);
    for (const f of ['question', 'widget']) if (typeof ex[f] !== 'string' || !ex[f]) errs.push(`${where}: "${f}" is missing`);
    if (!Array.isArray(ex.runs) || !ex.runs.length) errs.push(`${where}: "runs" must list at least one run`);
    for (const r of ex.runs ?? []) {
      if (typeof r.label !== 'string') errs.push(`${where}: every run needs a "label"`);
      if (!r.settings || typeof r.settings !== 'object') errs.push(`${where}: run "${r.label}" needs "settings"`);
    }
    const p = ex.prediction ?? {};
    if (!PREDICTION_KINDS.includes(p.kind)) errs.push(`${where}: prediction.kind must be one of ${PREDICTION_KINDS.join(', ')}`);
    if (p.kind !== 'number' && (!Array.isArray(p.options) || p.options.length < 2)) errs.push(`${where}: prediction.options must list at least two answers`);
    const verb = CHECK_VERBS.filter((v) => v in (ex.check ?? {}));
    if (verb.length !== 1) errs.push(`${where}: "check" must have exactly one of ${CHECK_VERBS.join(', ')}`);
    if (p.kind === 'number' && verb[0] !== 'value') errs.push(`${where}: a number prediction is checked with "value"`);
    if (p.kind !== 'number') {
      const ids2 = (p.options ?? []).map((o) => o.id);
      const produced = verb[0] === 'sign' ? ['positive', 'negative'] : verb[0] === 'bins' ? ex.check.choices : verb[0] ? [].concat(ex.check[verb[0]]) : [];
      for (const id of produced ?? []) if (!ids2.includes(id)) errs.push(`${where}: the check can answer "${id}", which is not an option`);
      if (!ids2.includes(ex.answer)) errs.push(`${where}: the stated answer "${ex.answer}" is not an option`);
    } else if (typeof ex.answer !== 'number') errs.push(`${where}: the stated answer of a number prediction is a number`);
    if (!ex.explanation || typeof ex.explanation !== 'object') errs.push(`${where}: "explanation" is missing`);
    const names = new Set(Object.keys(ex.quantities ?? {}));
    for (const text of Object.values(ex.explanation ?? {})) {
      for (const [, n] of String(text).matchAll(/\{([A-Za-z0-9_]+)\}/g)) if (!names.has(n)) errs.push(`${where}: the explanation names the unknown quantity {${n}}`);
    }
    const robust = (ex.seeds ?? ex.variants ?? []).length;
    if (robust < 3) errs.push(`${where}: "seeds" (or, for an experiment without a seed, "variants") must list at least three the stated answer holds at`);
  }
  return errs;
}
