// A widget's controls: one input per field of the core's table (and per UI-only field), the
// preset menu, the run buttons, teacher mode (`controls=`, `hide=`), errors at their control,
// controls disabled with a reason, and the message line.
import { camelToKebab, valueText } from './settings.js';

/** What a matrix box takes, by the field's shape (a widget may say more: one-epoch does). */
const matrixHint = (f) => (f.maxRows === 1 ? `empty: not given; or up to ${f.maxCols} numbers, e.g. 0.1 −0.3`
  : f.square ? 'empty: not given; or rows separated by ";", e.g. 2 0.5; 0.5 1'
    : `empty: not given; or rows of ${f.maxCols} numbers separated by ";"`);

const list = (attr) => (attr ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const WidgetControls = (Base) => class extends Base {
  /** A run button or the export menu: shown unless `hide=` names it (`controls=` filters
      settings only, so a teacher's figure with a few controls can still be played). */
  shownButton(name) {
    const hide = list(this.getAttribute('hide'));
    return !(hide.includes(camelToKebab(name)) || hide.includes(name));
  }

  shownControl(name) {
    if (!this.shownButton(name)) return false;
    const only = this.getAttribute('controls');
    if (only === null || only.trim() === '' || only.trim() === 'all') return true;
    const shown = only.split(',').map((s) => s.trim());
    return shown.includes(camelToKebab(name)) || shown.includes(name);
  }

  buildControls() {
    const form = this.$('.controls');
    const specs = [
      ...this.fields,
      ...this.constructor.uiFields.map((f) => ({ ...f, kind: 'integer', ui: true })),
    ];
    this.controls = {};
    for (const f of specs) {
      const id = `${this.handle}-${f.name}`;
      // The data set of a data-driven experiment: the "Your data" control (data-input.js), first.
      if (f.kind === 'matrix' && f.name === 'data') {
        form.prepend(this.buildDataControl(f, id));
        continue;
      }
      const row = document.createElement('div');
      row.className = `control control-${f.kind}`;
      row.dataset.name = f.name;
      row.hidden = !this.shownControl(f.name);
      const label = `<label for="${id}">${f.label}${f.unit ? ` <span class="unit">(${f.unit})</span>` : ''}</label>`;
      const err = `<div class="error" id="${id}-err" aria-live="polite"></div>`;
      let input;
      if (f.kind === 'matrix') {
        // A matrix or vector: its text, rows separated by ";" ("2 0.5; 0.5 1"); empty = not given.
        input = `<textarea id="${id}" name="${f.name}" class="matrix" rows="${f.maxRows === 1 ? 1 : 2}" aria-describedby="${id}-err" autocomplete="off" spellcheck="false" placeholder="${matrixHint(f)}"></textarea>`;
      } else if (f.kind === 'choice') {
        input = `<select id="${id}" name="${f.name}" aria-describedby="${id}-err">${f.options.map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}</select>`;
      } else {
        const wide = f.kind === 'integer' && f.max > 100000;
        const step = f.kind === 'real' ? f.step : 1;
        const range = wide ? '' : `<input type="range" id="${id}-range" min="${f.min}" max="${f.max}" step="${step}" aria-label="${f.label} slider" tabindex="-1">`;
        input = `${range}<input type="text" inputmode="decimal" id="${id}" name="${f.name}" class="num" aria-describedby="${id}-err" autocomplete="off" spellcheck="false">`;
      }
      row.innerHTML = `${label}<div class="inputs">${input}</div>${err}`;
      row.title = f.help ?? '';
      form.append(row);
      const box = row.querySelector(`#${CSS.escape(id)}`);
      const slider = row.querySelector('input[type=range]');
      this.controls[f.name] = { row, box, slider, err: row.querySelector('.error') };
      const commit = (value) => this.applySettings({ [f.name]: value }).catch((e) => this.fail(e));
      box.addEventListener('change', () => commit(box.value));
      // Enter commits (in a matrix box too: rows are separated by ";", Shift+Enter breaks a line).
      box.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); commit(box.value); } });
      if (slider) {
        slider.addEventListener('input', () => { box.value = slider.value; });
        slider.addEventListener('change', () => commit(slider.value));
      }
    }
  }

  /** Show the valid settings of `names` in their controls. `committed` (name → the text a
      control committed for this change) spares a control the reader has typed a new value into
      while the change was being checked: their new text stays, to be committed in turn. */
  syncControls(names, committed = {}) {
    const focused = this.root.activeElement;
    for (const name of names) {
      const c = this.controls[name];
      if (!c) continue;
      if (name in committed && c.box === focused && c.box.value !== String(committed[name])) continue;
      c.box.value = valueText(this.valid[name]);
      if (c.slider) c.slider.value = c.box.value;
    }
  }

  /** Mark every control in `fieldErrors`; report this change's other errors in the message. */
  showErrors(errors) {
    for (const [name, c] of Object.entries(this.controls)) {
      const e = this.fieldErrors[name];
      c.err.textContent = e ? e.message : '';
      if (e) c.box.setAttribute('aria-invalid', 'true'); else c.box.removeAttribute('aria-invalid');
      c.row.classList.toggle('invalid', Boolean(e));
    }
    const general = errors.filter((e) => !this.controls[e.field] || this.controls[e.field].row.hidden).map((e) => e.message);
    if (errors.length) {
      this.dispatchEvent(new CustomEvent('noiselab-invalid', { detail: errors, bubbles: true, composed: true }));
    }
    this.showMessage(general.length ? `Ignored: ${general.join('; ')}. Keeping the last valid settings.` : '', 'warn');
  }

  showMessage(text, kind = 'info') {
    this.messageEl.hidden = !text;
    this.messageEl.textContent = text;
    this.messageEl.dataset.kind = kind;
  }

  /** Disable the control of `name` with a short reason shown under it (null or '' enables it). */
  setControlDisabled(name, reason) {
    const c = this.controls?.[name];
    if (!c) return;
    const off = Boolean(reason);
    c.box.disabled = off;
    if (c.slider) c.slider.disabled = off;
    c.row.classList.toggle('disabled', off);
    let why = c.row.querySelector('.why');
    if (!why) {
      why = document.createElement('div');
      why.className = 'why';
      why.id = `${c.box.id}-why`;
      c.row.append(why);
      c.box.setAttribute('aria-describedby', `${c.box.id}-err ${why.id}`);
    }
    why.textContent = off ? reason : '';
  }

  // ---- the preset menu ----------------------------------------------------------------------

  buildPresetMenu() {
    const presets = this.constructor.presets;
    if (!presets.length) return;
    const id = `${this.handle}-preset`;
    const row = document.createElement('div');
    row.className = 'control control-preset';
    row.dataset.name = 'preset';
    row.hidden = !this.shownControl('preset');
    row.innerHTML = `<label for="${id}">Preset</label><div class="inputs"><select id="${id}" aria-describedby="${id}-note">
      <option value="default">default settings</option>
      ${presets.map((p) => `<option value="${p.name}">${p.label}</option>`).join('')}
      <option value="custom" disabled>custom (changed by hand)</option></select></div><div class="preset-note" id="${id}-note"></div>`;
    this.$('.controls').prepend(row);
    this.presetSelect = row.querySelector('select');
    this.presetNote = row.querySelector('.preset-note');
    this.presetSelect.addEventListener('change', () => {
      const v = this.presetSelect.value;
      if (v !== 'custom') this.applySettings({ preset: v }).catch((err) => this.fail(err));
    });
  }

  updatePresetMenu() {
    if (!this.presetSelect) return;
    const name = this.preset;
    this.presetSelect.value = name;
    const p = name === 'custom' ? null : this.presetNamed(name);
    this.presetNote.textContent = p?.note ?? (name === 'custom' ? 'Settings changed by hand.' : '');
    this.dataset.preset = name;
  }

  // ---- run buttons and sharing --------------------------------------------------------------

  /** A run-control button `{name, label, title}` that calls onButtonClick(name). */
  makeButton({ name, label, title }) {
    const el = document.createElement('button');
    el.type = 'button';
    el.textContent = label;
    el.title = title ?? '';
    el.dataset.name = name;
    el.addEventListener('click', () => this.onButtonClick(name));
    return el;
  }

  buildButtons() {
    const bar = this.$('.buttons');
    const run = this.constructor.runControls;
    const all = [
      ...(run ? [
        { name: 'play', label: 'Play', title: 'Play / pause (space)' },
        { name: 'step', label: 'Step', title: 'Advance one step' },
        { name: 'reset', label: 'Reset', title: 'Back to step 0 with the same seed' },
      ] : [{ name: 'reset', label: 'Reset', title: 'Back to the default settings' }]),
      ...this.constructor.buttons,
      ...(run ? [{ name: 'newSeed', label: 'New seed', title: 'Draw a fresh random seed' }] : []),
      { name: 'copyLink', label: 'Copy link', title: 'Copy a link to this exact state (the changed settings and the seed)' },
      { name: 'copyEmbed', label: 'Copy embed', title: 'Copy HTML that embeds this exact state in course notes (the element, or an iframe)' },
    ];
    this.buttons = {};
    for (const b of all) {
      const el = this.makeButton(b);
      el.hidden = !this.shownButton(b.name);
      bar.append(el);
      this.buttons[b.name] = el;
    }
    this.buttons.play?.setAttribute('aria-pressed', 'false');
    this.buildExportMenu(bar);
    this.shareEl = document.createElement('textarea');
    this.shareEl.className = 'share';
    this.shareEl.rows = 1;
    this.shareEl.readOnly = true;
    this.shareEl.hidden = true;
    this.shareEl.setAttribute('aria-label', 'link to this exact state');
    bar.append(this.shareEl);
  }

  async onButtonClick(name) {
    try {
      if (name === 'play') this.playing ? this.pause() : this.play();
      else if (name === 'step') { this.pause(); await this.stepOnce(); }
      else if (name === 'reset') await this.reset();
      else if (name === 'newSeed') await this.applySettings({ seed: String(await this.worker.request('freshSeed')) });
      else if (name === 'copyLink') await this.copyLink();
      else if (name === 'copyEmbed') await this.copyText(this.embedText(), 'HTML that embeds this exact state', 'Copied: paste the element (with its script tag) into course notes on the same site as the lab, or the iframe anywhere.');
      else if (this.exportActions.includes(name)) await this.exportAs(name);
      else await this.onButton(name);
    } catch (err) { this.fail(err); }
  }

  /** Public API: copy a link to this exact state (see shareText). */
  async copyLink() {
    return this.copyText(this.shareText(), 'link to this exact state', 'Copied: the link reproduces this exact run (settings and seed).');
  }

  async copyText(text, what, done) {
    this.shareEl.value = text;
    this.shareEl.rows = Math.min(6, text.split('\n').length);
    this.shareEl.setAttribute('aria-label', what);
    this.shareEl.hidden = false;
    this.shareEl.select();
    try {
      await navigator.clipboard.writeText(text);
      this.showMessage(done, 'info');
    } catch {
      this.showMessage('Select and copy the text next to the buttons.', 'info');
    }
  }

  updatePlayButton() {
    const b = this.buttons?.play;
    if (!b) return;
    b.textContent = this.playing ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', String(this.playing));
    b.disabled = this.broken;
    this.buttons.step.disabled = this.broken;
    this.toggleAttribute('playing', this.playing);
    // Announce numbers when paused, not every frame while playing.
    this.readoutEl.setAttribute('aria-live', this.playing ? 'off' : 'polite');
    this.verdictEl?.setAttribute('aria-live', this.playing ? 'off' : 'polite');
  }
};
