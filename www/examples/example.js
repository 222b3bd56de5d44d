// The example pages' script: register the lab's service worker (offline after one visit).
import { registerOffline } from '../lib/offline.js';

registerOffline(new URL('../../', import.meta.url));
