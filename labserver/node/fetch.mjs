// Node's own fetch() (undici) for labserver.clients.node_fetch, one JSON line at a time.
//
// Reads {"op": "fetch", "url", "method", "body", "headers", "timeoutMs"} and answers
// {"ok": true, "value": {"status": n}} or {"ok": true, "value": {"error": name, "detail"}}
// when fetch() rejects (a network error, in Fetch's words). No npm package is needed.
import readline from "node:readline";

async function fetchOnce({ url, method, body, headers, timeoutMs }) {
  try {
    const response = await fetch(url, {
      method, headers, body: body === null ? undefined : body, redirect: "follow",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (error) {
    const cause = error.cause ? `: ${error.cause.message ?? error.cause}` : "";
    return { error: error.name, detail: `${error.message}${cause}` };
  }
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const { op, ...args } = JSON.parse(line);
  const answer = op === "fetch"
    ? { ok: true, value: await fetchOnce(args) }
    : op === "version" ? { ok: true, value: process.version }
    : { ok: false, error: `unknown op ${op}` };
  process.stdout.write(JSON.stringify(answer) + "\n");
}
