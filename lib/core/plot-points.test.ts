import { describe, expect, it } from "vitest";
import { describePlot, plotPoints } from "./plot-points";

const rows = [-2, -1, 0, 1, 2, 3, 4, 5, 6, 7].map((v, i) => [String(i), String(v)]);
const choice = { x: 0, y: 1, logX: false, logY: false, sorted: true };

describe("the quick plot says what it left out, and why", () => {
  it("log y: zero and negative values are counted and named", () => {
    const plot = plotPoints(rows, { ...choice, logY: true });
    expect(plot.points).toHaveLength(7);
    expect(describePlot(plot)).toBe("7 points (left out: 3 rows with y zero or less, which a log y axis cannot show)");
  });

  it("log x, and cells without a number; one point is one point", () => {
    const few = [["0", "1"], ["1", ""], ["2", "5"], ["x", "3"]];
    const plot = plotPoints(few, { ...choice, logX: true });
    expect(plot.points).toEqual([{ x: 2, y: 5 }]);
    expect(describePlot(plot)).toBe("1 point (left out: 1 row with x zero or less, which a log x axis cannot show; 2 rows without a number in their cells)");
  });

  it("nothing left out: the count alone", () => {
    expect(describePlot(plotPoints(rows, choice))).toBe("10 points");
    expect(describePlot(plotPoints(rows, { ...choice, x: -1, logX: true }))).toBe("10 points");
  });
});
