/**
 * The admin page's list of saved values that wait for a restart (GET/PUT /api/config
 * restartPending) names the worker's keys too (Limits, CPU_List, GPU_List, Job_Uids,
 * Run_As, executor): the worker records the values it started with in its heartbeat, and
 * a real worker runs here.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PendingRestart } from "../core/startup-keys";
import { qmLayout } from "../server/qm-folders";
import { createWorker, type Worker } from "../../worker/create-worker";
import { removeInstanceCgroups } from "../../worker/tests/helpers";
import { BASE, basic, cfgPath, databaseUrl, dir, login, qm, req, writeConfig } from "./api-test-harness";

type ConfigRoute = { GET: (r: Request) => Promise<Response>; PUT: (r: Request) => Promise<Response> };
const configRoute = () => import(/* @vite-ignore */ path.resolve(import.meta.dirname, "../../app/api/config/route.ts")) as Promise<ConfigRoute>;

let worker: Worker | undefined;
afterAll(async () => {
  await worker?.stop({ now: true });
  await removeInstanceCgroups(qmLayout(qm).internal);
});

describe("restartPending", () => {
  it("lists the worker's keys saved since it started (Limits, CPU_List), with the values it runs with", async () => {
    fs.chmodSync(dir, 0o755); // jobs run as unprivileged uids: they must reach QM_FOLDER
    writeConfig({}, { Limits: "auto" });
    worker = createWorker({ configPath: cfgPath, databaseUrl, log: () => undefined, heartbeatMs: 60_000 });
    await worker.start();
    const route = await configRoute();
    const before = (await (await route.GET(req("/api/config", { headers: basic() }))).json()) as { version: string; restartPending: PendingRestart[] };
    expect(before.restartPending).toEqual([]);

    const { cookie, csrf } = await login();
    const res = await route.PUT(req("/api/config", {
      method: "PUT",
      headers: { cookie, "x-qm-csrf": csrf, origin: BASE, "content-type": "application/json" },
      body: JSON.stringify({ version: before.version, values: { "QMServer.Limits": "none", "QMServer.CPU_List": "0" } }),
    }));
    expect(res.status, await res.clone().text()).toBe(200);
    const saved = (await res.json()) as { restartPending: PendingRestart[] };
    expect(saved.restartPending).toEqual([
      { id: "QMServer.Limits", key: "Limits", inForce: "auto", inFile: "none" },
      { id: "QMServer.CPU_List", key: "CPU_List", inForce: "all", inFile: "0" },
    ]);
    const again = (await (await route.GET(req("/api/config", { headers: basic() }))).json()) as { restartPending: PendingRestart[] };
    expect(again.restartPending.map((p) => p.key)).toEqual(["Limits", "CPU_List"]);
  });
});
