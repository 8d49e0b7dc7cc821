/**
 * Hide the `=== command: ...` lines of a process.log from visitors when
 * Display_details is off: each such line becomes HIDDEN_COMMAND_LINE. The filter works
 * on bytes as they stream (a download of a log of any size, a chunk of the log API),
 * so a line cut between two chunks is recognised all the same. Only whole lines are
 * judged: the caller starts it at the beginning of a line.
 */

import { COMMAND_LINE_PREFIX, RUNS_AS_PREFIX } from "./job-log";

export const HIDDEN_COMMAND_LINE = "=== command: (hidden: Display_details is off)\n";
/** What replaces the line naming the Unix account of a run (its owner's own under Run_As). */
export const HIDDEN_RUNS_AS_LINE = "=== runs as (hidden: Display_details is off)\n";

const NL = 10;

export interface CommandLineFilter {
  /** The bytes of `chunk` that may be shown (some may be held until the next chunk). */
  push(chunk: Uint8Array): Uint8Array;
  /** What is still held at the end of the text: an unfinished start of a line. */
  end(): Uint8Array;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The filter of what Display_details hides in process.log: the command lines and the lines
 * naming the account a run runs as (one filter after the other, each on whole lines).
 */
export function createDetailsFilter(): CommandLineFilter {
  const command = createCommandLineFilter(COMMAND_LINE_PREFIX);
  const runsAs = createCommandLineFilter(RUNS_AS_PREFIX, HIDDEN_RUNS_AS_LINE);
  return {
    push: (chunk) => runsAs.push(command.push(chunk)),
    end: () => concat([runsAs.push(command.end()), runsAs.end()]),
  };
}

/** A filter for one text read from its start (or from the start of a line): lines starting with `prefixText` become `replacement`. */
export function createCommandLineFilter(prefixText: string, replacement = HIDDEN_COMMAND_LINE): CommandLineFilter {
  const prefix = new TextEncoder().encode(prefixText);
  const hidden = new TextEncoder().encode(replacement);
  // matched >= 0: at the start of a line, with that many bytes of the prefix seen (and held).
  let matched = 0;
  let dropping = false;
  return {
    push(chunk) {
      const parts: Uint8Array[] = [];
      let i = 0;
      while (i < chunk.length) {
        if (dropping) {
          const nl = chunk.indexOf(NL, i);
          if (nl < 0) break;
          dropping = false;
          matched = 0;
          i = nl + 1;
          continue;
        }
        if (matched >= 0) {
          while (i < chunk.length && matched < prefix.length && chunk[i] === prefix[matched]) {
            i++;
            matched++;
          }
          if (matched === prefix.length) {
            parts.push(hidden);
            dropping = true;
            matched = -1;
            continue;
          }
          if (i === chunk.length) break; // a possible prefix, held until the next chunk
          parts.push(prefix.subarray(0, matched));
          matched = -1;
        }
        const nl = chunk.indexOf(NL, i);
        const stop = nl < 0 ? chunk.length : nl + 1;
        parts.push(chunk.subarray(i, stop));
        i = stop;
        if (nl >= 0) matched = 0;
      }
      return concat(parts);
    },
    end() {
      // A held start shorter than the prefix holds nothing secret.
      const rest = matched > 0 ? prefix.slice(0, matched) : new Uint8Array(0);
      matched = 0;
      dropping = false;
      return rest;
    },
  };
}
