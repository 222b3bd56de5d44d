// One widget on its own page, for embedding with an <iframe> (course platforms that strip
// scripts, Jupyter Book, Quarto, LMS pages). The query names the widget; the URL hash carries its
// state exactly as on the full lab, so a link copied from a widget works here too:
//   frame.html?widget=funnel#funnel.noiseStd=2&funnel.seed=7
// Any widget attribute can also be given in the query: frame.html?widget=funnel&controls=noiseStd
import { WIDGETS, load } from './noiselab.js';
import { currentKey } from './lib/keys.js';

const main = document.getElementById('frame');
const params = new URLSearchParams(location.search);
const name = currentKey((params.get('widget') ?? '').trim().toLowerCase());
const known = Object.keys(WIDGETS).map((t) => t.replace(/^noiselab-/, ''));

function fail(message) {
  const box = document.createElement('div');
  box.className = 'frame-error';
  box.setAttribute('role', 'alert');
  const p = document.createElement('p');
  p.textContent = message;
  box.append(p);
  main.replaceChildren(box);
  document.title = 'noiselab widget: error';
}

if (!known.includes(name)) {
  fail(`widget must be one of ${known.join(', ')}; got "${params.get('widget') ?? ''}". Example: frame.html?widget=${known[0]}`);
} else {
  const tag = `noiselab-${name}`;
  const el = document.createElement(tag);
  el.setAttribute('url-state', name);
  for (const [key, value] of params) {
    // Attribute names as the widgets read them (kebab-case); anything odd is left out.
    if (key !== 'widget' && /^[a-z][a-z0-9-]*$/.test(key) && key !== 'url-state') el.setAttribute(key, value);
  }
  document.title = `noiselab · ${name}`;
  document.getElementById('frame-title').textContent = `noiselab: ${name} widget`;
  main.append(el);
  load(tag).catch((err) => fail(`could not load <${tag}>: ${err.message}`));
}

// Tell the page around the iframe how tall this page is, so its snippet can size the iframe and
// nothing is cut off (README, "Embedding": the host's half is one line of script). The message
// carries only a number; any page may read it.
if (window.parent !== window) {
  let last = 0;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'noiselab-height', height }, '*');
  };
  new ResizeObserver(post).observe(document.documentElement);
  post();
}
