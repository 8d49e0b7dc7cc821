"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DayStats } from "@/lib/core/job-stats";

/** Jobs ended per day, done and failures stacked. */
export function JobsPerDayChart({ days }: { days: DayStats[] }) {
  const data = days.map((d) => ({ ...d, label: d.day.slice(5) }));
  return (
    <div className="h-64 w-full" data-testid="jobs-per-day-chart" role="img" aria-label="Jobs ended per day, done and failures">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={12} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip labelFormatter={(_, payload) => payload?.[0]?.payload?.day ?? ""} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="done" name="done" stackId="jobs" fill="#16a34a" isAnimationActive={false} />
          {/* The day's `failed` counts every failure state (FAILURE_STATES: cancelled, timeout, oom, invalid too), as the table's Failures do. */}
          <Bar dataKey="failed" name="failures" stackId="jobs" fill="#dc2626" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
