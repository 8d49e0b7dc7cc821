/**
 * Which CPUs a run is pinned to: `granted` CPUs from those the worker may use (CPU_List),
 * disjoint from the CPUs other running jobs hold while enough are free; when they are not
 * (MaxNbProcessors larger than the CPUs), the least used CPUs are shared. Pure, so the
 * rule is unit-tested.
 */

/** `0-3,6,8-9` -> [0,1,2,3,6,8,9]; throws with the reason on anything else (`what`: CPU, GPU). */
export function parseCpuList(text: string, what = "CPU"): number[] {
  const cpus = new Set<number>();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) throw new Error(`"${part}" is not a ${what} number or range (write them like 0-3,6)`);
    for (let cpu = Number(m[1]); cpu <= Number(m[2] ?? m[1]); cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** [0,1,2,3,6] -> "0-3,6" (the form cpuset.cpus and taskset -c take). */
export function formatCpuList(cpus: number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return parts.join(",");
}

/**
 * `count` CPUs for a new run: free ones first (lowest numbers, so runs pack), then the
 * least shared. `held` lists the CPU sets of the running jobs.
 */
export function chooseCpus(available: number[], held: number[][], count: number): number[] {
  const load = new Map(available.map((cpu) => [cpu, 0]));
  for (const set of held) for (const cpu of set) if (load.has(cpu)) load.set(cpu, load.get(cpu)! + 1);
  const byLoad = [...load].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return byLoad.slice(0, Math.min(count, available.length)).map(([cpu]) => cpu).sort((a, b) => a - b);
}
