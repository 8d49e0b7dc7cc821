/**
 * The Host header check against DNS rebinding. A page of attacker.example whose name
 * the attacker re-points to this server (or to 127.0.0.1) talks to us "same-origin"
 * from the victim's browser; the one thing it cannot forge is the Host header, which
 * stays `attacker.example`. So requests that would be open to such a page (anonymous
 * viewing on localhost, logging in, first setup) are answered only under a name this
 * server is known by: localhost, an IP address (no DNS, nothing to re-point), the
 * `Host` of QMserv.cfg, the host of QM_PUBLIC_URL, or this machine's name (short or full: the
 * mails' links name it when Host is 0.0.0.0 or ::).
 */
import { AppError } from "../core/app-error";
import { parseIp } from "../core/ip-address";
import { machineNames } from "../server/machine-name";
import { getConfig, getEnv } from "./context";

const LOCAL_NAMES = new Set(["localhost", "localhost.localdomain"]);

/** The name of a Host header value, lower case, without port or IPv6 brackets. */
export function hostNameOf(host: string): string {
  const value = host.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1];
  return value.split(":").length === 2 ? value.replace(/:\d*$/, "") : value;
}

function knownNames(): Set<string> {
  const names = new Set(LOCAL_NAMES);
  names.add(hostNameOf(getConfig().config.web.host));
  for (const name of machineNames()) names.add(name);
  const publicUrl = getEnv().publicUrl;
  if (publicUrl) {
    try {
      names.add(hostNameOf(new URL(publicUrl).host));
    } catch {
      // A malformed QM_PUBLIC_URL adds no name.
    }
  }
  return names;
}

/** Is this request addressed to a name this server is known by? */
export function isKnownHost(request: Request): boolean {
  const name = hostNameOf(request.headers.get("host") ?? "");
  return name !== "" && (parseIp(name) !== null || knownNames().has(name));
}

/** FORBIDDEN unless the request is addressed to a known name (see the module comment). */
export function checkKnownHost(request: Request): void {
  if (isKnownHost(request)) return;
  const name = hostNameOf(request.headers.get("host") ?? "") || "(none)";
  throw new AppError(
    "FORBIDDEN",
    `This QueueManager does not answer to the name "${name}" for this (a protection against DNS rebinding). ` +
      "Use the address in QMserv.cfg's Host, an IP address or localhost; behind another name, the administrator sets QM_PUBLIC_URL to it.",
  );
}
