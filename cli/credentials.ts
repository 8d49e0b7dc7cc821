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

/**
 * The file `qm login` wrote, or null: none, or one that cannot be read, which `warn` is told
 * of (a file broken by hand would otherwise make qm a visitor without a word).
 */
export function readCredentialsFile(file: string, warn?: (message: string) => void): Credentials | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") warn?.(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it is left out: fix it or run qm login again`);
    return null;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    warn?.(`${file} is not JSON (${(error as Error).message}); it is left out: delete it and run qm login again`);
    return null;
  }
  if (typeof (data as Credentials | null)?.url === "string") return data as Credentials;
  warn?.(`${file} holds no server URL; it is left out: delete it and run qm login again`);
  return null;
}

/** The same server, however its address is written (`http://LOCALHOST:8101/`, `http://localhost:8101`). */
export function isSameServer(a: string, b: string): boolean {
  const normal = (url: string) => {
    try {
      const parsed = new URL(url);
      return parsed.origin + parsed.pathname.replace(/\/+$/, "");
    } catch {
      return url.replace(/\/+$/, "");
    }
  };
  return normal(a) === normal(b);
}

/** A token as pasted or read from a file: spaces and a line's end around it are no part of it. */
const tokenOf = (text: string | undefined) => text?.trim() || undefined;

/**
 * What the command uses: the flags, then the environment, then the file (its token only for
 * its own URL); `warn` is told of a file that is there but cannot be read.
 */
export function resolveCredentials(env: NodeJS.ProcessEnv, flags: { url?: string; token?: string }, warn?: (message: string) => void): Credentials {
  const given = { url: flags.url || env.QM_URL, token: tokenOf(flags.token) ?? tokenOf(env.QM_TOKEN) };
  // The file is read only when it could add something: a warning about it otherwise is noise.
  const saved = given.url && given.token ? null : readCredentialsFile(credentialsFile(env), warn);
  const url = (given.url || saved?.url || DEFAULT_URL).replace(/\/+$/, "");
  const token = given.token ?? (saved && isSameServer(saved.url, url) ? tokenOf(saved.token) : undefined);
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
