// The {anywidget} nodes of a page rendered by scripts/sites/myst-html.mjs, brought to life as
// MyST's book theme does it (@myst-theme/anywidget's AnyWidgetRenderer, without React): for each
// node, import its ESM module, make the model from the node's JSON with MyST's own model class
// (MystAnyModel, copied beside this file from the npm package), call the module's initialize,
// and render into a <div class="myst-anywidget"> inside a shadow root on the node's element.
import { MystAnyModel } from './models.js';

async function mount(root) {
  try {
    const widget = (await import(root.dataset.esm)).default;
    const model = new MystAnyModel(JSON.parse(root.dataset.model));
    await widget.initialize?.({ model });
    const shadow = root.shadowRoot ?? root.attachShadow({ mode: 'open' });
    const el = document.createElement('div');
    el.className = root.className;
    el.style.position = 'relative';
    shadow.replaceChildren(el);
    if (root.dataset.css) {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = root.dataset.css;
      el.append(link);
    }
    await widget.render?.({ model, el });
  } catch (err) {
    // As the theme does: the error in the console and in place of the widget.
    console.error('AnyRenderer failed to import module:', err);
    root.textContent = `Failed to load anywidget module ${root.dataset.esm}: ${err.message}`;
  }
}

for (const root of document.querySelectorAll('.myst-anywidget[data-esm]')) mount(root);
