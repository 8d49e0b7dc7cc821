/**
 * Slurm's accounting, when the cluster keeps it (slurmdbd): squeue forgets a job
 * MinJobAge seconds after its end, sacct does not. For runs squeue no longer lists and that
 * left no exit record, one sacct call (for all of them) says how Slurm saw them end:
 * a node failure, a timeout or a cancel is then reported as such rather than as "lost".
 * Without accounting (the default of small clusters, and of our tests), nothing is asked.
 */
import type { SlurmRunner } from "./slurm-cli";
import { FIELD_SEPARATOR } from "./slurm-states";

/** AccountingStorageType from `scontrol show config`: anything but accounting_storage/none keeps jobs. */
export function parseAccountingType(config: string): boolean {
  const m = /^AccountingStorageType\s*=\s*(\S+)/m.exec(config);
  return m !== null && m[1] !== "accounting_storage/none";
}

/** The final state of each job (first word: "CANCELLED by 1000" is CANCELLED), from `sacct --parsable2`. */
export function parseSacct(text: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const line of text.split("\n")) {
    const [id, state] = line.split(FIELD_SEPARATOR);
    if (id && state) states.set(id.trim(), state.trim().split(/\s+/)[0]);
  }
  return states;
}

export interface Accounting {
  /** Final states of these jobs, by Slurm job id; empty without accounting (or when sacct fails). */
  states(ids: string[]): Promise<Map<string, string>>;
}

export function createAccounting(cli: SlurmRunner): Accounting {
  let enabled: Promise<boolean> | undefined;
  return {
    async states(ids) {
      if (!ids.length) return new Map();
      enabled ??= cli("scontrol", ["show", "config"]).then(parseAccountingType, () => {
        enabled = undefined; // Slurm did not answer: ask again next time
        return false;
      });
      if (!(await enabled)) return new Map();
      const args = ["--noheader", "--parsable2", `--delimiter=${FIELD_SEPARATOR}`, "--allocations", `--jobs=${ids.join(",")}`, "--format=JobID,State"];
      return cli("sacct", args).then(parseSacct, () => new Map<string, string>());
    },
  };
}
