/** What GPU tests read of a job: the devices it was shown, as its script recorded them. */
import fs from "node:fs";

/** A script line that records what the job sees of its GPUs (`unset` when a variable is absent). */
export const recordGpus = (file: string, name: string) =>
  `echo "${name} cuda=\${CUDA_VISIBLE_DEVICES-unset} nvidia=\${NVIDIA_VISIBLE_DEVICES-unset} qm=\${QM_GPUS-unset}" >> '${file}'`;

/** What each job recorded: name -> { cuda, nvidia, qm }. */
export function seenGpus(file: string): Map<string, { cuda: string; nvidia: string; qm: string }> {
  const seen = new Map<string, { cuda: string; nvidia: string; qm: string }>();
  for (const line of fs.readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    const [name, ...vars] = line.split(" ");
    const value = (key: string) => vars.find((v) => v.startsWith(`${key}=`))!.slice(key.length + 1);
    seen.set(name, { cuda: value("cuda"), nvidia: value("nvidia"), qm: value("qm") });
  }
  return seen;
}

/** "0,2" -> [0, 2]; "" -> []. */
export const devices = (list: string) => (list ? list.split(",").map(Number) : []);

