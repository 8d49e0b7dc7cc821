/**
 * qm against whatever answers at QM_URL: a real node:http server that never answers, answers
 * a byte at a time, floods, goes silent mid-download, or is a web page or a proxy's error
 * page. qm must end with a message that says what happened and what to do, in bounded time
 * and memory, and never take a web page's 200 for a done action.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_JSON_ANSWER } from "./api-client";
import { type CliIo, run } from "./run";

/** What the server does with a request, chosen by its path's first segment. */
const BEHAVIOURS: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
  // Accepts the connection, reads the request, never answers.
  stall: () => undefined,
  // Headers, then a space every 50 ms, forever: never silent, never done.
  drip: (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).write("{");
    const timer = setInterval(() => res.write(" "), 50);
    res.on("close", () => clearInterval(timer));
  },
  // JSON without end, as fast as the client reads it, and no Content-Length.
  flood: (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).write("[");
    const block = Buffer.alloc(1 << 20, " ");
    const more = () => {
      while (!res.destroyed && res.write(block));
    };
    res.on("drain", more);
    more();
  },
  // Says up front that it will send more than qm reads.
  huge: (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": String(MAX_JSON_ANSWER + 1) }).write("[");
  },
  // A download that starts, then goes silent without ending.
  halfdownload: (_req, res) => void res.writeHead(200, { "content-type": "application/zip" }).write("PK\u0003\u0004 the first bytes"),
  // Another JSON API (or a mock) that answers the same to everything.
  weird: (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"weird":true}'),
  // A site's home page, or a proxy's login form: 200 and HTML.
  html: (_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Welcome to the lab's wiki</body></html>"),
  // nginx in front of a QueueManager that is down.
  badgateway: (_req, res) => void res.writeHead(502, "Bad Gateway", { "content-type": "text/html" }).end("<html><center><h1>502 Bad Gateway</h1></center></html>"),
  // A job that runs, then a server restarting (the connection dropped), then the job done.
  restart: (req, res) => {
    const step = restartSteps++;
    if (step === 1) return void req.socket.destroy();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ job: { id: 12, name: "fit", state: step ? "done" : "running", exitCode: step ? 0 : null, signal: null }, can: {} }));
  },
  // nginx sending plain HTTP to HTTPS.
  redirect: (req, res) => void res.writeHead(301, { location: `https://qm.lab.example${req.url}`, "content-type": "text/html" }).end("<html>301 Moved Permanently</html>"),
  // A whole file at once (1 MB), for a reader that takes its time.
  file: (_req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end(Buffer.alloc(1 << 20, "x")),
};

let restartSteps = 0;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    BEHAVIOURS[req.url!.split("/")[1]](req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

function io(behaviour: string, timeout = "0.3"): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env = { QM_URL: `${base}/${behaviour}`, QM_TIMEOUT: timeout, XDG_CONFIG_HOME: "/nonexistent" } as unknown as NodeJS.ProcessEnv;
  return { env, stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), prompt: async () => "", sleep: async () => undefined };
}

/** run() and how long it took. */
async function timed(argv: string[], x: CliIo): Promise<{ code: number; ms: number }> {
  const started = performance.now();
  const code = await run(argv, x);
  return { code, ms: performance.now() - started };
}

describe("a server that does not answer in time", () => {
  it("qm gives up after QM_TIMEOUT, says so and how to wait longer (exit 3)", async () => {
    const x = io("stall");
    const { code, ms } = await timed(["ls"], x);
    expect(code).toBe(3);
    expect(ms).toBeLessThan(3000);
    expect(x.stderr).toEqual([`qm ls: GET /stall/api/jobs: QueueManager at ${base} did not answer within 0.3 s; it may be overloaded, or QM_URL may point at something else (set QM_TIMEOUT=SECONDS to wait longer)`]);
  });

  it("a JSON answer that never ends is given up too, though bytes keep coming", async () => {
    const x = io("drip");
    const { code, ms } = await timed(["show", "12"], x);
    expect(code).toBe(3);
    expect(ms).toBeLessThan(3000);
    expect(x.stderr[0]).toMatch(/did not finish its answer within 0\.3 s/);
  });

  it("qm cat of a download that goes silent is given up", async () => {
    const x = io("halfdownload");
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) });
    const { code, ms } = await timed(["cat", "12", "results.csv"], { ...x, rawOut: sink });
    expect(code).toBe(3);
    expect(ms).toBeLessThan(3000);
    expect(x.stderr[0]).toMatch(/^qm cat: GET \/halfdownload\/api\/jobs\/12\/files\/raw: QueueManager at .* did not finish its answer within 0\.3 s/);
  });

  it("a download held back by a slow reader (qm cat | less) is no silence of the server's", async () => {
    const x = io("file");
    let bytes = 0;
    let first = true;
    // The first write is taken only after three timeouts' time, as a pager waiting for a key.
    const sink = new Writable({
      highWaterMark: 1,
      write: (c: Buffer, _e, done) => {
        bytes += c.length;
        if (!first) return done();
        first = false;
        setTimeout(done, 900);
      },
    });
    expect(await run(["cat", "12", "big.txt"], { ...x, rawOut: sink })).toBe(0);
    expect(x.stderr).toEqual([]);
    expect(bytes).toBe(1 << 20);
  });

  it("QM_TIMEOUT that is not a number of seconds is a usage error", async () => {
    const x = io("stall", "soon");
    expect(await run(["ls"], x)).toBe(2);
    expect(x.stderr).toEqual(['qm ls: QM_TIMEOUT takes a number of seconds from 0.1 to 86400 (such as 120), not "soon"']);
  });
});

describe("a server that restarts while qm waits", () => {
  it("a dropped connection is waited through, once the server has answered", async () => {
    const x = io("restart");
    expect(await run(["wait", "12"], x)).toBe(0);
    expect(x.stderr).toEqual([`qm wait: cannot reach QueueManager at ${base} (ECONNRESET); check QM_URL or qm login; trying again for up to 10 min (Ctrl-C to stop)`, "qm wait: QueueManager answers again"]);
  });
});

describe("a server that sends too much", () => {
  it("qm stops reading a JSON answer past its cap (16 MB) and says why", async () => {
    for (const behaviour of ["flood", "huge"]) {
      const x = io(behaviour, "30");
      expect(await run(["ls"], x), behaviour).toBe(1);
      expect(x.stderr, behaviour).toEqual([`qm ls: GET /${behaviour}/api/jobs: the answer is larger than 16 MB, far more than QueueManager sends; is QM_URL (${base}) the address of a QueueManager?`]);
    }
  });
});

describe("a server that is not QueueManager", () => {
  it("a web page's 200 is never taken for a done action", async () => {
    const x = io("html");
    expect(await run(["kill", "12"], x)).toBe(1);
    expect(x.stdout).toEqual([]);
    expect(x.stderr).toEqual([`job 12: POST /html/api/jobs/12/kill: the answer is not QueueManager's JSON (text/html); is QM_URL (${base}) the address of a QueueManager, not of a web page or a proxy's login?`]);
    const shown = io("html");
    expect(await run(["show", "12"], shown)).toBe(1);
    expect(shown.stderr[0]).toMatch(/^qm show: GET \/html\/api\/jobs\/12: the answer is not QueueManager's JSON/);
  });

  it("JSON without what its kind of answer holds is said to be not QueueManager's, never taken for a done action nor crashed on", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-weird-"));
    fs.writeFileSync(path.join(dir, "run.sh"), "echo hi\n");
    const commands = [
      ["kill", "1"], ["requeue", "1"], ["hold", "1"], ["release", "1"], ["delete", "1"], ["kill", "--array", "1"], ["update", "-p", "5", "1"],
      ["pause"], ["resume"], ["log", "1"], ["log", "-f", "1"], ["ls"], ["show", "1"], ["stats"], ["wait", "1"], ["whoami"],
      ["submit", path.join(dir, "run.sh")], ["submit", "--wait", "--wrap", "true"], ["download", "-o", dir, "1"],
    ];
    try {
      for (const argv of commands) {
        const x = io("weird");
        expect(await run(argv, x), argv.join(" ")).toBe(1);
        expect(x.stdout, argv.join(" ")).toEqual([]);
        expect(x.stderr.join("\n"), argv.join(" ")).toMatch(new RegExp(`${base}/weird: the answer to \\w+ /weird/api/\\S+ is not QueueManager's \\(no [^)]+ in it\\); is QM_URL right\\?`));
      }
      const killed = io("weird");
      await run(["kill", "1"], killed);
      expect(killed.stderr).toEqual([`job 1: ${base}/weird: the answer to POST /weird/api/jobs/1/kill is not QueueManager's (no "ok" in it); is QM_URL right?`]);
      expect(fs.readdirSync(dir)).toEqual(["run.sh"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a redirect (http:// sent to https://) is not followed but said, with the address to use (exit 3)", async () => {
    const x = io("redirect");
    expect(await run(["ls"], x)).toBe(3);
    expect(x.stderr).toEqual([
      "qm ls: GET /redirect/api/jobs: the server sends qm elsewhere (301 to https://qm.lab.example/redirect/api/jobs?view=running&pageSize=50); set QM_URL, --url or qm login to QueueManager's own address, such as https://qm.lab.example/redirect",
    ]);
    const cat = io("redirect");
    expect(await run(["cat", "12", "out.txt"], { ...cat, rawOut: new Writable({ write: (_c, _e, done) => done() }) })).toBe(3);
    expect(cat.stderr[0]).toMatch(/^qm cat: GET \/redirect\/api\/jobs\/12\/files\/raw: the server sends qm elsewhere \(301 to https:/);
  });

  it("a proxy's 502 page is said as a proxy that does not reach QueueManager", async () => {
    const x = io("badgateway");
    expect(await run(["ls"], x)).toBe(1);
    expect(x.stderr).toEqual([
      "qm ls: GET /badgateway/api/jobs: the server answered 502 Bad Gateway (text/html, not QueueManager's JSON): a proxy in front of QueueManager may not reach it, or the server failed; try again later, or tell the administrator",
    ]);
  });
});
