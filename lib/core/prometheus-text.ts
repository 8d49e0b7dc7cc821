/**
 * Prometheus' text exposition format (version 0.0.4), written by hand: `# HELP` and `# TYPE`
 * once per family, then its samples; label values escaped; histograms as cumulative
 * `_bucket{le=...}` lines ending at `+Inf`, then `_sum` and `_count`.
 */

export type MetricType = "gauge" | "counter" | "histogram";

export interface Sample {
  labels?: Record<string, string>;
  value: number;
  /** Appended to the family's name (`_bucket`, `_sum`, `_count`, `_total`). */
  suffix?: string;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/** A histogram's data: upper bounds (ascending), how many observations fell at or under each (cumulative), all of them, their sum. */
export interface HistogramData {
  bounds: number[];
  cumulative: number[];
  count: number;
  sum: number;
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function sampleLine(name: string, sample: Sample): string {
  const labels = Object.entries(sample.labels ?? {});
  const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
  return `${name}${sample.suffix ?? ""}${text} ${formatValue(sample.value)}`;
}

/** The samples of a histogram family. */
export function histogramSamples(data: HistogramData, labels: Record<string, string> = {}): Sample[] {
  return [
    ...data.bounds.map((le, i) => ({ suffix: "_bucket", labels: { ...labels, le: formatValue(le) }, value: data.cumulative[i] })),
    { suffix: "_bucket", labels: { ...labels, le: "+Inf" }, value: data.count },
    { suffix: "_sum", labels, value: data.sum },
    { suffix: "_count", labels, value: data.count },
  ];
}

export function formatMetrics(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) lines.push(sampleLine(family.name, sample));
  }
  return `${lines.join("\n")}\n`;
}
