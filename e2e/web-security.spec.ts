/**
 * The web against a hostile network and a hostile job, over real HTTP: the built app
 * behind QueueManager's own web server (scripts/web-server.ts), a real worker running a
 * job that flips its files into links to /etc/passwd. Two of these tests start a second
 * web server process of their own (same database and QM_FOLDER) to read its log and its
 * memory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { applyMigrations } from "../prisma/tools/schema-engine";
import { unzip } from "../lib/server/zip/zip-fixtures";
import { dropJob, env, uniqueName } from "./job-helpers";

const root = path.resolve(import.meta.dirname, "..");
const MB = 1024 * 1024;

interface OwnServer {
  child: ChildProcess;
  baseURL: string;
  log: () => string;
}

/** A second web server of the built app on a free port, its output kept for the test. */
async function startOwnServer(host = "127.0.0.1", extraEnv: Record<string, string> = {}): Promise<OwnServer> {
  const child = spawn(process.execPath, [path.join(root, "dist/web/server.mjs"), root, host, "0"], {
    cwd: root,
    env: { ...env.processEnv, NODE_ENV: "production", QM_SKIP_MIGRATE: "1", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const started = Date.now();
  const ready = /ready on (http:\/\/\S+:\d+)/;
  while (!ready.test(output)) {
    if (Date.now() - started > 30_000 || child.exitCode !== null) throw new Error(`the web server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, baseURL: ready.exec(output)![1], log: () => output };
}

async function stopOwnServer(server: OwnServer): Promise<void> {
  if (server.child.exitCode !== null) return;
  server.child.kill("SIGTERM");
  await new Promise((r) => server.child.once("exit", r));
}

/** This machine's first address that is not loopback: a browser using it is "another machine" to the server. */
function outsideAddress(): string {
  const address = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
  if (!address) throw new Error("this test needs a network interface with a non-loopback IPv4 address");
  return address;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

/** A body of `mb` MB streamed to `url`; resolves with the answer (or the error) and the time it took. */
function postHuge(url: string, mb: number): Promise<{ status: number | string; body: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const request = http.request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": String(mb * MB) } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body, ms: Date.now() - started }));
    });
    request.on("error", (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? "error", body: "", ms: Date.now() - started }));
    const chunk = Buffer.alloc(MB, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < mb) {
        sent++;
        if (!request.write(chunk)) return void request.once("drain", write);
      }
      request.end();
    };
    write();
  });
}

/** GET with a deadline: the answer's status and body, "cut" when the stream broke off. */
async function fetchWithin(url: string, ms: number): Promise<{ status: number; body: Buffer | "cut" }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  const body = await res.arrayBuffer().then((b) => Buffer.from(b), () => "cut" as const);
  return { status: res.status, body };
}

const basic = { authorization: `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}` };

test("rotating X-Forwarded-For (and a forged x-qm-peer-address) gives no extra login attempts", async ({ request }) => {
  const user = uniqueName("nobody"); // an account of its own: the administrator's logins stay unaffected
  const attempt = (i: number, password = "wrong") =>
    request.post("/api/auth/login", { data: { username: user, password }, headers: { "x-forwarded-for": `203.0.113.${i}`, "x-qm-peer-address": `198.51.100.${i}` } });
  for (let i = 0; i < 5; i++) expect((await attempt(i)).status()).toBe(401);
  const sixth = await attempt(99);
  expect(sixth.status()).toBe(429);
  expect(sixth.headers()["retry-after"]).toBe("1");
  expect((await sixth.json()).error.message).toBe("Too many failed logins from here; wait 1 second and try again.");
});

test("first setup from a DNS-rebinding page (Host rebind.attacker.example, matching Origin) is refused by the Host check", async () => {
  const port = new URL(env.baseURL).port;
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/api/auth/setup", method: "POST", headers: { host: `rebind.attacker.example:${port}`, origin: `http://rebind.attacker.example:${port}`, "content-type": "application/json" } },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ username: "mallory", password: "mallory's password" }));
  });
  expect(answer.status).toBe(403); // refused for its Host, before setup is even considered
  expect(JSON.parse(answer.body).error.message).toMatch(/does not answer to the name "rebind.attacker.example"/);
});

test.describe("with a web server of the test's own", () => {
  let server: OwnServer;
  test.beforeAll(async () => {
    server = await startOwnServer();
  });
  test.afterAll(async () => stopOwnServer(server));

  test("a 200 MB JSON body is refused fast and the server's memory does not grow", async () => {
    const pid = server.child.pid!;
    await fetch(`${server.baseURL}/api/auth/login`, { method: "POST", body: "{}" }); // load the route first
    const before = rssMb(pid);
    const answer = await postHuge(`${server.baseURL}/api/auth/login`, 200);
    const after = rssMb(pid);
    console.log(`200 MB body to /api/auth/login: ${answer.status} in ${answer.ms} ms; web server RSS ${before.toFixed(0)} MB -> ${after.toFixed(0)} MB`);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe("TOO_LARGE");
    expect(after - before).toBeLessThan(50);
  });

  test("a kept-alive connection idle for 6 s still answers (the server does not close it at Node's 5 s, racing the client's next request)", async () => {
    const url = new URL(server.baseURL);
    const socket = net.connect(Number(url.port), url.hostname);
    let received = "";
    let closed = false;
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("close", () => (closed = true));
    const ask = () => socket.write(`GET /api/health HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`);
    const answers = () => received.match(/^HTTP\/1\.1 \d+/gm)?.length ?? 0;
    try {
      ask();
      await expect.poll(answers).toBe(1);
      await new Promise((r) => setTimeout(r, 6_000));
      expect(closed).toBe(false);
      ask();
      await expect.poll(answers).toBe(2);
    } finally {
      socket.destroy();
    }
  });

  test("downloads the client drops after 64 KB (the table viewer does it to every large CSV) stop the reading and throw nothing", async ({ request }) => {
    test.setTimeout(90_000);
    const name = uniqueName("big-output");
    // Hardly compressible: a zip's reading then follows what is sent. As text, it is served compressed.
    dropJob(name, "head -c 23592960 /dev/urandom | base64 > big.csv");
    let id = 0;
    await expect
      .poll(async () => {
        const listed = await (await request.get(`/api/jobs?view=finished&q=${name}`)).json();
        id = listed.jobs.find((j: { name: string; state: string }) => j.name === name && j.state === "done")?.id ?? 0;
        return id;
      }, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const readBytes = () => Number(/rchar: (\d+)/.exec(fs.readFileSync(`/proc/${server.child.pid}/io`, "utf8"))![1]);
    const before = readBytes();
    for (let round = 0; round < 5; round++) {
      for (const url of [`/api/jobs/${id}/files/raw?path=big.csv`, `/api/jobs/${id}/download`]) {
        const res = await fetch(`${server.baseURL}${url}`);
        const reader = res.body!.getReader();
        for (let got = 0; got < 64 * 1024; ) got += (await reader.read()).value?.length ?? Infinity;
        await reader.cancel();
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    const readMb = (readBytes() - before) / MB;
    console.log(`10 downloads of a 30 MB job dropped after 64 KB: the server read ${readMb.toFixed(1)} MB`);
    expect(readMb).toBeLessThan(60); // whole, they are 300 MB
    expect((await fetch(`${server.baseURL}/api/status`)).status).toBe(200);
    expect(server.log()).not.toMatch(/uncaughtException|unhandledRejection|Controller is already closed/);
  });

  test("100 downloads (raw and zip) while a running job flips its files into links to /etc/passwd: no leak, no hang, no uncaught exception", async () => {
    test.setTimeout(180_000);
    const name = uniqueName("flipper");
    dropJob(
      name,
      [
        "mkdir -p d && echo safe > d/passwd && echo safe > f && echo safe > h",
        "end=$(( $(date +%s) + 150 ))",
        "while [ $(date +%s) -lt $end ]; do",
        "  ln -sfn /etc/passwd f.tmp && mv -T f.tmp f; echo safe > f.new && mv -T f.new f",
        "  mv -T d d.real && ln -sfn /etc d; rm -f d && mv -T d.real d",
        "  ln -f /etc/passwd h.tmp && mv -T h.tmp h; echo safe > h.new && mv -T h.new h",
        "done",
      ].join("\n"),
    );
    const folder = path.join(env.qmFolder, "QM_Jobs", name);
    await expect.poll(() => fs.existsSync(path.join(folder, "d.real")) || fs.existsSync(path.join(folder, "d")), { timeout: 30_000 }).toBe(true);
    const listed = await (await fetch(`${server.baseURL}/api/jobs?view=running`, { headers: basic })).json();
    const id = listed.jobs.find((j: { name: string }) => j.name === name).id;

    const seen = { safe: 0, refused: 0, zips: 0, cut: 0 };
    for (let round = 0; round < 100; round++) {
      const answers = await Promise.all([
        ...["f", "h", "d/passwd"].map((p) => fetchWithin(`${server.baseURL}/api/jobs/${id}/files/raw?path=${p}`, 15_000)),
        fetchWithin(`${server.baseURL}/api/jobs/${id}/download`, 15_000),
      ]);
      for (const { status, body } of answers.slice(0, 3)) {
        expect([200, 403, 404]).toContain(status);
        if (body === "cut") seen.cut++;
        else expect(body.toString()).not.toContain("root:x:0:0");
        if (status === 200 && body !== "cut" && body.toString() === "safe\n") seen.safe++;
        if (status !== 200) seen.refused++;
      }
      const zip = answers[3];
      expect(zip.status).toBe(200);
      const entries = zip.body === "cut" ? null : await unzip(zip.body).catch(() => null);
      if (!entries) seen.cut++;
      else {
        seen.zips++;
        for (const [entry, content] of entries) expect(content, entry).not.toContain("root:x:0:0");
      }
    }
    console.log(`flipping job, 100 rounds: ${seen.safe} raw reads of the job's own files, ${seen.refused} refused, ${seen.zips} zips, ${seen.cut} cut off`);
    await fetch(`${server.baseURL}/api/jobs/${id}/kill`, { method: "POST", headers: basic });
    const stateOf = async () => (await (await fetch(`${server.baseURL}/api/jobs/${id}`, { headers: basic })).json()).job.state;
    await expect.poll(stateOf, { timeout: 30_000 }).not.toMatch(/^(running|queued)$/); // its processor is free for the next tests
    expect(seen.safe).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0); // the job was flipping meanwhile: the race did happen
    expect(seen.zips).toBeGreaterThan(90);
    expect((await fetch(`${server.baseURL}/api/status`)).status).toBe(200);
    expect(server.log()).not.toMatch(/uncaughtException|unhandledRejection|unexpected error/);
  });
});

test("first setup from another machine asks for the one-time token of the server log, then logs the administrator in", async ({ page }) => {
  // A fresh database (no administrator yet), served on a non-loopback address.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-e2e-setup-"));
  const databaseUrl = `file:${path.join(dir, "qm.db")}`;
  await applyMigrations(root, databaseUrl);
  const server = await startOwnServer(outsideAddress(), { DATABASE_URL: databaseUrl });
  try {
    await page.goto(`${server.baseURL}/setup`);
    await expect(page.getByLabel("Setup token (from the server log)")).toBeVisible();
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Password", { exact: true }).fill("remote setup secret");
    await page.getByLabel("Password again").fill("remote setup secret");
    await page.getByLabel("Setup token (from the server log)").fill("not-the-token");
    await page.getByRole("button", { name: "Create and log in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText("this is not the token in the web server's log; copy it again from the line starting with [setup]");
    await expect(page.getByLabel("Setup token (from the server log)")).toHaveAttribute("aria-invalid", "true");

    const token = /\[setup\] .*setup token: (\S+)/.exec(server.log())?.[1];
    expect(token, "the [setup] line of the server log").toBeTruthy();
    await page.getByLabel("Setup token (from the server log)").fill(token!);
    await page.getByRole("button", { name: "Create and log in" }).click();
    await expect(page.getByTestId("session-status")).toContainText("admin");
  } finally {
    await stopOwnServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("first setup from this machine as a job's uid is refused without the token; the web server's own account needs none", async () => {
  // A fresh database (no administrator yet), on 127.0.0.1: what a job of this machine reaches.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-e2e-setup-"));
  const databaseUrl = `file:${path.join(dir, "qm.db")}`;
  await applyMigrations(root, databaseUrl);
  const server = await startOwnServer("127.0.0.1", { DATABASE_URL: databaseUrl });
  const body = (username: string) => JSON.stringify({ username, password: "a good long password" });
  try {
    // As a job runs: an unprivileged uid of its own (Job_Uids' default range), no groups.
    const post = `fetch(process.argv[1] + "/api/auth/setup", { method: "POST", headers: { "content-type": "application/json" }, body: process.argv[2] })
      .then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.json() })))`;
    const asJob = spawn("setpriv", ["--reuid=61999", "--regid=61999", "--clear-groups", process.execPath, "-e", post, server.baseURL, body("mallory")], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    asJob.stdout!.on("data", (c) => (out += c));
    await new Promise((r) => asJob.once("exit", r));
    const refused = JSON.parse(out) as { status: number; body: { error: { message: string } } };
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/other than the web server's.*setup token/);
    expect(server.log()).toMatch(/\[setup\] .*setup token: \S+/);

    const asOperator = await fetch(`${server.baseURL}/api/auth/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: body("admin") });
    expect(asOperator.status).toBe(201);
  } finally {
    await stopOwnServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
