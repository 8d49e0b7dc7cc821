import { describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue } from "./prometheus-parser";
import { formatMetrics, histogramSamples } from "./prometheus-text";

const histogram = { bounds: [1, 10], cumulative: [2, 5], count: 6, sum: 42.5 };

describe("formatMetrics", () => {
  it("writes families that a strict parser reads back", () => {
    const text = formatMetrics([
      { name: "qm_jobs", help: "Jobs by state.", type: "gauge", samples: [{ labels: { state: "done" }, value: 3 }, { labels: { state: 'we"ird\\n' }, value: 0 }] },
      { name: "qm_wait_seconds", help: "Waits.", type: "histogram", samples: histogramSamples(histogram) },
      { name: "qm_worker_heartbeat_age_seconds", help: "Age\nof the beat.", type: "gauge", samples: [{ value: Infinity }] },
    ]);
    expect(text).toContain('qm_jobs{state="we\\"ird\\\\n"} 0\n');
    expect(text).toContain('qm_wait_seconds_bucket{le="+Inf"} 6\nqm_wait_seconds_sum 42.5\nqm_wait_seconds_count 6\n');
    const parsed = parsePrometheusText(text);
    expect(sampleValue(parsed, "qm_jobs", { state: "done" })).toBe(3);
    expect(sampleValue(parsed, "qm_jobs", { state: 'we"ird\\n' })).toBe(0);
    expect(sampleValue(parsed, "qm_wait_seconds_bucket", { le: "10" })).toBe(5);
    expect(parsed.get("qm_worker_heartbeat_age_seconds")).toMatchObject({ type: "gauge", help: "Age\\nof the beat." });
  });
});

describe("parsePrometheusText", () => {
  const bad: [string, string, RegExp][] = [
    ["a sample before its TYPE", "qm_x 1\n", /no TYPE/],
    ["a split family", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n", /outside its family/],
    ["a repeated series", "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n", /twice/],
    ["a bad value", "# TYPE a gauge\na one\n", /not a number/],
    ["unescaped quotes", '# TYPE a gauge\na{x="a"b"} 1\n', /bad labels/],
    ["buckets not cumulative", '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n', /not cumulative/],
    ["a count that is not the +Inf bucket", '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n', /differs/],
    ["no final line break", "# TYPE a gauge\na 1", /line break/],
  ];
  it.each(bad)("refuses %s", (_what, text, error) => {
    expect(() => parsePrometheusText(text)).toThrow(error);
  });
});
