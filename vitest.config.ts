import { defineConfig } from "vitest/config";
import path from "node:path";

/**
 * One integration file at a time, and one integration project at a time (groupOrder): their
 * workers and jobs share the machine's processors, and the timing of the tests with them.
 */
const integration = { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false };

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["lib/**/*.test.ts", "worker/**/*.test.ts", "app/**/*.test.ts", "prisma/**/*.test.ts", "cli/**/*.test.ts"], exclude: ["**/*.int.test.ts", "node_modules/**"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          // *.pg.int.test.ts need PostgreSQL: they run in integration-pg only.
          exclude: ["node_modules/**", "e2e/**", "**/*.pg.int.test.ts"],
          sequence: { groupOrder: 1 },
          ...integration,
        },
      },
      {
        // The web and worker suites again, on a throw-away PostgreSQL server started once
        // for the run (docs/postgresql.md), plus the PostgreSQL-only tests.
        extends: true,
        test: {
          name: "integration-pg",
          include: ["lib/web/*.int.test.ts", "worker/tests/*.int.test.ts", "lib/server/**/*.int.test.ts", "**/*.pg.int.test.ts"],
          // No database in these, or nothing the database changes (processes, limits, scheduling
          // rules, login slow-down, file serving): run once, on SQLite, to keep CI short.
          exclude: [
            "node_modules/**", "e2e/**", "lib/server/zip/**", "lib/server/edit-config.int.test.ts",
            "worker/tests/limits.int.test.ts", "worker/tests/scheduling.int.test.ts", "worker/tests/hostile-jobs.int.test.ts",
            "worker/tests/kill.int.test.ts", "worker/tests/two-instances.int.test.ts", "lib/web/login-slowdown.int.test.ts",
            "worker/tests/gpus.int.test.ts", "worker/tests/gpu-devices.int.test.ts",
            "lib/web/download-security.int.test.ts", "lib/web/job-folder-views.int.test.ts", "lib/web/request-body.int.test.ts",
          ],
          globalSetup: ["prisma/tools/postgres-test-setup.ts"],
          sequence: { groupOrder: 2 },
          ...integration,
        },
      },
    ],
  },
});
