/**
 * e2e: a real Chromium against `npm start`'s programs (built app + real worker), on a
 * QM_FOLDER, QMserv.cfg and SQLite file of this run's own (see e2e/test-env.ts).
 */
import { defineConfig } from "@playwright/test";
import { e2eEnv } from "./e2e/test-env";

const env = e2eEnv();

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: env.baseURL,
    launchOptions: {
      executablePath: process.env.QM_CHROMIUM || "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    screenshot: "only-on-failure",
    trace: "off",
  },
  webServer: {
    command: `${process.execPath} --import tsx scripts/start.ts`,
    url: `${env.baseURL}/api/status`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: env.processEnv,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
