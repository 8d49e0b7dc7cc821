/**
 * What an edit of QMserv.cfg from the admin page must also pass, beyond the checks of
 * every reading (qm-config.ts):
 * - the keys the worker reads only when it starts (Job_Uids, Run_As, CPU_List), checked
 *   with the parsers it uses then: a typo refused here is a form message, found at the
 *   next start it stops the queue (or, for a CPU the machine lacks, fails every job);
 * - pairs that contradict each other (a default above its maximum).
 * Not part of the first reading: a file typed by hand that fails them still loads at start
 * (the worker says why, a default above its cap is capped); read again while the programs
 * run, a file with a new such problem is refused whole (lib/server/config-reload.ts). The
 * CPUs are the machine's, passed in so that the rules stay pure.
 */
import { formatCpuList } from "./cpu-sets";
import { isLoopback, parseIp } from "./ip-address";
import { parseUidRange } from "./job-uids";
import type { QmConfig } from "./qm-config";
import { parseRunAs } from "./run-as";
import { formatWalltime } from "./run-limits";

/** A problem and the keys it is about ("QMServer.Key", as readQmConfig names them). */
export interface EditProblem {
  keys: string[];
  message: string;
}

const S = "QMServer";

/** `cpus`: the CPUs QueueManager may use on this machine (lib/server/allowed-cpus.ts); `addresses`: its network addresses. */
export function configEditProblems(config: QmConfig, machine: { cpus: number[]; addresses: string[] }): EditProblem[] {
  return [
    ...parsedAtStart("Job_Uids", () => parseUidRange(config.jobUids)),
    ...parsedAtStart("Run_As", () => parseRunAs(config.runAs)),
    ...cpuListProblems(config.limits.cpuList, machine.cpus),
    ...limitPairProblems(config.limits),
    ...hostProblems(config.web.host, machine.addresses),
    ...metricsTokenProblems(config.web.metrics.token),
  ];
}

/** Shortest Metrics_Token: it opens every user's queue figures to whoever sends it, from anywhere. */
export const METRICS_TOKEN_MIN = 16;

function metricsTokenProblems(token: string): EditProblem[] {
  if (token === "" || token.length >= METRICS_TOKEN_MIN) return [];
  return [{ keys: ["WEB_QMserver.Metrics_Token"], message: `Metrics_Token must be ${METRICS_TOKEN_MIN} characters or more (it has ${token.length}): it lets anyone who sends it read /api/metrics; make one with openssl rand -hex 24` }];
}

/** A DNS name: labels of letters, digits and inner hyphens, dot-separated (RFC 1123). */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * Host is where the web server listens when it next starts: a name it cannot look up, or an
 * address the machine does not have, stops it then (with the worker, under npm start), and
 * the page to put it right with. A name is checked for its form only: what it resolves to
 * is the resolver's business at that start (the web server then says what to change).
 */
function hostProblems(host: string, addresses: string[]): EditProblem[] {
  const problem = (message: string) => [{ keys: ["WEB_QMserver.Host"], message }];
  const bytes = parseIp(host);
  if (bytes) {
    // Compared as addresses, not as text (0:0::0 is ::).
    const isHost = (a: string) => parseIp(a)?.every((b, i) => b === bytes[i]) ?? false;
    if (["0.0.0.0", "::"].some(isHost) || isLoopback(host) || addresses.some(isHost)) return [];
    return problem(`Host = ${host} is not an address of this machine (it has ${addresses.join(", ") || "none but 127.0.0.1"}); the web server could not start on it: give one of those, localhost, or 0.0.0.0 for every network`);
  }
  if (/^[\d.]+$/.test(host)) return problem(`Host = ${host} is not an IPv4 address (four numbers from 0 to 255)`);
  if (HOST_NAME.test(host)) return [];
  return problem(`Host must be a name of this machine (letters, digits, - and .) or one of its addresses, or 0.0.0.0 for every network (got "${host}")`);
}

function parsedAtStart(key: string, parse: () => unknown): EditProblem[] {
  try {
    parse();
    return [];
  } catch (error) {
    return [{ keys: [`${S}.${key}`], message: (error as Error).message }];
  }
}

function cpuListProblems(cpuList: number[] | null, machineCpus: number[]): EditProblem[] {
  const missing = (cpuList ?? []).filter((cpu) => !machineCpus.includes(cpu));
  if (missing.length === 0) return [];
  const has = formatCpuList(machineCpus);
  return [{
    keys: [`${S}.CPU_List`],
    message: `CPU_List names CPU ${formatCpuList(missing)}, which this machine does not have or does not let QueueManager use (it may use ${has}); list CPUs within ${has}, or leave CPU_List empty for all of them`,
  }];
}

const mem = (mb: number) => (mb % 1024 === 0 ? `${mb / 1024}G` : `${mb}M`);

function limitPairProblems(limits: QmConfig["limits"]): EditProblem[] {
  const problems: EditProblem[] = [];
  const { defaultMemMb, maxMemMb, defaultWalltimeSeconds, maxWalltimeSeconds } = limits;
  if (defaultMemMb !== null && maxMemMb !== null && defaultMemMb > maxMemMb) {
    problems.push({
      keys: [`${S}.Default_Mem`, `${S}.Max_Mem`],
      message: `Default_Mem (${mem(defaultMemMb)}) is more than Max_Mem (${mem(maxMemMb)}): lower Default_Mem or raise Max_Mem`,
    });
  }
  if (defaultWalltimeSeconds !== null && maxWalltimeSeconds !== null && defaultWalltimeSeconds > maxWalltimeSeconds) {
    problems.push({
      keys: [`${S}.Default_Walltime`, `${S}.Max_Walltime`],
      message: `Default_Walltime (${formatWalltime(defaultWalltimeSeconds)}) is longer than Max_Walltime (${formatWalltime(maxWalltimeSeconds)}): shorten Default_Walltime or lengthen Max_Walltime`,
    });
  }
  return problems;
}
