// One URL key per widget: its element name without "noiselab-" (funnel, sharpness,
// description-length, logreg-posterior, sgd-posterior, nng, …), on the front page, the example
// pages and frame.html alike. Links copied before the keys were unified used a few shorter keys
// on the front page; they are still read.
export const OLD_URL_KEYS = { sharp: 'sharpness', mdl: 'description-length', logreg: 'logreg-posterior', sgd: 'sgd-posterior' };

/** The current key for `key` (an old front-page key is mapped to its widget's key). */
export const currentKey = (key) => OLD_URL_KEYS[key] ?? key;
