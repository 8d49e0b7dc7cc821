/**
 * Before a Slurm-backed worker starts: is QM_FOLDER shared with the nodes, at the same
 * path? A probe file with a random word is written in QM_FOLDER/.qm/probe, a tiny Slurm job
 * reads it and writes it back beside it with its node's name, and the worker reads that
 * answer. No answer once the probe job has ended: the worker refuses to start, saying so.
 * A probe job that does not even start in time (a full cluster) proves nothing either
 * way: the worker starts with a warning.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { QmConfig } from "../../lib/core/qm-config";
import { type LogInput, toLog } from "../../lib/server/logger";
import type { QmLayout } from "../../lib/server/qm-folders";
import { shellQuote } from "./sbatch-command";
import { type SlurmRunner, isInvalidJobId } from "./slurm-cli";
import { phaseOf } from "./slurm-states";

export interface SharedFolderCheck {
  cli: SlurmRunner;
  layout: QmLayout;
  settings: QmConfig["slurm"];
  log: LogInput;
  /** How long the probe may wait in Slurm's queue and run; default 120 s. */
  timeoutMs?: number;
  /** How long its answer is waited for once it ended (NFS may show it late); default 60 s. */
  answerGraceMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function checkSharedFolder(c: SharedFolderCheck): Promise<void> {
  const word = randomBytes(8).toString("hex");
  const dir = path.join(c.layout.internal, "probe");
  fs.mkdirSync(dir, { recursive: true });
  const probe = path.join(dir, `${word}.probe`);
  const answer = path.join(dir, `${word}.answer`);
  fs.writeFileSync(probe, `${word}\n`);
  const script = `#!/bin/sh\n{ hostname; cat ${shellQuote(probe)}; } > ${shellQuote(`${answer}.tmp`)} && mv ${shellQuote(`${answer}.tmp`)} ${shellQuote(answer)}\n`;
  const args = ["--parsable", `--job-name=qm-probe-${word}`, "--chdir=/", "--output=/dev/null", "--nodes=1", "--ntasks=1", "--cpus-per-task=1", "--time=1"];
  if (c.settings.partition) args.push(`--partition=${c.settings.partition}`);
  if (c.settings.account) args.push(`--account=${c.settings.account}`);
  let id: string;
  try {
    id = (await c.cli("sbatch", [...args, ...c.settings.sbatchArgs], { input: script })).trim().split(";")[0];
  } catch (error) {
    fs.rmSync(probe, { force: true });
    throw new Error(`executor = slurm, but Slurm does not take QueueManager's jobs: ${(error as Error).message}. Check that Slurm runs here and slurm_partition, slurm_account and slurm_sbatch_args in QMserv.cfg`);
  }
  let ended = false;
  try {
    const deadline = Date.now() + (c.timeoutMs ?? 120_000);
    let endedAt = 0;
    let node = "";
    let lastLook = 0;
    for (;;) {
      const listed = fs.readdirSync(dir).includes(path.basename(answer));
      const text = listed ? fs.readFileSync(answer, "utf8").split("\n") : null;
      if (text && text[1] === word) {
        c.log(`slurm: QM_FOLDER is shared with the nodes (probe job ${id} read it on ${text[0]})`);
        ended = true;
        return;
      }
      if (endedAt && Date.now() - endedAt > (c.answerGraceMs ?? 60_000)) {
        throw new Error(
          `QM_FOLDER (${c.layout.root}) is not shared with the Slurm nodes: probe job ${id} ran on ${node || "a node"} but could not read ${probe} and answer beside it. ` +
            "Put QM_FOLDER on a filesystem every node mounts at the same path (NFS, CephFS, Lustre...), or set executor = local in QMserv.cfg",
        );
      }
      if (Date.now() > deadline) {
        toLog(c.log, () => false).warn(`slurm: the probe job ${id} did not run within ${Math.round((c.timeoutMs ?? 120_000) / 1000)} s (busy cluster?), so whether QM_FOLDER is shared with the nodes is not known; starting anyway`);
        return;
      }
      if (!endedAt && Date.now() - lastLook >= 1000) {
        lastLook = Date.now();
        const line = await c.cli("squeue", ["--jobs", id, "--states=all", "--noheader", "--format=%T %N"]).catch((error) => (isInvalidJobId(error) ? "" : null));
        const [state = "", where = ""] = (line ?? "").trim().split(/\s+/);
        node = where || node;
        // Not listed any more (a short MinJobAge) is ended too.
        if (line !== null && (!state || phaseOf(state) === "ended")) {
          ended = true;
          endedAt = Date.now();
        }
      }
      await sleep(100);
    }
  } finally {
    if (!ended) await c.cli("scancel", [id]).catch(() => undefined);
    for (const file of [probe, answer, `${answer}.tmp`]) fs.rmSync(file, { force: true });
  }
}
