/**
 * Lists of IP addresses and networks as QMserv.cfg writes them (`Trusted_Proxies =
 * 127.0.0.1, 10.0.0.0/8, ::1`): parsed once, then asked whether an address is in them.
 * Plain TypeScript (no node:net) because the admin form checks the key in the browser.
 */

/** One address or network: the first `bits` bits of `value` must match. */
export interface AddressRange {
  v6: boolean;
  value: bigint;
  bits: number;
}

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(text: string): bigint | null {
  // An embedded IPv4 address (::ffff:10.1.2.3) stands for the last two groups.
  const v4 = /(^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const value = parseV4(v4[2]);
    if (value === null) return null;
    text = `${text.slice(0, text.length - v4[2].length)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const [left, right] = [groups(halves[0]), halves.length === 2 ? groups(halves[1]) : []];
  if (![...left, ...right].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An address as a range of one; IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4. */
export function parseAddress(text: string): AddressRange | null {
  const t = text.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const v4 = parseV4(t);
  if (v4 !== null) return { v6: false, value: v4, bits: 32 };
  const v6 = t.includes(":") ? parseV6(t) : null;
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { v6: false, value: v6 & 0xffffffffn, bits: 32 };
  return { v6: true, value: v6, bits: 128 };
}

/** Parse `a.b.c.d`, `a.b.c.d/n`, IPv6 and IPv6/n entries separated by commas or spaces. */
export function parseAddressList(text: string): { ranges: AddressRange[]; errors: string[] } {
  const ranges: AddressRange[] = [];
  const errors: string[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const [addr, prefix, extra] = entry.split("/");
    const range = extra === undefined ? parseAddress(addr) : null;
    const width = range?.v6 ? 128 : 32;
    const bits = prefix === undefined ? width : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!range || !(bits >= 0 && bits <= width)) {
      errors.push(entry);
      continue;
    }
    ranges.push({ ...range, bits });
  }
  return { ranges, errors };
}

/** Is `address` (as a socket reports it) inside one of `ranges`? */
export function addressInList(address: string, ranges: AddressRange[]): boolean {
  const a = parseAddress(address);
  if (!a) return false;
  const width = a.v6 ? 128n : 32n;
  return ranges.some((r) => r.v6 === a.v6 && a.value >> (width - BigInt(r.bits)) === r.value >> (width - BigInt(r.bits)));
}
