/** Idle overhead: worker CPU over a quiet minute, and resident memory of both programs. */
import type { QmInstance } from "../lib/qm-instance";
import { cpuSeconds, rssMb } from "../lib/proc";
import { sleep } from "../lib/jobs";

export async function idleCpu(qm: QmInstance, seconds: number): Promise<number> {
  const pid = qm.worker!.pid!;
  await sleep(15_000); // let start-up work (JIT, first GCs) settle
  const before = cpuSeconds(pid);
  await sleep(seconds * 1000);
  return cpuSeconds(pid) - before;
}

export function rss(qm: QmInstance): { worker: number; web: number } {
  return {
    worker: qm.worker?.pid ? rssMb(qm.worker.pid) : Number.NaN,
    web: qm.web?.pid ? rssMb(qm.web.pid) : Number.NaN,
  };
}
