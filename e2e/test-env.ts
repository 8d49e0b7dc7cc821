/**
 * Each e2e run gets its own folder: QMserv.cfg, QM_FOLDER and SQLite file. The folder
 * is chosen once in the main Playwright process and handed to its workers through the
 * environment (QM_E2E_DIR).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface E2eEnv {
  dir: string;
  qmFolder: string;
  configPath: string;
  baseURL: string;
  adminPassword: string;
  processEnv: Record<string, string>;
}

const PORT = Number(process.env.QM_E2E_PORT || 8431);
const ADMIN_PASSWORD = "e2e-admin-secret";

export function e2eEnv(): E2eEnv {
  let dir = process.env.QM_E2E_DIR;
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-e2e-"));
    process.env.QM_E2E_DIR = dir;
    // Made here, in Playwright's main process (its workers get the folder through the
    // environment): removed when that process exits, after it has stopped the web server
    // and the worker (webServer's graceful shutdown). Screenshots of failures are kept
    // elsewhere (test-results/).
    const made = dir;
    process.once("exit", () => fs.rmSync(made, { recursive: true, force: true }));
  }
  const qmFolder = path.join(dir, "QM");
  const configPath = path.join(dir, "QMserv.cfg");
  if (!fs.existsSync(configPath)) {
    fs.writeFileSync(
      configPath,
      [
        "[QMServer]",
        `QM_FOLDER = ${qmFolder}`,
        "# %integer% %min:1%",
        "MaxNbProcessors = 2",
        "launch_type = non-blocking",
        "Failed_Jobs = QM_lost+found",
        "job_file = proc_config.cfg",
        "MailActive = False",
        "Settle_Time = 300",
        "Kill_Grace = 2",
        "# The run ends with npm start stopped: its jobs stop too.",
        "Shutdown_Jobs = requeue",
        "# Two GPUs to hand out (there are none here: jobs see the devices in CUDA_VISIBLE_DEVICES).",
        "GPU_List = 0,1",
        "",
        "[WEB_QMserver]",
        "Host = 127.0.0.1",
        "# %integer% %min:1024% %max:65535%",
        `The_Port = ${PORT}`,
        "Licence_to_kill = True",
        "Delete_Jobs = True",
        "Refresh_Rate = 1",
        "",
      ].join("\n"),
    );
  }
  return {
    dir,
    qmFolder,
    configPath,
    baseURL: `http://127.0.0.1:${PORT}`,
    adminPassword: ADMIN_PASSWORD,
    processEnv: {
      ...(process.env as Record<string, string>),
      QM_CONFIG: configPath,
      QM_DATA: dir,
      DATABASE_URL: `file:${path.join(dir, "qm.db")}`,
      QM_ADMIN_PASSWORD: ADMIN_PASSWORD,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  };
}
