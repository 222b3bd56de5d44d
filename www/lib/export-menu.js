// A widget's "Export" menu: its data (CSV, JSON), its figure (PNG, SVG) and its settings (save
// and load as JSON). The files themselves are made by export.js.
import { download, toCsv, toJson, figurePng, figureSvg } from './export.js';

const ITEMS = [
  ['exportCsv', 'Per-step results as CSV', 'Data (CSV)'],
  ['exportJson', 'Settings, per-step results and summary as JSON', 'Data (JSON)'],
  ['exportPng', 'The figure as a PNG image', 'Figure (PNG)'],
  ['exportSvg', 'The figure as an SVG image: plots as vectors, heat maps as embedded images', 'Figure (SVG)'],
  ['saveSettings', 'Save the settings (with the seed) as JSON', 'Save settings'],
  ['loadSettings', 'Load settings from a JSON file', 'Load settings…'],
];

export const WidgetExport = (Base) => class extends Base {
  get exportActions() { return ITEMS.map(([name]) => name); }

  buildExportMenu(bar) {
    const menu = document.createElement('details');
    menu.className = 'export';
    menu.hidden = !this.shownButton('export');
    menu.innerHTML = `<summary>Export</summary><div class="export-items" role="group" aria-label="export">
      ${ITEMS.map(([name, title, label]) => `<button type="button" data-name="${name}" title="${title}">${label}</button>`).join('\n')}
      <input type="file" accept=".json,application/json" hidden aria-label="settings file to load">
    </div>`;
    for (const b of menu.querySelectorAll('button')) {
      b.addEventListener('click', () => this.onButtonClick(b.dataset.name));
      this.buttons[b.dataset.name] = b;
    }
    this.fileInput = menu.querySelector('input[type=file]');
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      this.fileInput.value = '';
      if (file) file.text().then((text) => this.loadSettingsText(text)).catch((err) => this.fail(err));
    });
    bar.append(menu);
  }

  fileStem() {
    return `noiselab-${this.kind}${this.valid.seed === undefined ? '' : `-seed${this.settings.seed}`}`;
  }

  /** Export actions (the subclass supplies `exportData()`: {...exportHead(), historyFields, history}). */
  async exportAs(kind) {
    // The current settings' numbers, not a run or a preview still in the making (logreg-
    // posterior draws its first frame before its variational fits arrive).
    await this.settled();
    const stem = this.fileStem();
    this.$('details.export').open = false;
    if (kind === 'exportCsv') {
      const d = this.exportData();
      download(`${stem}.csv`, toCsv(d.historyFields, d.history), 'text/csv');
    } else if (kind === 'exportJson') {
      download(`${stem}.json`, toJson(this.exportData()), 'application/json');
    } else if (kind === 'exportPng') {
      download(`${stem}.png`, await figurePng(this.$('.figure')));
    } else if (kind === 'exportSvg') {
      download(`${stem}.svg`, figureSvg(this.$('.figure')), 'image/svg+xml');
    } else if (kind === 'saveSettings') {
      download(`${stem}-settings.json`, toJson({ widget: this.localName, ...this.exportHead() }), 'application/json');
    } else if (kind === 'loadSettings') {
      this.fileInput.click();
    }
  }

  /** Apply a settings file: `{widget, settings}` or a plain object of settings. */
  async loadSettingsText(text) {
    let doc;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      this.showMessage(`The settings file is not valid JSON (${err.message}); nothing was changed.`, 'error');
      return { ok: false };
    }
    // An export or settings file ({experiment, settings, view}) or a plain object of settings.
    const settings = doc && typeof doc === 'object' && doc.settings && typeof doc.settings === 'object' ? { ...doc.settings, ...(doc.view ?? {}) } : doc;
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) {
      this.showMessage('The settings file must hold an object of settings; nothing was changed.', 'error');
      return { ok: false };
    }
    // A data set's file name (beside the settings) names it again in the control and links.
    const named = this.dataField && typeof doc.dataName === 'string' ? { dataName: doc.dataName } : {};
    return this.applySettings({ ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])), ...named }, { dataOrigin: 'settings' });
  }

  /** Subclass hook: the current data for export. */
  exportData() {
    return { ...this.exportHead(), historyFields: [], history: [] };
  }
};
