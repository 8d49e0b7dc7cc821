/**
 * CSV and TSV read as they arrive (the job page streams the first rows of a file and
 * stops), RFC 4180 quoting included: `"a, b"`, `""` for a quote, line breaks inside
 * quotes. Scientific tables often start with `#` comment lines and may or may not have a
 * header row; both are recognised here so the viewer and the plot agree.
 */

export interface CsvParser {
  /** Feed text; returns the rows completed by it. */
  push(text: string): string[][];
  /** The last row, if the text did not end with a line break. */
  end(): string[][];
  /**
   * The cells of the last `#` line before the first row, its `#` left out: numpy's
   * `savetxt(..., header="t,signal")` writes the column names there. Null: no such line.
   */
  commentedHeader(): string[] | null;
}

export function createCsvParser(delimiter: string): CsvParser {
  let field = "";
  let row: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let pendingCr = false;
  // A line that starts with `#` is a comment up to its end, whatever it holds
  // (`# run 3, alpha = 0.1` has the delimiter in it, and must not become a row).
  let comment: string | null = null;
  let lastComment: string | null = null;
  let rowsSeen = 0;
  const finishRow = (rows: string[][]) => {
    row.push(field);
    field = "";
    // Blank lines carry no data.
    if (!(row.length === 1 && row[0].trim() === "")) {
      rows.push(row);
      rowsSeen++;
    }
    row = [];
  };
  const finishComment = () => {
    if (rowsSeen === 0) lastComment = comment;
    comment = null;
  };
  return {
    push(text) {
      const rows: string[][] = [];
      for (const c of text) {
        if (pendingCr) {
          pendingCr = false;
          if (c === "\n") continue;
        }
        if (comment !== null) {
          if (c === "\n" || c === "\r") {
            pendingCr = c === "\r";
            finishComment();
          } else comment += c;
          continue;
        }
        if (c === "#" && !quoted && !afterQuote && field === "" && row.length === 0) {
          comment = "";
          continue;
        }
        if (quoted) {
          if (c === '"') {
            quoted = false;
            afterQuote = true;
          } else field += c;
          continue;
        }
        if (c === '"') {
          // `""` inside a quoted field is a quote; a quote in the middle of a bare field is kept.
          if (afterQuote) field += '"';
          if (afterQuote || field === "") quoted = true;
          else field += c;
          afterQuote = false;
          continue;
        }
        afterQuote = false;
        if (c === delimiter) {
          row.push(field);
          field = "";
        } else if (c === "\n" || c === "\r") {
          pendingCr = c === "\r";
          finishRow(rows);
        } else field += c;
      }
      return rows;
    },
    end() {
      const rows: string[][] = [];
      if (comment !== null) finishComment();
      if (field !== "" || row.length) finishRow(rows);
      return rows;
    },
    commentedHeader() {
      if (lastComment === null) return null;
      const parser = createCsvParser(delimiter);
      const [cells] = [...parser.push(lastComment.replace(/^#*\s*/, "")), ...parser.end()];
      return cells ? cells.map((c) => c.trim()) : null;
    },
  };
}

/** The delimiter of a file: tab for .tsv, else the most frequent of `,` `;` tab in its first data line. */
export function guessDelimiter(name: string, firstLines: string): string {
  if (name.toLowerCase().endsWith(".tsv")) return "\t";
  const line = firstLines.split(/\r?\n/).find((l) => l.trim() !== "" && !l.startsWith("#")) ?? "";
  const counts = [",", ";", "\t"].map((d) => [d, line.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ",";
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The value of a cell that is a number, else null ("", "NaN" and text are not numbers). */
export function numberOf(cell: string): number | null {
  const text = cell.trim();
  return NUMBER.test(text) ? Number(text) : null;
}

/**
 * Column names and data rows. The first row is a header when one of its cells is text
 * in a column whose next cell is a number, or when no cell of it is a number. Without
 * one, a commented header (CsvParser.commentedHeader) of as many names as the rows have
 * cells, none of them a number, names the columns.
 */
export function splitHeader(rows: string[][], commentedHeader: string[] | null = null): { columns: string[]; data: string[][] } {
  const width = Math.max(0, ...rows.slice(0, 50).map((r) => r.length));
  const generic = Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  if (!rows.length) return { columns: generic, data: [] };
  const [first, second] = rows;
  const textCells = first.map((c) => numberOf(c) === null);
  const isHeader = textCells.every(Boolean) || (second !== undefined && textCells.some((t, i) => t && second[i] !== undefined && numberOf(second[i]) !== null));
  if (!isHeader) {
    const named = commentedHeader?.length === width && commentedHeader.every((c) => c !== "" && numberOf(c) === null);
    return { columns: named ? commentedHeader : generic, data: rows };
  }
  const columns = generic.map((g, i) => first[i]?.trim() || g);
  return { columns, data: rows.slice(1) };
}

/** Columns where most filled cells are numbers: the ones a plot can use. */
export function numericColumns(data: string[][], width: number): number[] {
  const sample = data.slice(0, 500);
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const filled = sample.filter((r) => (r[i] ?? "").trim() !== "");
    if (filled.length && filled.filter((r) => numberOf(r[i]) !== null).length >= filled.length * 0.8) out.push(i);
  }
  return out;
}

/** Order of two cells: numbers by value (before text), text in natural order. */
export function compareCells(a: string | undefined, b: string | undefined): number {
  const x = numberOf(a ?? "");
  const y = numberOf(b ?? "");
  if (x !== null && y !== null) return x - y;
  if (x !== null) return -1;
  if (y !== null) return 1;
  return (a ?? "").localeCompare(b ?? "", undefined, { numeric: true });
}
