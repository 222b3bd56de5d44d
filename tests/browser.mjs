// Launch options for Debian's Chromium (never a downloaded browser): root needs --no-sandbox,
// and this machine's closed network needs the background-networking switches.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];
export function launchOptions() {
  return { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true };
}
