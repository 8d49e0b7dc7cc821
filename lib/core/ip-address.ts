/**
 * IP addresses as the web server meets them: the connection's address, the entries of
 * X-Forwarded-For and the `Trusted_Proxies` list of QMserv.cfg. Pure (no node:net), so
 * the config validator can use it anywhere. Every address becomes 16 bytes, IPv4 as
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`), so one comparison serves both families.
 */

/** An address with a prefix length counted on the 128-bit form ("10.0.0.0/8" -> 104). */
export interface AddressRange {
  bytes: Uint8Array;
  prefix: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string): number[] | null {
  const m = V4.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function mapped(v4: number[]): Uint8Array {
  return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]);
}

function parseV6(text: string): Uint8Array | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === "") return [];
    const out: number[] = [];
    const parts = half.split(":");
    for (const [i, part] of parts.entries()) {
      const v4 = i === parts.length - 1 ? parseV4(part) : null;
      if (v4) out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      else if (/^[0-9a-f]{1,4}$/i.test(part)) out.push(parseInt(part, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return Uint8Array.from(all.flatMap((g) => [g >> 8, g & 0xff]));
}

/** 16 bytes of an IPv4 or IPv6 address (brackets and a %zone allowed), or null. */
export function parseIp(text: string): Uint8Array | null {
  const bare = text.trim().replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const v4 = parseV4(bare);
  if (v4) return mapped(v4);
  return bare.includes(":") ? parseV6(bare) : null;
}

const isMappedV4 = (b: Uint8Array) => b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** "10.0.0.0/8", "2001:db8::/32" or a single address; null when it is neither. */
export function parseRange(text: string): AddressRange | null {
  const [address, bits, extra] = text.trim().split("/");
  const bytes = parseIp(address);
  if (!bytes || extra !== undefined) return null;
  const v4 = isMappedV4(bytes) && !address.includes(":");
  const max = v4 ? 32 : 128;
  if (bits === undefined) return { bytes, prefix: 128 };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return null;
  return { bytes, prefix: Number(bits) + (v4 ? 96 : 0) };
}

/** Does `address` (16 bytes) lie in `range`? */
export function inRange(address: Uint8Array, range: AddressRange): boolean {
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const mask = range.prefix - bit >= 8 ? 0xff : (0xff << (8 - (range.prefix - bit))) & 0xff;
    if ((address[bit / 8] & mask) !== (range.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

/** Parse `Trusted_Proxies` ("127.0.0.1, 10.0.0.0/8"): the ranges, and the entries that are not addresses. */
export function parseRangeList(text: string): { ranges: AddressRange[]; invalid: string[] } {
  const ranges: AddressRange[] = [];
  const invalid: string[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const range = parseRange(entry);
    if (range) ranges.push(range);
    else invalid.push(entry);
  }
  return { ranges, invalid };
}

const LOOPBACK = [parseRange("127.0.0.0/8")!, parseRange("::1")!];

/** 127.0.0.0/8 or ::1 (also as ::ffff:127.x.y.z). */
export function isLoopback(text: string): boolean {
  const bytes = parseIp(text);
  return !!bytes && LOOPBACK.some((r) => inRange(bytes, r));
}

/**
 * The key a client is counted under: an IPv4 address as it is, an IPv6 address by its
 * /64 (one customer usually holds a whole /64, so counting single addresses would give
 * an attacker 2^64 fresh keys). Text that is not an address is kept as it is.
 */
export function clientKeyOf(text: string): string {
  const bytes = parseIp(text);
  if (!bytes) return text;
  if (isMappedV4(bytes)) return Array.from(bytes.slice(12)).join(".");
  const groups = Array.from({ length: 4 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  return `${groups.join(":")}::/64`;
}
