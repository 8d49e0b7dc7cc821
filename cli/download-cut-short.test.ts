/**
 * qm download when the server stops in the middle of a zip (it closes the connection: a
 * folder changed while it was read, a restart): no file that looks whole is left, and the
 * command says so and fails. A node:http server plays the server's side of the cut.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { run } from "./run";

let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/api/jobs/5") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ job: { id: 5, name: "fit" } }));
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
