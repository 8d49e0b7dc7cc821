/**
 * The end-of-job mail, sent in the background: a slow or failing SMTP server never holds
 * up the queue. The outcome is logged and recorded as a `mail-sent` / `mail-failed` event.
 */
import { type JobMailInput, buildJobMail, isOneMailAddress, lastLines } from "../lib/core/job-mail";
import { sendMail } from "../lib/server/mail";
import { type WorkerContext, message } from "./context";
import { readTail } from "../lib/server/read-tail";

export interface FinishedJob {
  id: number;
  name: string;
  owner: string | null;
  info: string | null;
  state: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  cpuSeconds: number | null;
  usage?: JobMailInput["usage"];
  folder: string;
  logPath: string;
  /** Why it was cancelled or lost, for the mail. */
  reason?: string;
}

const pendingMails = new Set<Promise<void>>();

export function notifyOwner(ctx: WorkerContext, job: FinishedJob): void {
  const config = ctx.config();
  if (!config.mailActive || !job.owner) return;
  if (!isOneMailAddress(job.owner)) {
    const why = `e_mail "${job.owner.slice(0, 200)}" is not one address (such as name@lab.org): no mail sent`;
    ctx.log.warn(`mail not sent: ${why}`, { job: job.id });
    void ctx.store.addEvent(job.id, "mail-failed", why).catch((error: unknown) => ctx.log.error(`cannot record the mail: ${message(error)}`, { job: job.id }));
    return;
  }
  const logTail = lastLines(readTail(job.logPath, 16_384), 20);
  const sending = ctx
    .publicUrl()
    .then((publicUrl) => sendMail(config.smtp, { to: job.owner!, ...buildJobMail({ ...job, logTail, publicUrl }) }))
    .then(
      () => {
        ctx.log(`mail sent to ${job.owner}`, { job: job.id });
        return { kind: "mail-sent", detail: `to ${job.owner}` };
      },
      (error: unknown) => {
        const why = `${message(error)}${mailHint(config.smtp, error)}`;
        ctx.log.warn(`mail to ${job.owner} failed: ${why}`, { job: job.id });
        return { kind: "mail-failed", detail: `to ${job.owner}: ${why}` };
      },
    )
    .then((event) => ctx.store.addEvent(job.id, event.kind, event.detail))
    .then(
      () => undefined,
      (error: unknown) => ctx.log.error(`cannot record the mail: ${message(error)}`, { job: job.id }),
    );
  pendingMails.add(sending);
  void sending.finally(() => pendingMails.delete(sending));
}

/** What to look at when a mail could not be sent, after the SMTP library's own words. */
function mailHint(smtp: ReturnType<WorkerContext["config"]>["smtp"], error: unknown): string {
  // QM 0.4 read MailSender from its shell's environment, which a service does not inherit.
  if (smtp.via === "default") return ` (QMserv.cfg has no smtp_host and no MailSender (nor does the environment): mails go to this machine's SMTP server, localhost:${smtp.port})`;
  // Said in the message (connect ECONNREFUSED 10.0.0.5:25), whatever code the mail library gives.
  if (/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.test(`${(error as NodeJS.ErrnoException).code} ${message(error)}`)) {
    const keys = smtp.via === "gmail" ? "QM_GMAIL_SMTP_URL, or the network's way out to Gmail" : "smtp_host and smtp_port in QMserv.cfg";
    return ` (no SMTP server answered at ${smtp.host}:${smtp.port}: check ${keys})`;
  }
  return "";
}

/** Wait (bounded) for mails in flight, at shutdown. */
export async function flushMails(timeoutMs = 10_000): Promise<void> {
  await Promise.race([Promise.all(pendingMails), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
}
