/** A test file's own single-node Slurm: started before its tests with SLURM_CONF pointing at it, stopped after. */
import { afterAll, beforeAll } from "vitest";
import { type SlurmCluster, startSlurmCluster } from "./slurm-cluster";

/** Registers the hooks; the cluster, once started. */
export function useSlurmCluster(): () => SlurmCluster {
  let cluster: SlurmCluster | undefined;
  beforeAll(async () => {
    cluster = await startSlurmCluster();
    process.env.SLURM_CONF = cluster.conf;
  });
  afterAll(async () => {
    await cluster?.stop();
    delete process.env.SLURM_CONF;
  });
  return () => cluster!;
}
