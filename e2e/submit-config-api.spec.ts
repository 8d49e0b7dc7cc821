import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { env } from "./job-helpers";
import { userJobZip } from "./submit-helpers";

const basic = { authorization: `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}` };

test("the config API: errors per field, stale versions, unknown keys, no anonymous edits", async ({ request }) => {
  const original = fs.readFileSync(env.configPath, "utf8");
  const form = await (await request.get("/api/config", { headers: basic })).json();
  expect(form.version).toMatch(/^[0-9a-f]{32}$/);

  const bad = await request.put("/api/config", { headers: basic, data: { version: form.version, values: { "QMServer.MaxNbProcessors": "x", "WEB_QMserver.The_Port": "80", "QMServer.Nope": "1" } } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({
    code: "INVALID_INPUT",
    details: {
      "QMServer.MaxNbProcessors": "MaxNbProcessors must be a whole number",
      "WEB_QMserver.The_Port": "The_Port must be at least 1024",
      "QMServer.Nope": "QMServer.Nope is not a key of [QMServer] or [WEB_QMserver]",
    },
  });

  const stale = await request.put("/api/config", { headers: basic, data: { version: "0".repeat(32), values: { "QMServer.MaxNbProcessors": "4" } } });
  expect(stale.status()).toBe(409);
  expect((await stale.json()).error.code).toBe("CONFLICT");

  const anonymous = await request.put("/api/config", { headers: { "x-qm-csrf": "1" }, data: { version: form.version, values: {} } });
  expect(anonymous.status()).toBe(401);
  expect(fs.readFileSync(env.configPath, "utf8")).toBe(original);
});

test("the submit and stats APIs refuse what they cannot use", async ({ request }) => {
  // Without the CSRF header a browser form on another site could submit jobs: refused.
  const noCsrf = await request.post("/api/jobs", { multipart: { file: { name: "j.zip", mimeType: "application/zip", buffer: await userJobZip("j") } } });
  expect(noCsrf.status()).toBe(403);
  const crossSite = await request.post("/api/jobs", {
    headers: { "x-qm-csrf": "1", origin: "http://evil.example" },
    multipart: { file: { name: "j.zip", mimeType: "application/zip", buffer: await userJobZip("j") } },
  });
  expect(crossSite.status()).toBe(403);
  const days = await request.get("/api/stats?days=0");
  expect(days.status()).toBe(400);
  expect((await days.json()).error.details).toEqual({ days: "days must be at least 1" });
});
