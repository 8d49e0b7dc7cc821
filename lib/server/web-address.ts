/**
 * Where the web server listens: written by the web server when it starts, read by the
 * worker for the links in its mails. Host and The_Port take effect only when the web
 * server restarts (lib/core/startup-keys.ts), so the QMserv.cfg the worker reads may
 * already name a port nobody listens on yet (saved on the admin page, restart pending);
 * the web server's own record names the one it serves. QM_PUBLIC_URL overrides both.
 */
import { parseIp } from "../core/ip-address";
import { machineName } from "./machine-name";
import { readSetting, writeSetting } from "./store/settings";
import type { Sql } from "./store/sql";

const KEY = "web.address";

/** The addresses that mean "every address of this machine": a place to listen, not one to open. */
const UNSPECIFIED = [parseIp("::")!, parseIp("0.0.0.0")!];

/** Is `host` 0.0.0.0 or :: (in any spelling: 0:0::0, [::], ::ffff:0.0.0.0)? */
export function isWildcardHost(host: string): boolean {
  const address = parseIp(host.replace(/^\[|\]$/g, ""));
  return address !== null && UNSPECIFIED.some((wildcard) => wildcard.every((byte, i) => byte === address[i]));
}

/**
 * `http://Host:The_Port`, an IPv6 Host in brackets; for a wildcard Host (0.0.0.0, ::) the
 * machine's name instead (`machine`, lib/server/machine-name.ts): a mail's reader cannot
 * open http://0.0.0.0:8000.
 */
export function webUrlOf(web: { host: string; port: number }, machine: () => string = machineName): string {
  const host = isWildcardHost(web.host) ? machine() : web.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${web.port}`;
}

/** Said by the web server once it has its start-up Host and The_Port. */
export async function recordWebAddress(sql: Sql, web: { host: string; port: number }): Promise<void> {
  await writeSetting(sql, KEY, webUrlOf(web));
}

/** The address the web server last started on, or null (it never started with this database). */
export async function readWebAddress(sql: Sql): Promise<string | null> {
  return readSetting<string>(sql, KEY);
}
