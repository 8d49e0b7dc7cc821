/** What every qm subcommand is and gets. */
import type { ParseArgsConfig } from "node:util";
import type { ApiClient, ApiClientOptions } from "./api-client";
import type { Credentials } from "./credentials";
import { usageError } from "./errors";
import { MAX_RECORD_ID } from "../lib/core/record-id";

export interface CliContext {
  /** The API client (made on first use, so `--help` never connects). */
  api(): ApiClient;
  /** How the API client waits for the server (QM_TIMEOUT), for a client of another URL or token (qm login). */
  apiOptions(): ApiClientOptions;
  credentials: Credentials;
  /** Where `qm login` keeps the URL and token. */
  credentialsPath: string;
  env: NodeJS.ProcessEnv;
  /** A line on standard output (results) or standard error (notes, errors). */
  out(text: string): void;
  /** Standard output as a byte stream, for a file's bytes as they are (qm cat). */
  rawOut?: NodeJS.WritableStream;
  err(text: string): void;
  /** Ask on the terminal (hidden: no echo), or read a line of standard input. */
  prompt(question: string, hidden?: boolean): Promise<string>;
  sleep(ms: number): Promise<void>;
}

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  name: string;
  /** One line for `qm --help`. */
  summary: string;
  /** `qm <name> ...` synopsis and the description of its options, for `qm <name> --help`. */
  help: string;
  options: OptionSpec;
  /** Least and most positional arguments. */
  args: [number, number];
  run(ctx: CliContext, values: Values, positionals: string[]): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpec = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

// In the columns of the commands' own options ("  -n, --nb-proc N     processors..."), which it follows.
export const COMMON_HELP = `      --url URL       QueueManager's address (default: QM_URL, then qm login's, then http://localhost:8000)
      --token TOKEN   API token (default: QM_TOKEN, then qm login's)
      --json          print JSON for scripts instead of a table
  -h, --help          this help`;

/** Job ids from the command line: whole numbers from 1 to the largest id a job can have. */
export function jobIds(positionals: string[]): number[] {
  return positionals.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1) throw usageError(`"${p}" is not a job id (a number such as 12)`);
    if (Number(p) > MAX_RECORD_ID) throw usageError(`"${p}" is not a job id: ids go from 1 to ${MAX_RECORD_ID}`);
    return Number(p);
  });
}
