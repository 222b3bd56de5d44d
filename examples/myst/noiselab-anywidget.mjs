// The {anywidget} module of this book. MyST copies a directive's module under a hashed name into
// the site's static folder (served at the site's root, or at build/ in an HTML export), where
// the widget bundle is not; the book's static_files puts the bundle in that same folder as
// noiselab/. So the directives name this small module, and it loads noiselab's anywidget front
// end from beside itself, noiselab/anywidget.js, which loads the widgets from its own folder.
const noiselab = import(new URL('./noiselab/anywidget.js', import.meta.url).href).then((m) => m.default);

export default {
  async initialize(context) {
    return (await noiselab).initialize?.(context);
  },
  async render(context) {
    return (await noiselab).render(context);
  },
};
