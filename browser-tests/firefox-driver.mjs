// Drives one headless Firefox ESR over WebDriver BiDi (puppeteer-core) for the JUnit tests in
// signaling/src/test/java/dev/sfu/signaling/browser/ (FirefoxSession starts this script).
//
// Protocol: one JSON object per line on stdin, one per line on stdout.
//   in:  {"id":1,"op":"open","url":"http://127.0.0.1:8080/?room=r"}
//        {"id":2,"op":"eval","script":"return 1 + arguments[0]","args":[41]}   (a function body,
//         like Selenium's executeScript; a returned promise is awaited)
//        {"id":3,"op":"init","source":"window.x = 1"}   (runs in every document opened later)
//        {"id":4,"op":"close"}
//   out: {"ready":true,"version":"Firefox/153..."}  once the browser is up
//        {"id":2,"ok":true,"value":42}  or  {"id":2,"ok":false,"error":"..."}
//        {"event":"console","level":"warn","text":"..."}  the page's console, as it happens
// End of stdin closes the browser and exits, so a test JVM that dies leaves no Firefox behind.
//
// Usage: node firefox-driver.mjs [--executable /usr/bin/firefox-esr] [--width 1280 --height 800]

import puppeteer from 'puppeteer-core';
import readline from 'node:readline';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const executablePath = opt('--executable', '/usr/bin/firefox-esr');
const width = Number(opt('--width', '1280'));
const height = Number(opt('--height', '800'));

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath,
  headless: true,
  args: [`--width=${width}`, `--height=${height}`],
  extraPrefsFirefox: {
    // Fake camera (moving colour frames) and microphone (a tone), no permission prompt.
    'media.navigator.streams.fake': true,
    'media.navigator.permission.disabled': true,
    // Host candidates with real addresses, not mDNS names (the server cannot resolve those).
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    // Remote audio plays without a click, so it is decoded and measured.
    'media.autoplay.default': 0,
    'media.autoplay.blocking_policy': 0,
  },
});
const page = (await browser.pages())[0] || (await browser.newPage());
page.on('console', (m) => out({ event: 'console', level: m.type(), text: m.text() }));
page.on('pageerror', (e) => out({ event: 'console', level: 'pageerror', text: String(e && e.stack || e) }));
out({ ready: true, version: await browser.version() });

let closing = false;
async function shutdown(code) {
  if (closing) return;
  closing = true;
  try {
    await browser.close();
  } catch (e) {
    // Already gone.
  }
  process.exit(code);
}

async function run(msg) {
  switch (msg.op) {
    case 'open':
      await page.goto(msg.url, { waitUntil: 'load', timeout: 30000 });
      return null;
    case 'eval': {
      // Evaluated in the page: the body runs as a function of `arguments`; the result comes back
      // as JSON text so that getStats() records and Maps survive the trip.
      const expr = `(async function () { ${msg.script}\n}).apply(null, ${JSON.stringify(msg.args || [])})`
        + '.then((v) => JSON.stringify(v === undefined ? null : v))';
      const json = await page.evaluate(expr);
      return JSON.parse(json);
    }
    case 'init':
      await page.evaluateOnNewDocument(msg.source);
      return null;
    case 'close':
      setImmediate(() => shutdown(0));
      return null;
    default:
      throw new Error(`unknown op ${msg.op}`);
  }
}

const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on('line', (line) => {
  if (!line.trim()) return;
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    out({ ok: false, error: `not JSON: ${line}` });
    return;
  }
  // One command at a time, in order, as a WebDriver client expects.
  queue = queue.then(async () => {
    try {
      out({ id: msg.id, ok: true, value: await run(msg) });
    } catch (e) {
      out({ id: msg.id, ok: false, error: String(e && e.message || e) });
    }
  });
});
rl.on('close', () => queue.then(() => shutdown(0)));
