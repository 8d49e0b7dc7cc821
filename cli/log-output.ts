/**
 * How `qm log` writes process.log as it comes, in pieces that may end anywhere in a line. A
 * progress bar (tqdm) repaints its line with carriage returns and ends it with one newline:
 * a terminal repaints it in place, so there the text goes as it is (control characters
 * other than tab, newline and carriage return escaped); a file or a pipe cannot, so it gets
 * each line once it has ended, as its last repaint, by the live log's own rule
 * (lib/core/carriage-returns.ts).
 */
import { appendTerminalText, withoutPendingReturn } from "../lib/core/carriage-returns";
import type { CliContext } from "./command";
import { terminalSafe } from "./terminal-text";

/** Where the log goes: `write` each piece as it comes, `end` when no more comes (or the file starts over). */
export interface LogOutput {
  write(text: string): void;
  end(): void;
  /** A note on standard error comes now, while the log may go on: on a terminal it starts on a line of its own. */
  beforeNote(): void;
}

export function logOutput(ctx: Pick<CliContext, "out" | "rawOut">): LogOutput {
  const terminal = ctx.rawOut && (ctx.rawOut as { isTTY?: boolean }).isTTY ? ctx.rawOut : null;
  if (terminal) {
    let midLine = false;
    // The prompt, or a note on standard error, starts on a line of its own.
    const endLine = () => {
      if (midLine) terminal.write("\n");
      midLine = false;
    };
    return {
      write(text) {
        if (!text) return;
        terminal.write(terminalSafe(text));
        midLine = !text.endsWith("\n");
      },
      end: endLine,
      beforeNote: endLine,
    };
  }
  // The unfinished last line, as shown so far: only its latest repaint is kept.
  let pending = "";
  return {
    write(text) {
      const shown = appendTerminalText(pending, text);
      const cut = shown.lastIndexOf("\n") + 1;
      if (cut > 0) ctx.out(shown.slice(0, cut - 1));
      pending = shown.slice(cut);
    },
    // A line that never ended (a job killed mid-bar) is written as it was last shown.
    end() {
      const last = withoutPendingReturn(pending);
      if (last) ctx.out(last);
      pending = "";
    },
    // Standard error is not this file: the unfinished line waits for its end.
    beforeNote() {},
  };
}
