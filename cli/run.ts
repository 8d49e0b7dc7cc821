/**
 * The qm command: find the subcommand, parse its options (node:util parseArgs, strict),
 * run it, and turn what it throws into a message and an exit code (cli/errors.ts).
 */
import { parseArgs } from "node:util";
import { createApiClient, type ApiClient, type ApiClientOptions } from "./api-client";
import { COMMON_OPTIONS, type CliContext, type Command, type Values } from "./command";
import { ACTION_COMMANDS } from "./commands/act";
import { update } from "./commands/update";
import { cat, download } from "./commands/files";
import { QUEUE_COMMANDS } from "./commands/queue";
import { login, logout, whoami } from "./commands/account";
import { list } from "./commands/list";
import { log } from "./commands/log";
import { show } from "./commands/show";
import { stats } from "./commands/stats";
import { submit } from "./commands/submit";
import { wait } from "./commands/wait";
import { checkServerUrl, credentialsFile, resolveCredentials } from "./credentials";
import { CliError, EXIT, usageError } from "./errors";
import { terminalSafe } from "./terminal-text";

/**
 * parseArgs' refusal in qm's words: a value that starts with '-' (-p -5) is said with how
 * to write it, with the value given (`args`); the advice about positionals after '--' is
 * left out (qm takes none such).
 */
function parseErrorMessage(message: string, args: string[]): string {
  const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const option = ambiguous[1];
    const given = args[args.indexOf(option) + 1] ?? "-5";
    return `${option} takes a value that starts with '-' (${given}): write it joined to the option, as ${option.startsWith("--") ? `${option}=${given}` : `${option}${given}`}`;
  }
  return message.replace(/\. To specify.*$/s, "");
}

export const COMMANDS: Command[] = [submit, list, show, log, cat, download, ...ACTION_COMMANDS, update, ...QUEUE_COMMANDS, wait, stats, login, logout, whoami];

/** What run() needs from the process (main.ts gives the real ones, tests their own). */
export type CliIo = Pick<CliContext, "env" | "out" | "err" | "prompt" | "sleep" | "rawOut">;

export function overview(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `qm ${version}: QueueManager from the command line

usage: qm <command> [options] [arguments]     qm <command> --help for its options

${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

QM_URL and QM_TOKEN (or qm login) say which QueueManager and who you are; QM_TIMEOUT
how many seconds to wait for its answers (default 30).
Exit codes: 0 ok, 1 refused or failed, 2 bad command line, 3 server unreachable or silent,
4 login needed or not allowed; qm wait: the job's own exit code (docs/cli.md).`;
}

/**
 * Options every command takes (--url, --token, --json) may come before the command too:
 * `qm --url URL ls` is `qm ls --url URL`. Returns the command line with them moved after
 * the command's name, or a message when another option comes first.
 */
function commonOptionsFirst(argv: string[]): string[] | string {
  const common: string[] = [];
  let i = 0;
  for (; i < argv.length && argv[i].startsWith("-") && !["--help", "-h", "--version", "-V"].includes(argv[i]); i++) {
    const [option] = argv[i].replace(/^--?/, "").split("=", 1);
    const spec = Object.hasOwn(COMMON_OPTIONS, option) ? COMMON_OPTIONS[option] : undefined;
    if (!spec || !argv[i].startsWith("--")) return `options other than --url, --token and --json come after the command: qm <command> ${argv[i]}`;
    common.push(argv[i]);
    if (spec.type === "string" && !argv[i].includes("=") && i + 1 < argv.length) common.push(argv[++i]);
  }
  // Options and no command: as no command at all (the overview, exit 2).
  return i < argv.length ? [argv[i], ...common, ...argv.slice(i + 1)] : [];
}

/** QM_TIMEOUT: seconds qm waits for the server (docs/cli.md); a usage error when it is not a number of seconds. */
export function apiOptionsFrom(env: NodeJS.ProcessEnv): ApiClientOptions {
  const text = env.QM_TIMEOUT?.trim();
  if (!text) return {};
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0) || seconds > 86_400) throw usageError(`QM_TIMEOUT takes a number of seconds from 0.1 to 86400 (such as 120), not "${env.QM_TIMEOUT}"`);
  return { timeoutMs: Math.max(100, Math.round(seconds * 1000)) };
}

export async function run(argv: string[], given: CliIo, version = "dev"): Promise<number> {
  // Whatever a command writes may hold the server's text (terminal-text.ts).
  const io: CliIo = { ...given, out: (text) => given.out(terminalSafe(text)), err: (text) => given.err(terminalSafe(text)) };
  const reordered = commonOptionsFirst(argv);
  if (typeof reordered === "string") {
    io.err(`qm: ${reordered}`);
    return EXIT.USAGE;
  }
  const [name, ...rest] = reordered;
  if (name === "--version" || name === "-V") {
    io.out(version);
    return EXIT.OK;
  }
  if (!name || name === "--help" || name === "-h" || name === "help") {
    (name ? io.out : io.err)(overview(version));
    return name ? EXIT.OK : EXIT.USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name || (name === "list" && c.name === "ls"));
  if (!command) {
    io.err(`qm: there is no command "${name}"; qm --help lists them`);
    return EXIT.USAGE;
  }
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true }));
  } catch (error) {
    io.err(`qm ${command.name}: ${parseErrorMessage((error as Error).message, rest)}; qm ${command.name} --help`);
    return EXIT.USAGE;
  }
  if (values.help) {
    io.out(command.help);
    return EXIT.OK;
  }
  const [least, most] = command.args;
  if (positionals.length < least || positionals.length > most) {
    io.err(`qm ${command.name}: ${positionals.length < least ? "missing arguments" : "too many arguments"}; usage: ${command.help.split("\n")[0]}`);
    return EXIT.USAGE;
  }
  const credentials = resolveCredentials(io.env, { url: values.url as string | undefined, token: values.token as string | undefined }, (message) => io.err(`qm: ${message}`));
  let api: ApiClient | undefined;
  const ctx: CliContext = {
    ...io,
    credentials,
    credentialsPath: credentialsFile(io.env),
    apiOptions: () => apiOptionsFrom(io.env),
    api: () => (api ??= createApiClient(checkServerUrl(credentials.url), credentials.token, apiOptionsFrom(io.env))),
  };
  try {
    return await command.run(ctx, values, positionals);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`qm ${command.name}: ${error.message}`);
      return error.exitCode;
    }
    io.err(`qm ${command.name}: ${(error as Error).message}`);
    return EXIT.FAILED;
  } finally {
    api?.close();
  }
}
