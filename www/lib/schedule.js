// The page-wide schedulers every widget shares: the frame pump (whose widget computes a tick in
// this animation frame), the batching of live text (readouts, verdicts, aria-labels) and the boot
// queue (which widget starts its worker and first run next).
import { BUSY_MAX } from './client.js';

// Frame pump: every playing widget on the page asks for a turn, and at most TURNS_PER_FRAME of
// them start a tick (worker request + redraw) in one animation frame, first come first served,
// with at most MAX_IN_FLIGHT ticks running at once across the page. One widget plays at full
// frame rate; ten playing at once share frames instead of piling their canvas updates into one
// long frame, and their workers never take every core: with more busy workers than cores, the
// page's own thread is descheduled and its frames turn into long tasks (the soak test's
// long-task check).
const TURNS_PER_FRAME = 3;
const MAX_IN_FLIGHT = BUSY_MAX; // client.js's page-wide bound on busy workers
const pump = { queue: [], raf: 0, inFlight: 0 };
function runPump() {
  pump.raf = 0;
  let turns = 0;
  while (pump.queue.length && turns < TURNS_PER_FRAME && pump.inFlight < MAX_IN_FLIGHT) {
    if (startTick(pump.queue.shift())) turns++;
  }
  schedulePump();
}
function schedulePump() {
  if (pump.queue.length && !pump.raf && pump.inFlight < MAX_IN_FLIGHT) pump.raf = requestAnimationFrame(runPump);
}

/** Ask the pump for a turn of widget `w` (a tick, if `w` still wants one when its turn comes). */
export function requestTurn(w) {
  if (!pump.queue.includes(w)) pump.queue.push(w);
  schedulePump();
}

/** Start one tick of `w` if still wanted; false if not taken. The page-wide slot is given back
    when the tick ends, or after a second at most, so one slow tick (a long worker request)
    cannot stall every other widget. */
function startTick(w) {
  if (!w.playing || w.inFlight || w.holding || !w.visible || w.broken) return false;
  w.inFlight = true;
  w.tickCount++;
  pump.inFlight++;
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    pump.inFlight--;
    schedulePump();
  };
  const timer = setTimeout(release, 1000);
  w.tick().catch((err) => w.fail(err)).finally(() => {
    w.inFlight = false;
    clearTimeout(timer);
    release();
  });
  return true;
}

// Live text (the readouts and the plots' text alternatives: canvases' aria-labels, tables of
// numbers): written at once when its widget is paused; while playing, every widget's latest
// values are written together at most every READOUT_MS, in one animation frame, so ten playing
// widgets cost one re-layout of the page per flush instead of one per tick (the layout of a long
// page was most of the soak test's long frames), and a screen reader is not handed a new label
// 30 times a second. A value equal to the last one asked for is not written.
const READOUT_MS = 200;
// pending: element → { owner (widget), writes: kind → value }; kind is 'html', 'text' or an
// attribute name. lastLive: element → { kind: the value last asked for }.
const readouts = { pending: new Map(), timer: 0, last: 0 };
const lastLive = new WeakMap();
function writeLive(el, kind, value) {
  if (kind === 'html') el.innerHTML = value;
  else if (kind === 'text') el.textContent = value;
  else el.setAttribute(kind, value);
}
function flushReadouts() {
  readouts.timer = 0;
  readouts.last = performance.now();
  for (const [el, { writes }] of readouts.pending) for (const [kind, value] of writes) writeLive(el, kind, value);
  readouts.pending.clear();
}

/** Write live text of widget `owner`: `el`'s HTML (`kind` 'html'), its text ('text') or an
    attribute; skipped if unchanged, batched while the owner plays. */
export function setLive(owner, el, value, kind) {
  let last = lastLive.get(el);
  if (!last) lastLive.set(el, (last = {}));
  if (last[kind] === value) return;
  last[kind] = value;
  if (!owner.playing) {
    readouts.pending.get(el)?.writes.delete(kind);
    writeLive(el, kind, value);
    return;
  }
  let p = readouts.pending.get(el);
  if (!p) readouts.pending.set(el, (p = { owner, writes: new Map() }));
  p.writes.set(kind, value);
  if (readouts.timer) return;
  const wait = Math.max(0, readouts.last + READOUT_MS - performance.now());
  readouts.timer = setTimeout(() => requestAnimationFrame(flushReadouts), wait);
}

/** Write `owner`'s batched live text now (on pause, so the numbers match the plots). */
export function flushLive(owner) {
  for (const [el, p] of readouts.pending) {
    if (p.owner !== owner) continue;
    for (const [kind, value] of p.writes) writeLive(el, kind, value);
    readouts.pending.delete(el);
  }
}

// Boot order (issue 7, W4): a widget (mostly) in view boots at once (worker, core, first run,
// first frame); one within a viewport of the visible area boots next, as soon as no boot is
// running, and so does one the page asks for (reading its `ready`, calling a public method). A
// widget farther away waits until the reader comes within a screen of it: a link to one section
// of a long page then draws its widget first instead of sharing two cores with its neighbour's
// and eleven others' first runs (#logreg-posterior-figure waited for laplace-vb's, just above
// it), and a reader of one section does not pay for twelve workers and their first runs (on the
// lab page, about 6 s of CPU time in 11 s after a link to one section with every widget booted
// at idle, 2.8 s with only the near ones). Scrolling boots each widget a screen before it comes
// into view, about half a second of work, so it is drawn when the reader gets there.
const BOOT_MARGIN = '100% 0px';
const boots = { queue: [], active: 0, io: null };
function bootObserver() {
  boots.io ??= new IntersectionObserver((entries) => {
    for (const e of entries) {
      const { top, bottom } = e.boundingClientRect;
      e.target.bootNear = e.isIntersecting;
      // "In view" means mostly in view: half of it, or half the viewport. A widget showing
      // only its top edge below another's boots next instead: before their boots the
      // placeholders' heights are estimates, and #laplace-vb-figure's growing from 576 to
      // 712 px pushes the logistic-regression panel that peeked in under it out of view.
      const visible = Math.min(bottom, window.innerHeight) - Math.max(top, 0);
      if (e.isIntersecting && visible > 0 && visible >= 0.5 * Math.min(bottom - top, window.innerHeight)) startBoot(e.target);
    }
    drainBoots();
  }, { rootMargin: BOOT_MARGIN });
  return boots.io;
}

/** Put widget `w` in the boot queue (it boots by `w.boot()` when its turn comes). */
export function scheduleBoot(w) {
  if (!boots.queue.includes(w)) boots.queue.push(w);
  w.bootNear = false;
  w.bootAsked ??= false; // (a widget asked for and then moved stays asked for)
  bootObserver().observe(w);
}

export function unscheduleBoot(w) {
  const i = boots.queue.indexOf(w);
  if (i >= 0) boots.queue.splice(i, 1);
  boots.io?.unobserve(w);
}

/** The page asks for widget `w` (its `ready`, a public method): boot it next, near or not. */
export function requestBoot(w) {
  if (!boots.queue.includes(w) || w.bootAsked) return;
  w.bootAsked = true;
  queueMicrotask(drainBoots);
}

function startBoot(w) {
  if (!boots.queue.includes(w)) return; // booting or booted already
  unscheduleBoot(w);
  if (!w.isConnected) return;
  w.phase = 'booting';
  boots.active++;
  performance.mark?.(`noiselab:boot ${w.localName}`);
  const boot = w.bootRun = {};
  w.boot()
    // (Unless the element has been removed, or reset, and booted again since.)
    .catch((err) => { if (w.bootRun === boot) { w.phase = 'failed'; w.fail(err); } })
    .finally(() => { boots.active--; drainBoots(); });
}

function drainBoots() {
  if (boots.active > 0) return;
  const next = boots.queue.find((w) => w.bootNear) ?? boots.queue.find((w) => w.bootAsked);
  if (next) startBoot(next);
}
