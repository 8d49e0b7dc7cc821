import { describe, expect, it } from "vitest";
import { parseSbatchArgs, splitWords } from "./sbatch-args";

describe("slurm_sbatch_args", () => {
  it("splits like a command line, quotes grouping, nothing expanded", () => {
    expect(splitWords(`--qos=long  --constraint="avx2&ib" --comment='a "b" $HOME'`)).toEqual(["--qos=long", "--constraint=avx2&ib", `--comment=a "b" $HOME`]);
    expect(splitWords("  ")).toEqual([]);
    expect(splitWords(`--comment=""`)).toEqual(["--comment="]);
  });

  it("refuses what QueueManager sets itself, and what is not an option, saying so", () => {
    expect(parseSbatchArgs("--qos long --exclusive")).toEqual(["--qos", "long", "--exclusive"]);
    expect(() => parseSbatchArgs("--output=/tmp/x")).toThrow("--output is set by QueueManager for every job and cannot be given in slurm_sbatch_args");
    expect(() => parseSbatchArgs("-Jname")).toThrow(/-Jname is set by QueueManager/);
    expect(() => parseSbatchArgs("--requeue")).toThrow(/--requeue is set by QueueManager/);
    expect(() => parseSbatchArgs("qos=long")).toThrow(`"qos=long" is not an sbatch option`);
    expect(() => parseSbatchArgs(`--comment="open`)).toThrow("a \" quote is not closed");
  });
});
