/**
 * deploy/nginx/queuemanager.conf in front of a real QueueManager (the built web server and
 * the worker program): nginx started by the test on unusual ports, TLS with a throw-away
 * certificate. A 200 MB job goes up with curl, streamed (nothing spooled in nginx's body
 * folder, the web server's memory flat) and runs; a client cannot pass for another address
 * through X-Forwarded-For; an upload over Max_Upload_MB is refused through the proxy too; a
 * browser's login on a port other than 443 passes the Origin check.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QmInstance, createInstance } from "../bench/lib/qm-instance";
import { sampleRss } from "../bench/lib/proc";
import { makeBigZip } from "../bench/workloads/streaming";
import { cliToken } from "../bench/workloads/cli";
import { buildIfNeeded } from "./build-if-needed";
import { renderNginx, throwAwayCertificate } from "./deploy-configs";
import { projectRoot } from "../lib/server/bootstrap";
import { waitFor } from "../worker/tests/helpers";
import { freePort } from "./free-port";

const run = promisify(execFile);
let dir: string;
let qm: QmInstance;
let nginx: ChildProcess;
let https: string;
let cert: string;
let ports: { http: number; https: number; upstream: number };


/** curl as a user runs it, trusting the throw-away certificate; returns status and body. */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run("curl", ["-sS", "--cacert", cert, "-w", "\n%{http_code}", ...args], { maxBuffer: 1 << 24 });
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

/** Set [WEB_QMserver] keys in QMserv.cfg (none of them is also a [QMServer] key). */
function setWebKeys(keys: Record<string, string>): void {
  const file = qm.env.QM_CONFIG!;
  let text = fs.readFileSync(file, "utf8");
  for (const [k, v] of Object.entries(keys)) {
    const line = new RegExp(`^${k} = .*$`, "m");
    text = line.test(text) ? text.replace(line, `${k} = ${v}`) : text.replace("[WEB_QMserver]\n", `[WEB_QMserver]\n${k} = ${v}\n`);
  }
  fs.writeFileSync(file, text);
  const t = new Date(Date.now() + 2000);
  fs.utimesSync(file, t, t); // the web server re-reads QMserv.cfg when its mtime changes
}

beforeAll(async () => {
  buildIfNeeded(projectRoot); // a no-op after `npm test`'s build stage
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-proxy-"));
  qm = await createInstance({ port: await freePort(), settleMs: 200 });
  setWebKeys({ Trusted_Proxies: "127.0.0.1", Metrics_Allow: "127.0.0.1" });
  await Promise.all([qm.startWeb(), qm.startWorker()]);
  const tls = throwAwayCertificate(dir);
  cert = tls.cert;
  // A free port may be taken by a test running beside this one before nginx binds it:
  // nginx then exits at once, saying so, and gets two more tries on other ports.
  for (let attempt = 1; ; attempt++) {
    ports = { http: await freePort(), https: await freePort(), upstream: Number(new URL(qm.baseUrl).port) };
    nginx = spawn("nginx", ["-c", renderNginx(dir, ports, tls)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    nginx.stderr!.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<boolean>((resolve) => nginx.once("exit", () => resolve(true)));
    https = `https://127.0.0.1:${ports.https}`;
    const up = waitFor("nginx", async () => (await curl([`${https}/api/health`]).catch(() => ({ status: 0 }))).status === 200, 30_000, 100).then(() => false);
    up.catch(() => undefined); // after an exit nobody waits for it any more
    if (!(await Promise.race([up, exited]))) break;
    if (attempt === 3) throw new Error(`nginx exited at each of 3 tries; the last said: ${stderr.trim()}`);
  }
});

afterAll(async () => {
  nginx?.kill("SIGQUIT");
  await qm?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("QueueManager behind deploy/nginx", () => {
  it("streams a 200 MB upload through TLS to the job that runs it", async () => {
    const zip = path.join(dir, "big.zip");
    await makeBigZip(zip, 200);
    const rss = sampleRss(qm.web!.pid!);
    const started = Date.now();
    const res = await curl(["-H", "x-qm-csrf: 1", "-F", `file=@${zip}`, `${https}/api/jobs`]);
    const seconds = (Date.now() - started) / 1000;
    const peakMb = rss.stop();
    expect(res.status, res.body).toBe(201);
    const { job } = JSON.parse(res.body) as { job: { id: number } };
    // nginx says so in its log when it spools a request body to disk instead of streaming it.
    expect(fs.readFileSync(path.join(dir, "error.log"), "utf8")).not.toMatch(/buffered to a temporary file/);
    console.log(`200 MB through nginx + TLS: ${seconds.toFixed(1)} s (${(200 / seconds).toFixed(0)} MB/s), web server RSS peak ${peakMb.toFixed(0)} MB`);
    expect(peakMb).toBeLessThan(400);

    const row = await waitFor("the job done", () => {
      const found = qm.db.prepare(`SELECT "state", "folder" FROM "Job" WHERE "id" = ?`).get(job.id) as { state: string; folder: string } | undefined;
      return found?.state === "done" ? found : null;
    }, 60_000);
    expect(fs.statSync(path.join(qm.qmFolder, row.folder, "data.bin")).size).toBe(200 * 1024 * 1024);
    expect(fs.readFileSync(path.join(qm.qmFolder, row.folder, "process.log"), "utf8")).toContain(String(200 * 1024 * 1024));
  });

  it("believes the address nginx saw, not one the client wrote, and passes refusals on", async () => {
    // nginx overwrites X-Forwarded-For with the connection's address (127.0.0.1 here).
    expect((await curl(["-H", "X-Forwarded-For: 10.9.9.9", `${https}/api/metrics`])).status).toBe(200);
    setWebKeys({ Metrics_Allow: "10.9.9.9" });
    const spoofed = await curl(["-H", "X-Forwarded-For: 10.9.9.9", `${https}/api/metrics`]);
    expect(spoofed.status).toBe(403);
    expect(spoofed.body).toContain("this request came from 127.0.0.1");
    // An upload over Max_Upload_MB: refused by QueueManager from its declared size, answered through nginx.
    setWebKeys({ Max_Upload_MB: "1" });
    const big = path.join(dir, "over.zip");
    await makeBigZip(big, 5);
    const refused = await curl(["-H", "x-qm-csrf: 1", "-F", `file=@${big}`, `${https}/api/jobs`]);
    expect(refused.status).toBe(413);
    expect(refused.body).toContain("Max_Upload_MB");
    // Plain HTTP is sent to HTTPS.
    const plain = await curl(["-o", "/dev/null", "-D", "-", `http://127.0.0.1:${ports.http}/api/health`]);
    expect(plain.status).toBe(301);
    expect(plain.body).toMatch(/^Location: https:\/\/127\.0\.0\.1\/api\/health\r?$/im);
  });

  it("answers a path with a malformed %-encoding 400 in the API's error shape", async () => {
    // Next answered /api/jobs/%ZZ with a plain-text 500 before any route of ours ran. Directly
    // to the web server: nginx refuses such a path itself (a 400 page of its own).
    const res = await curl(["--path-as-is", `${qm.baseUrl}/api/jobs/%ZZ`]);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "INVALID_INPUT", message: expect.stringContaining("malformed %-encoding") } });
  });

  it("answers a method an API address does not take 405 in the API's error shape, through nginx too", async () => {
    // Next answered PUT /api/jobs/12 with an empty 405.
    for (const base of [qm.baseUrl, https]) {
      const res = await curl(["-X", "PUT", "-H", "content-type: application/json", "-d", "{}", `${base}/api/jobs/12?x=1`]);
      expect(res.status).toBe(405);
      expect(JSON.parse(res.body)).toEqual({ error: { code: "METHOD_NOT_ALLOWED", message: expect.stringMatching(/^\/api\/jobs\/12 does not take PUT requests; docs\/api\.md/) } });
    }
    // The methods it does take are untouched: GET of a job that does not exist is the route's 404.
    expect((await curl([`${qm.baseUrl}/api/jobs/999999`])).status).toBe(404);
  });

  it("lets a browser log in on a port other than 443 (its Origin, port included, matches the Host nginx passes)", async () => {
    // A browser sends Origin on a POST; QueueManager refuses one whose host differs from Host.
    const login = await curl(["-H", `Origin: ${https}`, "-H", "x-qm-csrf: 1", "-H", "content-type: application/json", "-d", JSON.stringify({ username: "admin", password: "bench-admin" }), `${https}/api/auth/login`]);
    expect(login.status, login.body).toBe(200);
    const foreign = await curl(["-H", "Origin: https://elsewhere.example", "-H", "x-qm-csrf: 1", "-H", "content-type: application/json", "-d", "{}", `${https}/api/auth/login`]);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("came from another site");
  });

  it("takes a job from the qm command over TLS (its node:https, loaded only for an https:// QM_URL)", async () => {
    const token = await cliToken(qm);
    const qmCommand = (args: string[], caFile = cert) =>
      spawnSync(process.execPath, [path.join(projectRoot, "bin/qm.cjs"), ...args], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: dir, QM_URL: https, QM_TOKEN: token, NODE_EXTRA_CA_CERTS: caFile, NODE_ENV: "production" },
      });
    const submitted = qmCommand(["submit", "--wrap", "echo over-tls; exit 3", "--name", "tls", "--wait"]);
    expect(submitted.status, submitted.stderr).toBe(3);
    const id = Number(submitted.stdout.trim().split("\n")[0]);
    const log = qmCommand(["log", String(id)]);
    expect(log.status, log.stderr).toBe(0);
    expect(log.stdout).toContain("over-tls");
    // A certificate it has no reason to trust: refused, saying so (exit 3: unreachable).
    const untrusted = qmCommand(["ls"], "/dev/null");
    expect(untrusted.status).toBe(3);
    expect(untrusted.stderr).toMatch(/cannot reach QueueManager at https:\/\/127\.0\.0\.1:\d+ \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify the first certificate|self[- ]signed certificate)/);
  });
});
