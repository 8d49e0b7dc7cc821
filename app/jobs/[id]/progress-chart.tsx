"use client";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ProgressPoint } from "@/lib/core/progress-curve";
import { formatDuration } from "@/lib/core/format";
import { Panel } from "../../ui-bits";

/**
 * Progress against time since the start of the run: the samples the worker recorded as
 * the `i / n` lines of process.log changed, and the job's latest figure (now, or at its end).
 */
/** Ticks of a short run in seconds (with a decimal when they are close), of a longer one as durations. */
function tickOf(spanMs: number): (ms: number) => string {
  if (spanMs >= 120_000) return (ms) => formatDuration(ms);
  return (ms) => `${spanMs < 10_000 ? (ms / 1000).toFixed(1).replace(/\.0$/, "") : Math.round(ms / 1000)} s`;
}

export function ProgressChart({ points, startedAt, latest }: { points: ProgressPoint[]; startedAt: string; latest: ProgressPoint | null }) {
  const start = Date.parse(startedAt);
  const all = latest && (!points.length || latest.atMs > points[points.length - 1].atMs) ? [...points, latest] : points;
  const data = all.map((p) => ({ t: p.atMs - start, percent: p.percent }));
  const tick = tickOf(data.length ? data[data.length - 1].t : 0);
  return (
    <Panel title="Progress over time" testId="progress-chart">
      <div className="h-48 w-full px-2 py-3" role="img" aria-label={`Progress over time, ${data.length} points`} data-points={data.length}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 4, right: 16, bottom: 0, left: -12 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis type="number" dataKey="t" domain={[0, "dataMax"]} tickFormatter={tick} tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={(p: number) => `${p}%`} tick={{ fontSize: 11 }} />
            <Tooltip labelFormatter={(t) => `after ${formatDuration(Number(t))}`} formatter={(p) => [`${Number(p).toFixed(1)}%`, "progress"]} />
            <Line dataKey="percent" type="linear" stroke="#2563eb" strokeWidth={2} dot={data.length < 40} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </Panel>
  );
}
