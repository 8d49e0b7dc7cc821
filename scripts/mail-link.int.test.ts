/**
 * The link in an end-of-job mail, with the real web server and worker (built), a real SMTP
 * server and a folder drop: after the administrator saves a new The_Port on the config
 * page, and until the web server is restarted on it, the link still names the port the web
 * server listens on (QM_PUBLIC_URL unset); with Host = 0.0.0.0, it names the machine.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QmInstance, createInstance } from "../bench/lib/qm-instance";
import { projectRoot } from "../lib/server/bootstrap";
import { machineName } from "../lib/server/machine-name";
import { startSmtpServer, waitFor } from "../worker/tests/helpers";
import { buildIfNeeded } from "./build-if-needed";
import { freePort } from "./free-port";

const ADMIN = "mail-link-admin";

let qm: QmInstance;
let PORT: number;
let SAVED_PORT: number; // saved in QMserv.cfg, never listened on in this test

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

beforeAll(async () => {
  buildIfNeeded(projectRoot); // a no-op after `npm test`'s build stage
  smtp = await startSmtpServer();
  PORT = await freePort();
  SAVED_PORT = PORT === 65535 ? 65534 : PORT + 1;
  qm = await createInstance({ port: PORT, settleMs: 200, adminPassword: ADMIN, keys: { MailActive: "True", smtp_host: "127.0.0.1", smtp_port: smtp.port } });
  await Promise.all([qm.startWeb(), qm.startWorker()]);
}, 120_000);

afterAll(async () => {
  await qm?.stop();
  await smtp?.close();
});

const admin = { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString("base64")}` };

/** Drop a job folder `name` mailing `email` into the instance's QM_qJobs; its mail once sent, and its id. */
async function mailOfDroppedJob(instance: QmInstance, name: string, email: string) {
  const job = path.join(instance.dir, name);
  fs.mkdirSync(job);
  fs.writeFileSync(path.join(job, "proc_config.cfg"), `[QMOptions]\nscript = echo ${name}\ne_mail = ${email}\n`);
  fs.renameSync(job, path.join(instance.queued, name));
  const mail = await waitFor("the job's mail", () => smtp.mails.find((m) => m.to.includes(email)), 60_000);
  const { id } = instance.db.prepare(`SELECT "id" FROM "Job" WHERE "name" = ?`).get(name) as { id: number };
  return { mail, id };
}

describe("the link in a job's mail", () => {
  it("names the port the web server listens on, not a The_Port saved for its next start", async () => {
    const form = (await (await fetch(`${qm.baseUrl}/api/config`, { headers: admin })).json()) as { version: string };
    const saved = await fetch(`${qm.baseUrl}/api/config`, {
      method: "PUT",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ version: form.version, values: { "WEB_QMserver.The_Port": String(SAVED_PORT) } }),
    });
    expect(saved.status, await saved.clone().text()).toBe(200);
    expect(fs.readFileSync(qm.env.QM_CONFIG!, "utf8")).toMatch(new RegExp(`^The_Port = ${SAVED_PORT}$`, "m"));

    const { mail, id } = await mailOfDroppedJob(qm, "linked", "owner@lab.org");
    expect(mail.raw).toContain(`http://127.0.0.1:${PORT}/jobs/${id}`);
    expect(mail.raw).not.toContain(`:${SAVED_PORT}/`);
  }, 120_000);
});

describe("the link in a job's mail, with Host = 0.0.0.0", () => {
  let everywhere: QmInstance | undefined;
  afterAll(async () => everywhere?.stop());

  it("names this machine, and opens the job's page there", async () => {
    const port = await freePort();
    everywhere = await createInstance({ port, host: "0.0.0.0", settleMs: 200, adminPassword: ADMIN, keys: { MailActive: "True", smtp_host: "127.0.0.1", smtp_port: smtp.port } });
    await Promise.all([everywhere.startWeb(), everywhere.startWorker()]);
    const { mail, id } = await mailOfDroppedJob(everywhere, "everywhere", "reader@lab.org");
    const link = `http://${machineName()}:${port}/jobs/${id}`;
    expect(mail.raw).toContain(link);
    expect(mail.raw).not.toContain("0.0.0.0");
    // The name resolves here and the server answers to it (host-check.ts): the reader's click works.
    const page = await fetch(link);
    expect(page.status).toBe(200);
  }, 120_000);
});
