/**
 * Text a program wrote for a terminal, shown as the terminal showed it: a carriage return
 * takes the line back to its start, so what follows it replaces what came before (a tqdm
 * progress bar repaints its line hundreds of times and ends it with one newline). The text
 * after a line's last carriage return replaces the line; an empty one (a CRLF line end, a
 * bar waiting for its next state) replaces nothing.
 */

/** One line without its newline: its last non-empty part between carriage returns. */
function shownLine(line: string): string {
  const parts = line.split("\r");
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]) return parts[i];
  return "";
}

/**
 * `text` with each line as a terminal shows it. An unfinished last line keeps a final
 * carriage return, so that text appended later replaces it as it would have:
 * `applyCarriageReturns(applyCarriageReturns(a) + b)` is `applyCarriageReturns(a + b)`.
 */
export function applyCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  const lines = text.split("\n");
  const last = lines.length - 1;
  return lines.map((line, i) => shownLine(line) + (i === last && line.endsWith("\r") ? "\r" : "")).join("\n");
}

/** `shown` (text already through applyCarriageReturns) followed by `more`: only its last line is looked at again. */
export function appendTerminalText(shown: string, more: string): string {
  const lineStart = shown.lastIndexOf("\n") + 1;
  return shown.slice(0, lineStart) + applyCarriageReturns(shown.slice(lineStart) + more);
}

/** What a page shows of text through applyCarriageReturns: without the carriage return kept for what comes next. */
export const withoutPendingReturn = (shown: string) => (shown.endsWith("\r") ? shown.slice(0, -1) : shown);
