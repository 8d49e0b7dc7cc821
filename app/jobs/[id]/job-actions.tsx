"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ActionRefusals, JobDetail, Permissions, SwitchedOff } from "@/lib/core/api-types";
import { useDeleteJobMutation, useKillJobMutation, useRequeueJobMutation } from "@/lib/client/use-job-mutations";
import { actionsFitting } from "@/lib/core/job-permissions";
import { ConfirmPopover } from "../../confirm-popover";
import { HoldReleaseButton } from "../../queued-jobs";

type Action = "kill" | "delete" | "requeue";

const QUESTION: Record<Action, string> = {
  // Not which folder: that is Failed_Jobs in QMserv.cfg (QM_dJobs when the key is absent, as in QM 0.4).
  kill: "Kill this running job? Its processes get SIGTERM, then SIGKILL; it ends as killed, its folder and process.log kept.",
  delete: "Delete this job and its whole folder? This cannot be undone.",
  requeue: "Put this job back in the queue? It runs again in a fresh turn; process.log is kept and appended to.",
};

/** A job handed to Slurm that waits there has no processes yet: cancelled at once. */
const KILL_PENDING = "Cancel this job, which waits in Slurm's queue? It never starts; it ends as killed, its folder kept.";

/**
 * Hold / release at once; kill / delete / requeue, each with a confirmation; shown to those
 * who may. One the server would refuse now (`refused`: a requeue that would be cancelled again
 * at once) is shown disabled, described by the reason, rather than offered and then refused.
 */
export function JobActions({ job, can, refused = {}, switchedOff = {} }: { job: JobDetail; can: Permissions; refused?: ActionRefusals; switchedOff?: SwitchedOff }) {
  const router = useRouter();
  const [asking, setAsking] = useState<Action | null>(null);
  const mutations = { kill: useKillJobMutation(job.id), delete: useDeleteJobMutation(job.id), requeue: useRequeueJobMutation(job.id) };
  const allowed = actionsFitting(job).filter((action) => can[action]);
  const available = (["kill", "requeue", "delete"] as const).filter((action) => allowed.includes(action));
  const failed = (Object.keys(mutations) as Action[]).map((a) => mutations[a].error).find(Boolean);
  const holdable = allowed.includes("hold") || allowed.includes("release");
  // The owner's kill or delete that QMserv.cfg switches off: said where the button would be.
  const off = (["kill", "delete"] as const).filter((action) => switchedOff[action] && actionsFitting(job).includes(action));
  if (!available.length && !failed && !holdable && !off.length) return null;

  async function confirm(action: Action) {
    try {
      await mutations[action].mutateAsync();
      setAsking(null);
      if (action === "delete") router.push("/");
    } catch {
      setAsking(null);
    }
  }

  const style: Record<Action, string> = {
    kill: "bg-red-700 hover:bg-red-800 text-white",
    delete: "border border-red-300 text-red-700 hover:bg-red-50",
    requeue: "border border-slate-300 text-slate-700 hover:bg-slate-100",
  };
  return (
    <div className="relative flex flex-col items-end gap-2">
      <div className="flex items-start gap-2">
        <HoldReleaseButton job={job} can={can} large />
        {available.map((a) => (
          <button key={a} type="button" disabled={!!refused[a]} aria-describedby={refused[a] ? `refused-${a}` : undefined} title={refused[a]}
            className={`rounded px-3 py-1.5 text-sm font-medium capitalize disabled:cursor-not-allowed disabled:opacity-50 ${style[a]}`} onClick={() => setAsking(a)}>
            {a}
          </button>
        ))}
      </div>
      {off.map((a) => (
        <p key={a} className="max-w-sm text-right text-sm text-slate-600">
          {switchedOff[a]}
        </p>
      ))}
      {available.map((a) =>
        refused[a] ? (
          <p key={a} id={`refused-${a}`} className="max-w-sm text-right text-sm text-slate-600">
            Cannot {a} now: {refused[a]}
          </p>
        ) : null,
      )}
      {asking && (
        <ConfirmPopover
          key={asking}
          label={`Confirm ${asking}`}
          question={asking === "kill" && job.state === "pending" ? KILL_PENDING : QUESTION[asking]}
          yes={`Yes, ${asking}`}
          yesClass={asking === "requeue" ? "bg-blue-700" : "bg-red-700"}
          busy={mutations[asking].isPending}
          onYes={() => confirm(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
      {failed && (
        <p role="alert" className="max-w-sm text-sm text-red-700">
          {failed.message}
        </p>
      )}
    </div>
  );
}
