/**
 * A QM 0.4 QMserv.cfg run by a real worker: its Gmail keys send the end-of-job mail (to a
 * real SMTP server standing in for smtp.gmail.com through QM_GMAIL_SMTP_URL, logging in
 * as MailSender), and with no Failed_Jobs key a failed job stays in QM_dJobs as in QM 0.4.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, startSmtpServer, submitJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

const GMAIL = { user: "lab.queue@gmail.com", password: "abcd efgh ijkl mnop" };
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let env: TestEnv;
let worker: InProcessWorker | undefined;
const saved = { ...process.env };

beforeAll(async () => {
  smtp = await startSmtpServer(GMAIL);
});
afterAll(() => smtp.close());
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await env?.cleanup();
  for (const key of ["QM_GMAIL_SMTP_URL", "MailSender", "MailSecretKey"]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

/** QMserv.cfg as QM 0.4 shipped it (its comments and keys), pointed at the test's folder. */
function qm04Config(mailKeys: string): string {
  return `[QMServer]
# Specify the path where you have placed QM_* folders - should be an absolute address (starts with /)
QM_FOLDER = ${env.layout.root}
# %integer% %min:1%
MaxNbProcessors = 2
# %select:non-blocking:blocking%
launch_type = non-blocking
job_file = proc_config.cfg
# If MailActive is TRUE, a mail is sent when a job is finished
MailActive = True
# if the keys are missing (commented out) the program will use Environment variables with the same name
${mailKeys}
# %boolean%
Debug = False

[WEB_QMserver]
Host = localhost
# %integer% %min:1024% %max:16535%
The_Port = 9900
Licence_to_kill = False
Debug = False
`;
}

async function startWith(mailKeys: string, extraEnv: Record<string, string> = {}) {
  Object.assign(process.env, { QM_GMAIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, ...extraEnv });
  env = await createTestEnv();
  fs.writeFileSync(env.configPath, qm04Config(mailKeys));
  worker = await startWorker(env, { publicUrl: "http://qm.test:9900" });
}

describe("a QM 0.4 installation's QMserv.cfg", () => {
  it("mails through Gmail's settings (MailSender / MailSecretKey) and keeps failed jobs in QM_dJobs", async () => {
    await startWith(`MailSender = ${GMAIL.user}\nMailSecretKey = ${GMAIL.password}`);
    expect(worker!.worker.config().smtp).toMatchObject({ via: "gmail", user: GMAIL.user, port: smtp.port });
    const id = await submitJob(env, "qm04 failing", { script: "echo working; exit 4", email: "ann@lab.org" });
    const row = await waitForJob(env, "qm04 failing", ["failed", "done"]);
    expect(row).toMatchObject({ id, state: "failed", exitCode: 4 });
    expect(row.folder).toMatch(/^QM_dJobs\/.*-qm04 failing$/);
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8")).toMatch(/ended .*: exit code 4, duration .*, state failed/);
    const mail = await waitFor("mail to ann", () => smtp.mails.find((m) => m.to.includes("ann@lab.org") && m.raw.includes("qm04 failing")));
    expect(mail.user).toBe(GMAIL.user);
    expect(mail.raw).toMatch(new RegExp(`^From: ${GMAIL.user.replace(/\./g, "\\.")}`, "m"));
    await waitFor("mail-sent event", () => env.db.jobEvent.findFirst({ where: { jobId: id, kind: "mail-sent" } }));
  });

  it("reads the forks' SendMail / SecKey", async () => {
    await startWith(`SendMail = ${GMAIL.user}\nSecKey = ${GMAIL.password}`);
    await submitJob(env, "forked keys", { script: "true", email: "bob@lab.org" });
    const mail = await waitFor("mail to bob", () => smtp.mails.find((m) => m.to.includes("bob@lab.org") && m.raw.includes("forked keys")));
    expect(mail.user).toBe(GMAIL.user);
  });

  it("falls back on the MailSender / MailSecretKey environment variables when the keys are commented out", async () => {
    await startWith(`# MailSender = your_gmail_username_here\n# MailSecretKey = your_gmail_apppasswd_here`, { MailSender: GMAIL.user, MailSecretKey: GMAIL.password });
    await submitJob(env, "env keys", { script: "true", email: "carl@lab.org" });
    const mail = await waitFor("mail to carl", () => smtp.mails.find((m) => m.to.includes("carl@lab.org") && m.raw.includes("env keys")));
    expect(mail.user).toBe(GMAIL.user);
  });

  it("records a refused login as a mail failure (a wrong app password)", async () => {
    await startWith(`MailSender = ${GMAIL.user}\nMailSecretKey = not-the-password`);
    const id = await submitJob(env, "wrong password", { script: "true", email: "dan@lab.org" });
    const event = await waitFor("mail-failed event", () => env.db.jobEvent.findFirst({ where: { jobId: id, kind: "mail-failed" } }));
    expect(event.detail).toMatch(/Invalid username or password|535|auth/i);
    expect(smtp.mails.some((m) => m.to.includes("dan@lab.org"))).toBe(false);
  });
});
