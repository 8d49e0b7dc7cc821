/**
 * Text from the server on the terminal. Job names, info, owners, event details, error
 * messages and process.log are other people's words (a lab member's info file, a job's
 * output) or whatever a server that is not QueueManager sends; a control character in them
 * is acted on by the terminal: ESC sequences move the cursor, clear the screen, rename the
 * window, and in some terminals write to the clipboard. So qm writes every control
 * character but newline, tab and carriage return as a `\u001b`-style escape, which is
 * also what it means inside a JSON string: `--json` output still parses to the same data.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]/g;

const escaped = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** Everything qm writes: no control character reaches the terminal but newline, tab and carriage return. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, escaped);
}

/** One field of a table or of `qm show`: on one line, so that a value cannot pass for another line. */
export function oneLine(text: string): string {
  return terminalSafe(text).replace(LINE_BREAKS, escaped);
}
