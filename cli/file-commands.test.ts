/**
 * qm download when the server stops in the middle of a zip (it closes the connection: a
 * folder changed while it was read, a restart): no file that looks whole is left, and the
 * command says so and fails. qm cat: bytes as they are when redirected, control characters
 * escaped on a terminal. A node:http server plays the server's side.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { run } from "./run";

const CONTENT = Buffer.concat([Buffer.from("été \u001b]0;PWNED\u0007 done\n", "utf8"), Buffer.from([0xff, 0x00])]);
let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/api/jobs/5") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ job: { id: 5, name: "fit", state: "done" }, can: {} }));
    if (req.url === "/api/jobs/5/files/raw?path=out%2Flog.txt&download=1") return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(CONTENT);
    // A file a Latin-1 system named: its é is the one byte 0xE9, sent as that byte.
    if (req.url === "/api/jobs/5/files/raw?path=r%E9sultat.txt&download=1") return void res.writeHead(200, { "content-type": "text/plain" }).end("caf\u00e9\n");
    // 8 MB of lines, more than a pipe holds: the reader closes it long before the end.
    if (req.url === "/api/jobs/5/files/raw?path=big.txt&download=1") return void res.writeHead(200, { "content-type": "text/plain" }).end(Buffer.alloc(8 * 1024 * 1024, "line\n"));
    if (req.url === "/api/jobs/5/download") {
      res.writeHead(200, { "content-type": "application/zip" });
      res.write(Buffer.alloc(64 * 1024, 7), () => res.socket?.destroy());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("a zip cut short leaves nothing in the folder and fails with the reason", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-download-"));
  try {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = { env: { QM_URL: url } as unknown as NodeJS.ProcessEnv, out: (t: string) => stdout.push(t), err: (t: string) => stderr.push(t), prompt: async () => "", sleep: async () => undefined };
    expect(await run(["download", "-o", dir, "5"], io)).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr.join("\n")).toMatch(/^qm download: job 5: GET \/api\/jobs\/5\/download: the server stopped sending before the end$/);
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it("qm cat sends the bytes as they are when redirected, and escapes control characters on a terminal", async () => {
  const sinkOf = (isTTY: boolean) => {
    const chunks: Buffer[] = [];
    const sink = Object.assign(new PassThrough(), { isTTY });
    sink.on("data", (c: Buffer) => chunks.push(c));
    return { sink, bytes: () => Buffer.concat(chunks) };
  };
  const io = (rawOut: NodeJS.WritableStream) => ({ env: { QM_URL: url } as unknown as NodeJS.ProcessEnv, out: () => undefined, err: () => undefined, prompt: async () => "", sleep: async () => undefined, rawOut });
  const piped = sinkOf(false);
  expect(await run(["cat", "5", "./out/log.txt"], io(piped.sink))).toBe(0);
  expect(piped.bytes().equals(CONTENT)).toBe(true);
  const terminal = sinkOf(true);
  expect(await run(["cat", "5", "out/log.txt"], io(terminal.sink))).toBe(0);
  expect(terminal.bytes().toString("utf8")).toBe("été \\u001b]0;PWNED\\u0007 done\n\ufffd\\u0000");
});

it("qm cat into a reader that stops early (| head) ends quietly with 0, as done", async () => {
  // The real command, its standard output a pipe closed after the first bytes: it said
  // "qm: stopped before the command finished" and exited 1.
  const root = path.resolve(import.meta.dirname, "..");
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "cli/main.ts"), "cat", "5", "big.txt"], {
    cwd: root,
    env: { ...process.env, QM_URL: url, QM_TOKEN: "", XDG_CONFIG_HOME: "/nonexistent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  child.stdout.once("data", () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  expect(stderr).toBe("");
  expect(code).toBe(0);
}, 20_000);

it("qm cat names a file whose name is not UTF-8 as the shell gave it (Node alone reads its byte as U+FFFD)", async () => {
  // The real command, its argument's é the one Latin-1 byte 0xE9 (printf '\351'), as a user
  // types it: qm cat 5 $'r\xe9sultat.txt'. Without its bytes it asked for r%EF%BF%BDsultat.txt.
  const root = path.resolve(import.meta.dirname, "..");
  const child = spawn("sh", ["-c", `exec "$0" --import tsx cli/main.ts cat 5 "$(printf 'r\\351sultat.txt')"`, process.execPath], {
    cwd: root,
    env: { ...process.env, QM_URL: url, QM_TOKEN: "", XDG_CONFIG_HOME: "/nonexistent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c));
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  expect(stderr).toBe("");
  expect(stdout).toBe("caf\u00e9\n");
  expect(code).toBe(0);
}, 20_000);
