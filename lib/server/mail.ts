/**
 * Sending mail through the SMTP server of QMserv.cfg (nodemailer, loaded at the first
 * mail: most workers never send one, and it weighs about 3 MB of memory).
 */
import type { QmConfig } from "../core/qm-config";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Send one mail. A transport is made per mail so that edited SMTP settings apply to the
 * next mail; QM sends a few mails a minute at most. Rejects with nodemailer's error.
 */
export async function sendMail(smtp: QmConfig["smtp"], message: MailMessage): Promise<void> {
  const { default: nodemailer } = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  try {
    await transport.sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text });
  } finally {
    transport.close();
  }
}
