"use client";
import { useMemo, useState } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { describePlot, plotPoints } from "@/lib/core/plot-points";

/** A quick line or scatter plot of two numeric columns of a table (x: a column, or the row number). */
export function TablePlot({ columns, rows, numeric }: { columns: string[]; rows: string[][]; numeric: number[] }) {
  const [x, setX] = useState(numeric.length > 1 ? numeric[0] : -1);
  const [y, setY] = useState(numeric.length > 1 ? numeric[1] : numeric[0]);
  const [kind, setKind] = useState<"line" | "scatter">("line");
  const [logX, setLogX] = useState(false);
  const [logY, setLogY] = useState(false);
  const plot = useMemo(() => plotPoints(rows, { x, y, logX, logY, sorted: kind === "line" }), [rows, x, y, kind, logX, logY]);
  const points = plot.points;
  const select = "rounded border border-slate-300 px-1 py-0.5";
  const axis = (log: boolean) => ({ type: "number" as const, scale: log ? ("log" as const) : ("auto" as const), domain: ["auto", "auto"] as [string, string], tick: { fontSize: 11 } });
  return (
    <div className="border-t border-slate-100 px-4 py-3" data-testid="table-plot">
      <div className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-600">
        <span>Plot</span>
        <select className={select} aria-label="y column" value={y} onChange={(e) => setY(Number(e.target.value))}>
          {numeric.map((i) => (
            <option key={i} value={i}>
              {columns[i]}
            </option>
          ))}
        </select>
        <span>against</span>
        <select className={select} aria-label="x column" value={x} onChange={(e) => setX(Number(e.target.value))}>
          <option value={-1}>row number</option>
          {numeric.map((i) => (
            <option key={i} value={i}>
              {columns[i]}
            </option>
          ))}
        </select>
        <select className={select} aria-label="plot kind" value={kind} onChange={(e) => setKind(e.target.value as "line" | "scatter")}>
          <option value="line">line</option>
          <option value="scatter">scatter</option>
        </select>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={logX} onChange={(e) => setLogX(e.target.checked)} /> log x
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} /> log y
        </label>
        <span className="tabular-nums" data-testid="plot-count">
          {describePlot(plot)}
        </span>
      </div>
      <div className="h-64 w-full" role="img" aria-label={`${columns[y]} against ${x < 0 ? "row number" : columns[x]}`}>
        <ResponsiveContainer width="100%" height="100%">
          {kind === "line" ? (
            <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis {...axis(logX)} dataKey="x" />
              <YAxis {...axis(logY)} dataKey="y" width={56} />
              <Tooltip />
              <Line dataKey="y" stroke="#2563eb" dot={false} isAnimationActive={false} />
            </LineChart>
          ) : (
            <ScatterChart margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis {...axis(logX)} dataKey="x" />
              <YAxis {...axis(logY)} dataKey="y" width={56} />
              <Tooltip />
              <Scatter data={points} fill="#2563eb" isAnimationActive={false} />
            </ScatterChart>
          )}
        </ResponsiveContainer>
      </div>
    </div>
  );
}
