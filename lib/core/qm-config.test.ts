import { describe, expect, it } from "vitest";
import { parseIni } from "./config-parser";
import { defaultConfigText, readQmConfig } from "./qm-config";

const read = (qmServer: string) => readQmConfig(parseIni(`[QMServer]\nQM_FOLDER = /qm\n${qmServer}\n`), (p) => p);

describe("the executor keys of QMserv.cfg", () => {
  it("default to the local executor; the Slurm keys are read into config.slurm", () => {
    expect(read("")).toMatchObject({ executor: "local", slurm: { partition: "", account: "", sbatchArgs: [], pollMs: 5000 } });
    const c = read("executor = slurm\nslurm_partition = long\nslurm_account = lab\nslurm_sbatch_args = --qos=high --constraint=\"a&b\"\nslurm_poll_interval = 2");
    expect(c).toMatchObject({ executor: "slurm", slurm: { partition: "long", account: "lab", sbatchArgs: ["--qos=high", "--constraint=a&b"], pollMs: 2000 } });
  });

  it("names the key and what to fix when a value is wrong", () => {
    expect(() => read("executor = pbs")).toThrow("executor must be one of: local, slurm");
    expect(() => read("slurm_sbatch_args = --output=/tmp/x")).toThrow("slurm_sbatch_args: --output is set by QueueManager for every job");
    expect(() => read("slurm_poll_interval = 0")).toThrow("slurm_poll_interval must be at least 1");
  });

  it("are written, commented, into a new QMserv.cfg", () => {
    const text = defaultConfigText("data/QM");
    expect(text).toMatch(/# where jobs run: local .* %choice:local\|slurm%\nexecutor = local\n/);
    expect(text).toMatch(/slurm_poll_interval = 5\n/);
    expect(read(text.split("[QMServer]")[1].split("[WEB_QMserver]")[0].replace(/^QM_FOLDER.*$/m, ""))).toMatchObject({ executor: "local" });
  });
});
