// Serve the built lab (dist/, made by scripts/build.sh) as static files on 127.0.0.1 and print
// the URL. Usage: node scripts/serve.mjs [--port N] [--quiet] [--dev]. PORT in the environment
// also sets the port; with neither, 8080 or the next free port is used. --dev serves the source
// tree instead (index.html and www/ of the repository, no rebuild needed after editing JS/CSS).
import http from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP } from './csp.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dev = args.includes('--dev');
const root = dev ? repo : path.join(repo, 'dist');
const portArg = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : undefined;
const quiet = args.includes('--quiet');
const firstPort = portArg ?? Number(process.env.PORT ?? 8080);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};


function allowed(rel) {
  return !dev || rel === 'index.html' || rel.startsWith('www/');
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost');
    let rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    if (rel === '' ) rel = 'index.html';
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !allowed(path.relative(root, file).split(path.sep).join('/'))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const stat = await fs.stat(file).catch(() => null);
    if (!stat || !stat.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': 'no-cache',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      // Course notes on another site may load noiselab.js (a module: fetched with CORS) and its
      // worker and wasm from here; the files are public and carry no credentials.
      'access-control-allow-origin': '*',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
  }
});

function listen(port, triesLeft) {
  server.once('error', (err) => {
    if (err.code === 'EADDRINUSE' && portArg === undefined && triesLeft > 0) listen(port + 1, triesLeft - 1);
    else { console.error(`[serve] cannot listen on 127.0.0.1:${port}: ${err.message}`); process.exit(1); }
  });
  server.listen(port, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${server.address().port}/`;
    if (!quiet) console.log(`[serve] noiselab is running at ${url}  (example: ${url}www/examples/funnel.html; Ctrl-C stops)`);
    else console.log(url);
  });
}
fs.stat(path.join(root, 'index.html')).then(() => listen(firstPort, 20), () => {
  console.error(`[serve] ${root}/index.html is missing: run \`npm run build\` first (or use --dev)`);
  process.exit(1);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
