import { describe, expect, it } from "vitest";
import { JOB_DEFAULT_OPTIONS, parseSbatchArgs, splitWords, withoutOptions } from "./sbatch-args";

describe("slurm_sbatch_args", () => {
  it("splits like a command line, quotes grouping, nothing expanded", () => {
    expect(splitWords(`--qos=long  --constraint="avx2&ib" --comment='a "b" $HOME'`)).toEqual(["--qos=long", "--constraint=avx2&ib", `--comment=a "b" $HOME`]);
    expect(splitWords("  ")).toEqual([]);
    expect(splitWords(`--comment=""`)).toEqual(["--comment="]);
  });

  it("refuses what QueueManager sets itself, and what is not an option, saying so", () => {
    expect(parseSbatchArgs("--qos long --exclusive")).toEqual(["--qos=long", "--exclusive"]);
    expect(() => parseSbatchArgs("--output=/tmp/x")).toThrow("--output is set by QueueManager for every job and cannot be given in slurm_sbatch_args");
    expect(() => parseSbatchArgs("-Jname")).toThrow("-J is set by QueueManager");
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

  it("refuses another user, group or cluster, however written, saying why and what to do", () => {
    // --uid from a root worker ran every job as that user, whom squeue --me never listed;
    // -M sent them to a cluster where the worker's squeue and sacct never found them.
    expect(() => parseSbatchArgs("--uid=0")).toThrow("--uid would run every job as another user, whom the worker's squeue --me never lists (the job is lost)");
    expect(() => parseSbatchArgs("--uid alice")).toThrow(/run the worker under the account the jobs should run as/);
    expect(() => parseSbatchArgs("--gid=lab")).toThrow(/--gid would run every job with another group's rights.*cannot be given in slurm_sbatch_args/);
    expect(() => parseSbatchArgs("--clusters=other")).toThrow("--clusters would send every job to another cluster, where the worker's squeue and sacct never find it (the job is lost, or submitted a second time)");
    expect(() => parseSbatchArgs("--cluster other")).toThrow(/--cluster would send every job to another cluster.*run the worker on a submit host of that cluster/);
    expect(() => parseSbatchArgs("-M other")).toThrow(/^-M would send every job to another cluster/);
    expect(() => parseSbatchArgs("-Mother")).toThrow(/^-M would send every job/);
    expect(() => parseSbatchArgs("--qos=long -HM other")).toThrow(/^-M \(in -HM\) would send every job/);
    // Abbreviated, as sbatch reads them.
    expect(() => parseSbatchArgs("--ui=0")).toThrow(/^--ui is short for --uid, which would run every job as another user/);
    expect(() => parseSbatchArgs("--gi 0")).toThrow(/^--gi is short for --gid, which would run every job with another group's rights/);
    expect(() => parseSbatchArgs("--clu=x")).toThrow(/^--clu could stand for --cluster-constraint, --cluster or --clusters: --cluster would send every job to another cluster/);
    // --cluster-constraint alone sends nothing elsewhere; a value may name a cluster.
    expect(parseSbatchArgs("--cluster-constraint=big --comment=-M")).toEqual(["--cluster-constraint=big", "--comment=-M"]);
  });

  it("--mem and --time are defaults: a job that asks for its own goes without them", () => {
    const words = parseSbatchArgs("--qos=long --mem 4G --time=120 -t 30 --mem-per-cpu=1G --exclusive");
    expect(withoutOptions(words, JOB_DEFAULT_OPTIONS.mem)).toEqual(["--qos=long", "--time=120", "-t30", "--exclusive"]);
    expect(withoutOptions(words, JOB_DEFAULT_OPTIONS.walltime)).toEqual(["--qos=long", "--mem=4G", "--mem-per-cpu=1G", "--exclusive"]);
    expect(withoutOptions(["--mem", "4G", "--qos=long"], JOB_DEFAULT_OPTIONS.mem)).toEqual(["--qos=long"]);
    expect(withoutOptions(["-t60", "--timeout-is-not-time"], JOB_DEFAULT_OPTIONS.walltime)).toEqual(["--timeout-is-not-time"]);
  });

  it("judges an abbreviated long option as the option sbatch reads for it, naming it in full", () => {
    // sbatch takes any unique beginning of a long option: --job=x renamed the job, and a
    // restarted worker no longer found its run by name (submitted it a second time).
    expect(() => parseSbatchArgs("--job=zzz")).toThrow("--job is short for --job-name, which is set by QueueManager for every job and cannot be given in slurm_sbatch_args");
    expect(() => parseSbatchArgs("--out=/tmp/x.out")).toThrow(/--out is short for --output, which is set by QueueManager/);
    expect(() => parseSbatchArgs("--chd=/tmp")).toThrow(/--chd is short for --chdir, which is set by QueueManager/);
    expect(() => parseSbatchArgs("--no-req")).toThrow(/--no-req is short for --no-requeue, which is set by QueueManager/);
    expect(() => parseSbatchArgs("--part=short")).toThrow(/--part is short for --partition, which is what each job asks for itself .*set slurm_partition/);
    expect(() => parseSbatchArgs("--ntasks-per-n=2")).toThrow(/--ntasks-per-n is short for --ntasks-per-node, .*one task on one node/);
    expect(() => parseSbatchArgs("--tasks-per-node=2")).toThrow(/--tasks-per-node is what each job asks for itself/);
    expect(() => parseSbatchArgs("--accou lab")).toThrow(/--accou is short for --account/);
    expect(() => parseSbatchArgs("--test")).toThrow(/--test is short for --test-only, which makes sbatch print something and submit nothing/);
    // The space-separated form too, and a beginning that several options share.
    expect(() => parseSbatchArgs("--qos=long --job renamed")).toThrow(/--job is short for --job-name/);
    expect(() => parseSbatchArgs("--o=x")).toThrow("--o could stand for --open-mode, --output, --overcommit or --oversubscribe: --open-mode is set by QueueManager");
    expect(() => parseSbatchArgs("--exc=node1")).toThrow("--exc could stand for --exclude or --exclusive: write the option in full");
    expect(() => parseSbatchArgs("--gre gpu:1")).toThrow(/could stand for --gres or --gres-flags/);
    expect(() => parseSbatchArgs("--gres-f=enforce-binding --gres gpu:1")).toThrow(/--gres=gpu is what each job asks for/);
  });

  it("writes an abbreviated option in full, so that a job's own memory or walltime still replaces the default", () => {
    const words = parseSbatchArgs("--qo long --mem-per-c=1G --time-m 30 --exclusive=user --nic=5");
    expect(words).toEqual(["--qos=long", "--mem-per-cpu=1G", "--time-min=30", "--exclusive=user", "--nice=5"]);
    expect(withoutOptions(words, JOB_DEFAULT_OPTIONS.mem)).toEqual(["--qos=long", "--time-min=30", "--exclusive=user", "--nice=5"]);
    expect(() => parseSbatchArgs("--tim=60")).toThrow("--tim could stand for --time or --time-min: write the option in full");
    // An option unknown to this table (a newer Slurm's) is left to sbatch.
    expect(parseSbatchArgs("--tres-per-task gres/shard:1")).toEqual(["--tres-per-task=gres/shard:1"]);
  });

  it("reads bundled short options one by one, and a value given in the next word as a value", () => {
    expect(() => parseSbatchArgs("-vJname")).toThrow("-J (in -vJname) is set by QueueManager");
    expect(() => parseSbatchArgs("-HQ -W")).toThrow(/-W is set by QueueManager/);
    expect(() => parseSbatchArgs("-Hc4")).toThrow(/-c \(in -Hc4\) is what each job asks for itself/);
    expect(() => parseSbatchArgs("-Hp short")).toThrow(/-p \(in -Hp\) is what each job asks for itself/);
    expect(() => parseSbatchArgs("-Hz")).toThrow("-z (in -Hz) is not an sbatch option");
    // -t bundled behind a flag is still the walltime default a job's own replaces.
    const words = parseSbatchArgs("-Ht 30 -q long");
    expect(words).toEqual(["-H", "-t30", "-qlong"]);
    expect(withoutOptions(words, JOB_DEFAULT_OPTIONS.walltime)).toEqual(["-H", "-qlong"]);
    // A value is not judged as an option: a comment may say anything.
    expect(parseSbatchArgs("--comment -J --qos=long")).toEqual(["--comment=-J", "--qos=long"]);
    expect(parseSbatchArgs("-C 'avx2&ib'")).toEqual(["-Cavx2&ib"]);
  });

  it("refuses a word sbatch would take for the batch script, and options written wrong", () => {
    // After an option without a value, sbatch runs the next word as the script, not QueueManager's.
    expect(() => parseSbatchArgs("--hold myscript.sh")).toThrow(`"myscript.sh" is not an sbatch option (options start with -) and would be taken by sbatch for the batch script`);
    expect(() => parseSbatchArgs("--nice 5")).toThrow("(--nice takes a value only with =: --nice=5)");
    expect(() => parseSbatchArgs("--hold=yes")).toThrow("--hold takes no value");
    expect(() => parseSbatchArgs("--exclusive --qos")).toThrow("--qos needs a value");
    expect(() => parseSbatchArgs("-q")).toThrow("-q needs a value");
  });
});
