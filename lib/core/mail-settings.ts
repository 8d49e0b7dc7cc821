/**
 * Which SMTP server the end-of-job mails go through, from QMserv.cfg and the environment.
 *
 * QM 0.4 sent its mails with Gmail (yagmail): `MailSender` is the Gmail address and
 * `MailSecretKey` its app password (its forks spelled them `SendMail` / `SecKey`); when
 * the keys are missing it read environment variables of the same names. We honour all of
 * that: with no `smtp_host`, a sender means smtp.gmail.com:465 with TLS, logged in as the
 * sender. An `smtp_host` means the smtp_* keys, as before; neither means localhost:25.
 */

/** The SMTP settings a mail is sent with. */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  from: string;
  /** How they were chosen: smtp_* keys, QM 0.4's Gmail keys, or the local default. */
  via: "smtp_host" | "gmail" | "default";
}

/** Environment variables that matter for mail (read by lib/server/env.ts). */
export interface MailEnv {
  /** QM 0.4's fallback when MailSender is not in QMserv.cfg. */
  MailSender?: string;
  /** QM 0.4's fallback when MailSecretKey is not in QMserv.cfg. */
  MailSecretKey?: string;
  /**
   * QM_GMAIL_SMTP_URL: send "Gmail" mails through another server instead, as
   * smtp://host:port (plain, STARTTLS when offered) or smtps://host:port (TLS from the start).
   */
  gmailUrl?: string;
}

/** The mail keys as written in QMserv.cfg; undefined when absent or empty. */
export interface MailKeys {
  smtpHost?: string;
  smtpPort: number;
  smtpSecure: boolean;
  smtpUser: string;
  smtpPassword: string;
  mailFrom?: string;
  mailSender?: string;
  mailSecretKey?: string;
}

export const GMAIL = { host: "smtp.gmail.com", port: 465, secure: true } as const;
export const DEFAULT_FROM = "QueueManager <qm@localhost>";

/** The Gmail endpoint, or the server QM_GMAIL_SMTP_URL names instead; throws on a bad URL. */
export function gmailEndpoint(gmailUrl?: string): { host: string; port: number; secure: boolean } {
  if (!gmailUrl) return GMAIL;
  const url = new URL(gmailUrl);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new Error(`QM_GMAIL_SMTP_URL must start with smtp:// or smtps:// (got ${gmailUrl})`);
  const secure = url.protocol === "smtps:";
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port) || (secure ? 465 : 25), secure };
}

export function resolveSmtp(keys: MailKeys, env: MailEnv = {}): SmtpSettings {
  if (keys.smtpHost) {
    return { host: keys.smtpHost, port: keys.smtpPort, secure: keys.smtpSecure, user: keys.smtpUser, password: keys.smtpPassword, from: keys.mailFrom ?? DEFAULT_FROM, via: "smtp_host" };
  }
  const sender = keys.mailSender ?? (env.MailSender?.trim() || undefined);
  if (sender) {
    const password = keys.mailSecretKey ?? env.MailSecretKey?.trim() ?? "";
    return { ...gmailEndpoint(env.gmailUrl), user: sender, password, from: keys.mailFrom ?? sender, via: "gmail" };
  }
  return { host: "localhost", port: keys.smtpPort, secure: keys.smtpSecure, user: keys.smtpUser, password: keys.smtpPassword, from: keys.mailFrom ?? DEFAULT_FROM, via: "default" };
}
