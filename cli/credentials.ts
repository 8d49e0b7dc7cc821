/**
 * Where the qm command finds QueueManager and its token: QM_URL and QM_TOKEN when set,
 * otherwise the file `qm login` wrote ($XDG_CONFIG_HOME/qm/credentials.json, or
 * ~/.config/qm/credentials.json; readable by its owner only), otherwise localhost:8000.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { usageError } from "./errors";

export interface Credentials {
  url: string;
  token?: string;
  /** The account the token belongs to, and its id (so `qm logout` can revoke it). */
  username?: string;
  tokenId?: number;
}

export const DEFAULT_URL = "http://localhost:8000";

export function credentialsFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), ".config");
  return path.join(base, "qm", "credentials.json");
}

export function readCredentialsFile(file: string): Credentials | null {
  try {
    const data = JSON.parse(fs.readFileSync(file, "utf8")) as Credentials;
    return typeof data.url === "string" ? data : null;
  } catch {
    return null;
  }
}

/** What the command uses: the environment first, then the file (its token only for its own URL). */
export function resolveCredentials(env: NodeJS.ProcessEnv, flags: { url?: string; token?: string }): Credentials {
  const saved = readCredentialsFile(credentialsFile(env));
  const url = (flags.url || env.QM_URL || saved?.url || DEFAULT_URL).replace(/\/+$/, "");
  const token = flags.token || env.QM_TOKEN || (saved && saved.url.replace(/\/+$/, "") === url ? saved.token : undefined);
  return { url, token };
}

/** The server's address as given, or a usage error saying what to write (`localhost:8000` parses as a URL of scheme "localhost:"). */
export function checkServerUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !["http:", "https:"].includes(parsed.protocol) || !parsed.hostname) {
    throw usageError(`"${url}" is not the address of a QueueManager; write it as http://host:port or https://host (--url, QM_URL or qm login URL)`);
  }
  return url;
}

export function writeCredentialsFile(file: string, credentials: Credentials): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
