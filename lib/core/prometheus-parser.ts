/**
 * A strict reader of Prometheus' text format (0.0.4), to check what /api/metrics writes the
 * way a scraper would, and stricter: any line it cannot place, a family split in two, a
 * sample before its TYPE, a repeated series, or a histogram whose buckets are not cumulative
 * or whose +Inf bucket is not its count, is an error naming the line.
 */

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+)( -?\d+)?$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, where: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: ${JSON.stringify(text)} is not a number`);
  return Number(text);
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (!m) throw new Error(`${where}: bad labels ${JSON.stringify(text)}`);
    if (m[1] in labels) throw new Error(`${where}: label ${m[1]} twice`);
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(m[0].length);
    if (m[3] === "," && !rest.length) throw new Error(`${where}: trailing comma in labels`);
  }
  return labels;
}

/** The family a sample name belongs to, given the declared types. */
function familyOf(name: string, families: Map<string, ParsedFamily>): ParsedFamily | undefined {
  if (families.has(name)) return families.get(name)!.type === "histogram" ? undefined : families.get(name);
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const base = m && families.get(m[1]);
  return base && (base.type === "histogram" || base.type === "summary") ? base : undefined;
}

function checkHistogram(family: ParsedFamily): void {
  const groups = new Map<string, { les: number[]; counts: number[]; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(rest);
    const g = groups.get(key) ?? { les: [], counts: [] };
    groups.set(key, g);
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      g.les.push(parseValue(le, family.name));
      g.counts.push(s.value);
    } else if (s.name.endsWith("_count")) g.count = s.value;
  }
  for (const [key, g] of groups) {
    for (let i = 1; i < g.les.length; i++) {
      if (!(g.les[i] > g.les[i - 1])) throw new Error(`${family.name}${key}: le bounds not ascending`);
      if (g.counts[i] < g.counts[i - 1]) throw new Error(`${family.name}${key}: buckets not cumulative`);
    }
    if (g.les.at(-1) !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
    if (g.count !== g.counts.at(-1)) throw new Error(`${family.name}${key}: _count ${g.count} differs from the +Inf bucket ${g.counts.at(-1)}`);
  }
}

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: ParsedFamily | undefined;
  if (!text.endsWith("\n")) throw new Error("the text must end with a line break");
  text.slice(0, -1).split("\n").forEach((line, index) => {
    const where = `line ${index + 1}`;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const [, kind, name, rest = ""] = meta;
      if (!NAME.test(name)) throw new Error(`${where}: bad metric name ${name}`);
      if (closed.has(name)) throw new Error(`${where}: ${name} appears in two groups`);
      if (current && current.name !== name) closed.add(current.name);
      const family = families.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      if (family.samples.length) throw new Error(`${where}: ${kind} of ${name} after its samples`);
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
        if (family.type !== "untyped") throw new Error(`${where}: second TYPE for ${name}`);
        family.type = rest;
      } else family.help = rest;
      families.set(name, family);
      current = family;
      return;
    }
    if (line.startsWith("#") || line === "") throw new Error(`${where}: unexpected ${line === "" ? "empty line" : "comment"}`);
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`${where}: not a sample: ${JSON.stringify(line)}`);
    const family = familyOf(m[1], families);
    if (!family) throw new Error(`${where}: ${m[1]} has no TYPE of its family before it`);
    if (family !== current) throw new Error(`${where}: ${m[1]} is outside its family's group`);
    const sample = { name: m[1], labels: parseLabels(m[3] ?? "", where), value: parseValue(m[4], where) };
    const id = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (series.has(id)) throw new Error(`${where}: series ${id} twice`);
    series.add(id);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

/** The value of the one sample of `name` with exactly these labels (the le label included for buckets). */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const family of families.values()) {
    const found = family.samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
    if (found) return found.value;
  }
  return undefined;
}
