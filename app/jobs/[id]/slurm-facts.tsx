import { type SlurmRunInfo, slurmReasonWords } from "@/lib/core/slurm-run-info";

/** Where Slurm has (or had) the job: its Slurm job id, state, node, partition, and why it waits. */
export function SlurmFacts({ slurm }: { slurm: SlurmRunInfo }) {
  const facts: [string, string | null][] = [
    ["Slurm job", slurm.slurmJobId],
    ["Slurm state", slurm.slurmState],
    ["Node", slurm.node],
    ["Partition", slurm.partition],
    ["Waiting because", slurm.slurmState === "PENDING" ? slurmReasonWords(slurm.reason) : slurm.reason && slurm.reason !== "None" ? slurm.reason : null],
  ];
  return (
    <section className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm" data-testid="slurm-facts">
      <dl className="flex flex-wrap gap-x-8 gap-y-2">
        {facts
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <div key={label} data-testid={`slurm-${label.toLowerCase().replace(/\s+/g, "-")}`}>
              <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
              <dd className="font-mono">{value}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}
