// Drives the installed Firefox for labserver.clients.firefox, one JSON line at a time.
//
// Python owns the experiment; this process only holds the browser. It reads one command
// per line on stdin and answers each with one line on stdout:
//   {"op": "launch", "executablePath": ..., "acceptInsecureCerts": bool, "timeoutMs": n}
//   {"op": "goto", "url": ...}              -> {"ok": true, "value": status or null}
//   {"op": "evaluate", "script": "async (arg) => ...", "arg": ...} -> the function's result
//   {"op": "click", "selector": ...} / {"op": "reload"} -> the status the navigation ended on
//   {"op": "fresh"}  -> a new user context (its own cookies and cache) with one tab
//   {"op": "version"} / {"op": "close"}
// A failure answers {"ok": false, "error": "..."} and the process keeps serving.
// puppeteer-core talks WebDriver BiDi to the stock browser; it never downloads one.
import readline from "node:readline";
import puppeteer from "puppeteer-core";

let browser = null;
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

const status = (response) => (response ? response.status() : null);

const commands = {
  async launch({ executablePath, acceptInsecureCerts, timeoutMs }) {
    browser = await puppeteer.launch({
      browser: "firefox", executablePath, headless: true, acceptInsecureCerts,
      extraPrefsFirefox: prefs,
    });
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
  goto: async ({ url }) => status(await page.goto(url)),
  evaluate: ({ script, arg }) => page.evaluate(`(${script})(${JSON.stringify(arg)})`),
  async click({ selector }) {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return status(response);
  },
  reload: async () => status(await page.reload()),
  version: () => browser.version(),
  async close() {
    if (browser) await browser.close();
    browser = null;
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
