import { describe, expect, it } from "vitest";
import { JOB_DEFAULT_OPTIONS, parseSbatchArgs, splitWords, withoutOptions } from "./sbatch-args";

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

  it("refuses what each job asks for itself (processors, one task on one node, GPUs, partition, account), saying what to use", () => {
    // Written after QueueManager's own options, they would have overridden each job's:
    // nb_gpu = 0 jobs given a GPU that the job page and GPU-hours never showed.
    expect(() => parseSbatchArgs("--gres=gpu:1")).toThrow(/--gres=gpu is what each job asks for itself \(nb_gpu sets --gres=gpu:N\)/);
    expect(() => parseSbatchArgs("--qos=long --gres gpu:a100:2")).toThrow(/--gres=gpu/);
    expect(() => parseSbatchArgs("--gres=tmp:10G,gpu")).toThrow(/--gres=gpu/);
    expect(parseSbatchArgs("--gres=tmp:10G")).toEqual(["--gres=tmp:10G"]);
    expect(() => parseSbatchArgs("--gpus=2")).toThrow("--gpus is what each job asks for itself and cannot be given for every job in slurm_sbatch_args: each job's nb_gpu sets --gres=gpu:N");
    expect(() => parseSbatchArgs("-G1")).toThrow(/-G is what each job asks for/);
    expect(() => parseSbatchArgs("--cpus-per-task=4")).toThrow(/nb_proc sets --cpus-per-task/);
    expect(() => parseSbatchArgs("-c 4")).toThrow(/-c is what each job asks for/);
    expect(() => parseSbatchArgs("--nodes=2")).toThrow(/every job is one task on one node/);
    expect(() => parseSbatchArgs("--partition=gpu")).toThrow(/set slurm_partition/);
    expect(() => parseSbatchArgs("-A lab")).toThrow(/set slurm_account/);
    // Long options that merely begin with the same letters are not these.
    expect(parseSbatchArgs("--comment=x --constraint=avx2 --nice=5 --acctg-freq=30")).toHaveLength(4);
  });

  it("--mem and --time are defaults: a job that asks for its own goes without them", () => {
    const words = parseSbatchArgs("--qos=long --mem 4G --time=120 -t 30 --mem-per-cpu=1G --exclusive");
    expect(withoutOptions(words, JOB_DEFAULT_OPTIONS.mem)).toEqual(["--qos=long", "--time=120", "-t", "30", "--exclusive"]);
    expect(withoutOptions(words, JOB_DEFAULT_OPTIONS.walltime)).toEqual(["--qos=long", "--mem", "4G", "--mem-per-cpu=1G", "--exclusive"]);
    expect(withoutOptions(["-t60", "--timeout-is-not-time"], JOB_DEFAULT_OPTIONS.walltime)).toEqual(["--timeout-is-not-time"]);
  });
});
