/**
 * Where the web server listens: written by the web server when it starts, read by the
 * worker for the links in its mails. Host and The_Port take effect only when the web
 * server restarts (lib/core/startup-keys.ts), so the QMserv.cfg the worker reads may
 * already name a port nobody listens on yet (saved on the admin page, restart pending);
 * the web server's own record names the one it serves. QM_PUBLIC_URL overrides both.
 */
import { readSetting, writeSetting } from "./store/settings";
import type { Sql } from "./store/sql";

const KEY = "web.address";

/** `http://Host:The_Port`, an IPv6 Host in brackets. */
export function webUrlOf(web: { host: string; port: number }): string {
  return `http://${web.host.includes(":") ? `[${web.host}]` : web.host}:${web.port}`;
}

/** Said by the web server once it has its start-up Host and The_Port. */
export async function recordWebAddress(sql: Sql, web: { host: string; port: number }): Promise<void> {
  await writeSetting(sql, KEY, webUrlOf(web));
}

/** The address the web server last started on, or null (it never started with this database). */
export async function readWebAddress(sql: Sql): Promise<string | null> {
  return readSetting<string>(sql, KEY);
}
