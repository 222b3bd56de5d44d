// A minimal W3C WebDriver client over node's fetch (no npm dependency): the three drivers the
// smoke suite uses (chromedriver, geckodriver, WebKitWebDriver) speak the same protocol. Each
// engine's driver is a Debian package or crates.io binary (scripts/setup.sh), never a download.
import { spawn } from 'node:child_process';
import net from 'node:net';

export const ENGINES = {
  chromium: {
    label: 'Chromium',
    driver: process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver',
    capabilities: () => ({
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        // The switches of tests/browser.mjs (root needs --no-sandbox; the closed network needs
        // the background-networking switches).
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
          '--disable-dev-shm-usage', '--window-size=1280,900'],
      },
    }),
  },
  firefox: {
    label: 'Firefox ESR',
    driver: process.env.GECKODRIVER ?? 'geckodriver',
    capabilities: () => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
        args: ['-headless', '-width', '1280', '-height', '900'],
        // No update checks, telemetry or remote settings on this closed network.
        prefs: {
          'app.update.enabled': false, 'browser.shell.checkDefaultBrowser': false,
          'datareporting.policy.dataSubmissionEnabled': false, 'toolkit.telemetry.enabled': false,
          'network.captive-portal-service.enabled': false, 'browser.safebrowsing.malware.enabled': false,
          'browser.safebrowsing.phishing.enabled': false,
        },
      },
    }),
  },
  webkit: {
    label: 'WebKitGTK',
    driver: process.env.WEBKITWEBDRIVER ?? '/usr/bin/WebKitWebDriver',
    // WebKitGTK's MiniBrowser needs a display: the driver runs under xvfb-run -a.
    wrap: process.env.ENGINES_NO_XVFB ? [] : ['xvfb-run', '-a', '-s', '-screen 0 1280x900x24'],
    capabilities: () => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        args: ['--automation'],
      },
    }),
  },
};

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Wait until `url` answers (any HTTP status), or throw after `ms`. */
export async function waitForHttp(url, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    try { await fetch(url); return; } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error(`${what} did not start within ${ms} ms`);
    await sleep(100);
  }
}

/** Start `cmd args` in its own process group; `stop()` ends that group (this process's own). */
export function startProcess(cmd, args, { log = [] } = {}) {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d) => { log.push(String(d)); if (log.length > 200) log.shift(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.on('exit', () => { exited = true; });
  return {
    child, log,
    get exited() { return exited; },
    async stop() {
      if (exited) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
      for (let i = 0; i < 30 && !exited; i++) await sleep(100);
      if (!exited) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    },
  };
}

export class WebDriverError extends Error {}

/** A WebDriver session on a running driver at `base`. */
export class Session {
  constructor(base, id) { this.base = base; this.id = id; }

  static async create(base, capabilities) {
    const r = await request(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } }, 90_000);
    const s = new Session(base, r.sessionId);
    s.capabilities = r.capabilities;
    await s.cmd('POST', '/timeouts', { script: 120_000, pageLoad: 60_000, implicit: 0 });
    return s;
  }

  cmd(method, path, body, ms = 150_000) { return request(this.base, method, `/session/${this.id}${path}`, body, ms); }

  async navigate(url) { await this.cmd('POST', '/url', { url }); }

  /**
   * Run `fn` (a function; its source is sent) in the page with `args`; it may be async: the
   * result is the promise's value (W3C Execute Script awaits a returned promise).
   */
  async run(fn, ...args) {
    return this.cmd('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments);`, args });
  }

  async close() { try { await this.cmd('DELETE', '', undefined, 20_000); } catch { /* already gone */ } }
}

async function request(base, method, path, body, ms) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), ms);
  let res;
  try {
    res = await fetch(`${base}${path}`, {
      method, signal: ctl.signal,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new WebDriverError(`${method} ${path}: ${ctl.signal.aborted ? `no answer in ${ms} ms` : err.message}`);
  } finally {
    clearTimeout(timer);
  }
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { throw new WebDriverError(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`); }
  const v = json.value;
  if (!res.ok || (v && typeof v === 'object' && 'error' in v && typeof v.error === 'string')) {
    throw new WebDriverError(`${method} ${path}: ${v?.error}: ${String(v?.message ?? text).slice(0, 600)}`);
  }
  return v;
}

/** Start `engine`'s driver on a free port and open a session; returns {session, stop}. */
export async function openEngine(name) {
  const e = ENGINES[name];
  const port = await freePort();
  const wrap = e.wrap ?? [];
  const cmd = [...wrap, e.driver, `--port=${port}`];
  const proc = startProcess(cmd[0], cmd.slice(1));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/status`, 20_000, `${e.driver}`);
    const session = await Session.create(base, e.capabilities());
    return { session, proc, stop: async () => { await session.close(); await proc.stop(); } };
  } catch (err) {
    await proc.stop();
    err.message += `\n${proc.log.join('').slice(-1500)}`;
    throw err;
  }
}
