// Drives the installed Firefox for labserver.clients.firefox, one JSON line at a time.
//
// Python owns the experiment; this process only holds the browser. It reads one command
// per line on stdin and answers each with one line on stdout:
//   {"op": "launch", "executablePath": ..., "acceptInsecureCerts": bool, "timeoutMs": n}
//   {"op": "goto", "url": ...}              -> {"ok": true, "value": status or null}
//   {"op": "evaluate", "script": "async (arg) => ...", "arg": ...} -> the function's result
//   {"op": "click", "x": ..., "y": ...} / {"op": "reload"} -> the status the navigation ended on
//   {"op": "fresh"}  -> a new user context (its own cookies and cache) with one tab
//   {"op": "version"} / {"op": "close"}
// A failure answers {"ok": false, "error": "..."} and the process keeps serving.
// puppeteer-core talks WebDriver BiDi to the stock browser; it never downloads one.
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import readline from "node:readline";
import puppeteer from "puppeteer-core";

let browser = null;
let profile = null; // this browser's copy of the template profile, deleted at close
let context = null; // null: the browser's default user context
let page = null;
let timeout = 0;

const prefs = {
  // The lab stays on loopback: no proxy, no background requests of the browser's own.
  "network.proxy.type": 0,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "app.update.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
};

// Without WebDriver BiDi's network events (see launch), puppeteer hands back no response
// for a navigation: the page's own Navigation Timing entry says the status it arrived
// with (0 for an error page, none for about:blank: both null here).
const LANDED = `(() => {
  const entry = performance.getEntriesByType("navigation")[0];
  return entry && entry.responseStatus ? entry.responseStatus : null;
})()`;
// The status the navigation `navigating` waits for ended on.
const landed = async (navigating) => {
  await navigating;
  try {
    return await page.evaluate(LANDED);
  } catch {
    return null; // the page moved on already (a meta refresh or script navigation)
  }
};

const start = (executablePath, userDataDir, acceptInsecureCerts = false) =>
  puppeteer.launch({
    browser: "firefox", executablePath, headless: true, acceptInsecureCerts, userDataDir,
    extraPrefsFirefox: prefs,
    // With BiDi network events on, Firefox sends event messages ahead of each result,
    // and a fetch() in an evaluate took 48 ms instead of 6 on loopback (an extra 40 ms is
    // the mark of Nagle's algorithm waiting on a delayed ACK). The lab reads requests
    // from its journal, not from the browser, so it does not subscribe.
    networkEnabled: false,
  });

// Firefox's first start in a new profile spends over a second on what it does once per
// profile (its add-on database, places and storage databases, the startup cache): 2.7 s
// against 1.4 s here. So the lab keeps one profile per Firefox build that has been
// started once and used for nothing (no page but about:blank: no cookie, no cache entry),
// and starts each browser in a fresh copy of it, deleted when it closes.
async function template(executablePath) {
  const executable = realpathSync(executablePath);
  const { size, mtimeMs } = statSync(executable);
  const driver = JSON.parse(readFileSync(
    new URL("./node_modules/puppeteer-core/package.json", import.meta.url))).version;
  const key = createHash("sha256").update(`${executable} ${size} ${mtimeMs} ${driver}`)
    .digest("hex").slice(0, 16);
  const dir = path.join(tmpdir(), `redirect-lab-firefox-profile-${key}`);
  try {
    statSync(path.join(dir, "prefs.js"));
    return dir;
  } catch {
    // not built on this machine yet: build it below
  }
  const building = mkdtempSync(`${dir}-building-`);
  await (await start(executablePath, building)).close();
  try {
    renameSync(building, dir); // atomic: if another process's build came first, it stays
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

function removeProfile() {
  if (profile) rmSync(profile, { recursive: true, force: true });
  profile = null;
}

const commands = {
  async launch({ executablePath, acceptInsecureCerts, timeoutMs }) {
    const from = await template(executablePath);
    profile = mkdtempSync(path.join(tmpdir(), "redirect-lab-firefox-"));
    cpSync(from, profile, { recursive: true, filter: (file) => !file.endsWith("lock") });
    browser = await start(executablePath, profile, acceptInsecureCerts);
    timeout = timeoutMs;
    page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(timeout);
    return browser.version();
  },
  async fresh() {
    const [oldContext, oldPage] = [context, page];
    context = await browser.createBrowserContext();
    page = await context.newPage();
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(timeout);
    await (oldContext ? oldContext.close() : oldPage.close());
    return null;
  },
  goto: ({ url }) => landed(page.goto(url)),
  evaluate: ({ script, arg }) => page.evaluate(`(${script})(${JSON.stringify(arg)})`),
  click: ({ x, y }) => landed(Promise.all([page.waitForNavigation(), page.mouse.click(x, y)])),
  reload: () => landed(page.reload()),
  version: () => browser.version(),
  async close() {
    if (browser) await browser.close();
    browser = null;
    removeProfile();
    return null;
  },
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const { op, ...args } = JSON.parse(line);
  let answer;
  try {
    answer = { ok: true, value: (await commands[op](args)) ?? null };
  } catch (error) {
    answer = { ok: false, error: `${error.name}: ${error.message}` };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
  if (op === "close") break;
}
if (browser) await browser.close();
removeProfile();
