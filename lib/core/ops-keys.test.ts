import { describe, expect, it } from "vitest";
import { parseIni } from "./config-parser";
import { readQmConfig } from "./qm-config";

const read = (server: string, web = "") => readQmConfig(parseIni(`[QMServer]\nQM_FOLDER = /srv/qm\n${server}\n[WEB_QMserver]\n${web}\n`), (p) => (p.startsWith("/") ? p : `/etc/qm/${p}`));
const problems = (server: string, web = "") => {
  try {
    read(server, web);
    return {};
  } catch (error) {
    return (error as { details: Record<string, string> }).details;
  }
};

describe("retention, free-space and metrics keys", () => {
  it("default to: keep forever, no ceiling, delete (no archive), keep 1 GB free, metrics from no address (job scripts run on this machine)", () => {
    const config = read("");
    expect(config.retention).toEqual({ keepDays: 0, maxGb: 0, archiveFolder: null });
    expect(config.minFreeMb).toBe(1024);
    expect(config.web.metrics).toEqual({ token: "", allow: [] });
  });

  it("read Keep_Max_GB with decimals and Archive_Folder relative to the file", () => {
    const config = read("Keep_Days = 30\nKeep_Max_GB = 0.5\nArchive_Folder = archive");
    expect(config.retention).toEqual({ keepDays: 30, maxGb: 0.5, archiveFolder: "/etc/qm/archive" });
  });

  it("refuse an archive inside QM_FOLDER, a ceiling that is not a number, and Metrics_Allow that is not addresses", () => {
    expect(problems("Archive_Folder = /srv/qm/old")).toMatchObject({ "QMServer.Archive_Folder": expect.stringContaining("must be outside QM_FOLDER") });
    expect(problems("Archive_Folder = /srv/qm")).toHaveProperty(["QMServer.Archive_Folder"]);
    expect(problems("Archive_Folder = /srv/qm-archive")).toEqual({});
    expect(problems("Keep_Max_GB = 10GB")).toMatchObject({ "QMServer.Keep_Max_GB": expect.stringContaining("such as 500 or 0.5") });
    expect(problems("", "Metrics_Allow = 10.0.0.0/8, prometheus.lab")).toMatchObject({ "WEB_QMserver.Metrics_Allow": expect.stringContaining("not: prometheus.lab") });
  });
});
