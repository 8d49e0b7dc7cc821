/**
 * The points of a table's quick plot (the CSV viewer): two numeric columns, or one against
 * the row number, thinned to MAX_POINTS, and what was left out and why, so that a plot of
 * "5 points" from 10 rows says where the other 5 went.
 */
import { numberOf } from "./csv-table";

/** Points drawn at most (every n-th row beyond). */
export const MAX_POINTS = 2000;

export interface PlotChoice {
  /** Column index of x, or -1 for the row number. */
  x: number;
  y: number;
  logX: boolean;
  logY: boolean;
  /** A line: points in x order. */
  sorted: boolean;
}

export interface PlotPoints {
  points: { x: number; y: number }[];
  /** Rows looked at (every n-th row of a long table). */
  rows: number;
  /** Rows with a cell that is no number (empty, text). */
  notNumbers: number;
  /** Rows whose x or y is zero or less on a logarithmic axis, which has no place for them. */
  notPositive: { x: number; y: number };
}

export function plotPoints(rows: string[][], choice: PlotChoice): PlotPoints {
  const every = Math.max(1, Math.ceil(rows.length / MAX_POINTS));
  const result: PlotPoints = { points: [], rows: 0, notNumbers: 0, notPositive: { x: 0, y: 0 } };
  rows.forEach((row, i) => {
    if (i % every) return;
    result.rows += 1;
    const x = choice.x < 0 ? i + 1 : numberOf(row[choice.x] ?? "");
    const y = numberOf(row[choice.y] ?? "");
    if (x === null || y === null) result.notNumbers += 1;
    else if (choice.logX && x <= 0) result.notPositive.x += 1;
    else if (choice.logY && y <= 0) result.notPositive.y += 1;
    else result.points.push({ x, y });
  });
  if (choice.sorted) result.points.sort((a, b) => a.x - b.x);
  return result;
}

const count = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** "10 points", or "5 points; 5 rows left out: y is zero or less, which a log axis cannot show". */
export function describePlot(plot: PlotPoints): string {
  const reasons: string[] = [];
  if (plot.notPositive.y) reasons.push(`${count(plot.notPositive.y, "row")} with y zero or less, which a log y axis cannot show`);
  if (plot.notPositive.x) reasons.push(`${count(plot.notPositive.x, "row")} with x zero or less, which a log x axis cannot show`);
  if (plot.notNumbers) reasons.push(`${count(plot.notNumbers, "row")} without a number in ${plot.notNumbers === 1 ? "its" : "their"} cells`);
  const shown = count(plot.points.length, "point");
  return reasons.length ? `${shown} (left out: ${reasons.join("; ")})` : shown;
}
