/** qm stats: jobs, failures and time per owner over the last days. */
import type { JobStats } from "../../lib/core/job-stats";
import { formatDuration } from "../../lib/core/format";
import { formatGpuHoursValue } from "../../lib/core/gpu-usage";
import { COMMON_HELP, type Command } from "../command";
import { EXIT, wholeNumberOption } from "../errors";
import { table } from "../table";
import { ANSWER } from "../answer-shapes";

export const stats: Command = {
  name: "stats",
  summary: "jobs, failures, CPU, wall and GPU time per owner",
  args: [0, 0],
  options: { days: { type: "string", short: "d" } },
  help: `qm stats [options]

Per owner: jobs submitted, done, failed, CPU time, wall time and its mean, GPU-hours
(wall time x nb_gpu) once any job had GPUs, then the totals and the jobs ended per day
over the last days.

  -d, --days N        days of the per-day count (1 to 366, default 30)
${COMMON_HELP}`,
  async run(ctx, values) {
    const days = wholeNumberOption("days", values.days, 1, 366, 30);
    const s = await ctx.api().call("GET", `/api/stats?days=${days}`, ANSWER.stats);
    if (values.json) {
      ctx.out(JSON.stringify(s));
      return EXIT.OK;
    }
    const d = (seconds: number | null) => (seconds === null ? "" : formatDuration(seconds * 1000));
    // A GPU-HOURS column only where jobs had GPUs, as the statistics page's: most servers have none.
    const gpus = s.totals.gpuSeconds > 0;
    const row = (name: string, o: JobStats["totals"]) => [
      name, o.jobs, o.done, o.failures, d(o.cpuSeconds), d(o.wallSeconds), d(o.meanWallSeconds), ...(gpus ? [formatGpuHoursValue(o.gpuSeconds / 3600)] : []),
    ];
    const head = ["OWNER", "JOBS", "DONE", "FAILED", "CPU", "WALL", "MEAN WALL", ...(gpus ? ["GPU-HOURS"] : [])];
    ctx.out(table(head, [...s.owners.map((o) => row(o.owner || "(none)", o)), row("TOTAL", s.totals)]));
    const active = s.days.filter((x) => x.done || x.failed);
    if (active.length) ctx.out(`\n${table(["DAY", "DONE", "FAILED"], active.map((x) => [x.day, x.done, x.failed]))}`);
    return EXIT.OK;
  },
};
