// Moved to ./nng.js (issue 18: the widget file is named after its kind); kept for package.json's ./widgets/* export.
export * from './nng.js';
