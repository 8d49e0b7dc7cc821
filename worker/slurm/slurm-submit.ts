/**
 * Handing runs to sbatch. A submission Slurm cannot take now (controller down, submit
 * limit) waits and is retried after each look, in order. Before a retry, a squeue begun
 * after the failed attempt must show no job of the run's name: an sbatch that timed out
 * may have created the job anyway, and a job is never submitted twice.
 */
import { type SlurmRunner, isTransient } from "./slurm-cli";
import type { Snapshot } from "./slurm-poller";
import type { SlurmRun } from "./slurm-run";

export function createSubmitter(cli: SlurmRunner, runs: Map<string, SlurmRun>) {
  /** Hand a run to sbatch once; false when Slurm could not take it now (it stays waiting). */
  const submit = async (run: SlurmRun): Promise<boolean> => {
    const sub = run.submission!;
    if (sub.sending) return false;
    sub.sending = true;
    try {
      const out = await cli("sbatch", sub.args, { input: sub.script, env: sub.env });
      const id = out.trim().split(";")[0];
      Object.assign(run, { slurmJobId: id, submission: undefined, acceptedAt: Date.now() });
      run.info = { ...run.info, slurmJobId: id, slurmState: "PENDING", reason: null };
      return true;
    } catch (error) {
      const why = (error as Error).message;
      if (isTransient(error)) {
        Object.assign(sub, { failedAt: Date.now(), checked: false });
        run.info = { ...run.info, reason: `Slurm did not take it yet: ${why}` };
        return false;
      }
      runs.delete(run.runToken);
      run.finish({ exitCode: null, signal: null, cpuSeconds: null, error: `Slurm refused the job: ${why}`, runInfo: { ...run.info, slurmState: "REFUSED" } });
      return true;
    } finally {
      sub.sending = false;
    }
  };

  /** After each look: retry waiting submissions in order (a name found in squeue is that submission, accepted after all). */
  const submitWaiting = async (snap: Snapshot) => {
    for (const run of [...runs.values()].filter((r) => r.submission)) {
      const sub = run.submission!;
      if (sub.sending) break; // start() submits it right now: the ones behind wait their turn
      if (!sub.checked) {
        if (snap.askedAt <= sub.failedAt) continue;
        const found = snap.entries.find((e) => e.name === run.name);
        if (found) {
          Object.assign(run, { slurmJobId: found.slurmJobId, submission: undefined, acceptedAt: 0 });
          continue;
        }
        sub.checked = true;
      }
      const taken = await submit(run);
      run.notify();
      if (!taken) break;
    }
  };

  return { submit, submitWaiting };
}
