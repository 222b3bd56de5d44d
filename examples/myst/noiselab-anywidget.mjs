// The {anywidget} module of this book. MyST copies a directive's module into the site's root
// under a hashed name, away from the widget bundle, so the directives name this small module;
// it loads noiselab's anywidget front end from the bundle the site serves beside it, at
// noiselab/anywidget.js, which in turn loads the widgets from its own folder.
const noiselab = import(new URL('./noiselab/anywidget.js', import.meta.url).href).then((m) => m.default);

export default {
  async initialize(context) {
    return (await noiselab).initialize?.(context);
  },
  async render(context) {
    return (await noiselab).render(context);
  },
};
