import { defineConfig } from "vitest/config";
import path from "node:path";

/**
 * One integration file at a time within a Vitest, and one integration project at a time
 * (groupOrder): their workers and jobs share the machine's processors, and the timing of the
 * tests with them. A file of these keeps one processor about half busy (its workers and jobs
 * mostly wait on each other, on the clock and on the disk), so `npm test` runs three Vitests
 * side by side (scripts/test-all.sh): unit + integration; integration-scripts (the programs
 * started as `npm start`, systemd and nginx start them) then integration-pg; and the Slurm
 * files, which spend their 80 s waiting on Slurm with next to no CPU. Every test environment
 * has its own folders, ports, PostgreSQL server and block of job uids
 * (worker/tests/helpers.ts), so they never meet. (Vitest runs a groupOrder's projects with
 * one worker count, so within one Vitest they would take turns.)
 */
const integration = { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false };

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["lib/**/*.test.ts", "worker/**/*.test.ts", "app/**/*.test.ts", "prisma/**/*.test.ts", "cli/**/*.test.ts", "scripts/**/*.test.ts"], exclude: ["**/*.int.test.ts", "node_modules/**"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          // *.pg.int.test.ts need PostgreSQL: they run in integration-pg only.
          exclude: ["node_modules/**", "e2e/**", "**/*.pg.int.test.ts", "worker/slurm/tests/**", "scripts/**"],
          sequence: { groupOrder: 1 },
          ...integration,
        },
      },
      {
        // The programs as they are started: `npm start`, the npm scripts, systemd's units, nginx in front.
        extends: true,
        test: { name: "integration-scripts", include: ["scripts/**/*.int.test.ts"], sequence: { groupOrder: 1 }, ...integration },
      },
      {
        extends: true,
        test: { name: "integration-slurm", include: ["worker/slurm/tests/*.int.test.ts"], sequence: { groupOrder: 1 }, ...integration },
      },
      {
        // The web and worker suites again, on a throw-away PostgreSQL server started once
        // for the run (docs/postgresql.md), plus the PostgreSQL-only tests.
        extends: true,
        test: {
          name: "integration-pg",
          include: ["lib/web/*.int.test.ts", "worker/tests/*.int.test.ts", "lib/server/**/*.int.test.ts", "**/*.pg.int.test.ts"],
          // No database in these (zip reading, QMserv.cfg editing, a first start on SQLite,
          // the GPU device files, the login slow-down's memory, request bodies, folder copies
          // and archives, watching processes, the starts a worker refuses) or SQLite's own (its
          // temporary files, its backup copy); or what they test is the job's confinement
          // (cgroups, uids, rlimits, attacks from a job, a uid pool used up, what a job leaves
          // behind), files served from a hostile job's folder, the manifest rule of a folder, the
          // forms of a job folder and of a QM 0.4 QMserv.cfg, signals to a job, or a full disk,
          // where the database is the worker's bookkeeping that the other worker and web suites
          // run on PostgreSQL: run once, on SQLite, to keep CI short. A SQLite file on a full
          // disk (the database's disk filled by a job) is SQLite's own.
          exclude: [
            "node_modules/**", "e2e/**", "lib/server/zip/**", "lib/server/edit-config.int.test.ts",
            "lib/server/bootstrap.int.test.ts", "lib/web/login-slowdown.int.test.ts", "worker/tests/gpu-devices.int.test.ts",
            "lib/web/request-body.int.test.ts", "lib/server/store/sql-temp-files.int.test.ts", "lib/server/remove-tree.int.test.ts",
            "lib/server/jobs/copy-job-folder.int.test.ts", "lib/server/retention/archive-folder.int.test.ts",
            "worker/tests/limits.int.test.ts", "worker/tests/hostile-jobs.int.test.ts", "worker/tests/start-failure.int.test.ts",
            "lib/web/download-security.int.test.ts", "worker/tests/manifest.int.test.ts", "lib/web/disk-full.int.test.ts",
            "lib/server/backup/**", "worker/tests/database-disk-full.int.test.ts", "lib/server/logger-journal.int.test.ts", "lib/server/database-owner.int.test.ts", "lib/server/health-disk.int.test.ts",
            "lib/server/process-watch.int.test.ts", "worker/tests/worker-start.int.test.ts", "worker/tests/uid-leftovers.int.test.ts", "worker/tests/job-formats.int.test.ts",
            "worker/tests/qm-compat.int.test.ts",
          ],
          globalSetup: ["prisma/tools/postgres-test-setup.ts"],
          sequence: { groupOrder: 2 },
          ...integration,
        },
      },
    ],
  },
});
