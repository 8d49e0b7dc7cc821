/**
 * Text a program wrote for a terminal, shown as the terminal showed it: colours and other
 * escape sequences left out (withoutTerminalCodes), and a carriage return
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

/**
 * Escape sequences a terminal acts on rather than shows: CSI (colours `ESC[31m`, cursor
 * moves, erase line `ESC[K`), OSC (titles, links `ESC]8;;url ESC\`) and the two-character
 * ones, plus one cut off at the end of the text (its rest comes with the next read). The
 * page would show each as a box followed by its letters.
 */
const TERMINAL_CODES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])|\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*)?$/g;

/** `text` without the escape sequences a terminal would have acted on. */
export const withoutTerminalCodes = (text: string) => (text.includes("\x1b") ? text.replace(TERMINAL_CODES, "") : text);
