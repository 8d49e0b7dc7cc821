import { describe, expect, it } from "vitest";
import { parseIni } from "./config-parser";
import { readQmConfig } from "./qm-config";
import { keepStartupValues, pendingRestarts } from "./startup-keys";

const config = (web: string, folder = "/srv/qm") =>
  readQmConfig(parseIni(`[QMServer]\nQM_FOLDER = ${folder}\nMaxNbProcessors = 4\n[WEB_QMserver]\n${web}\n`), (p) => p);

describe("start-up keys", () => {
  const started = config("Host = localhost\nThe_Port = 8000");
  const edited = readQmConfig(parseIni("[QMServer]\nQM_FOLDER = /data/qm\nMaxNbProcessors = 8\n[WEB_QMserver]\nHost = 0.0.0.0\nThe_Port = 8767\n"), (p) => p);

  it("the web server keeps QM_FOLDER, Host and The_Port until it restarts, and takes the rest at once", () => {
    const inForce = keepStartupValues(edited, started, "web");
    expect(inForce).toMatchObject({ qmFolder: "/srv/qm", maxNbProcessors: 8, web: { host: "localhost", port: 8000 } });
    expect(pendingRestarts(edited, inForce, "web")).toEqual([
      { id: "QMServer.QM_FOLDER", key: "QM_FOLDER", inForce: "/srv/qm", inFile: "/data/qm" },
      { id: "WEB_QMserver.Host", key: "Host", inForce: "localhost", inFile: "0.0.0.0" },
      { id: "WEB_QMserver.The_Port", key: "The_Port", inForce: "8000", inFile: "8767" },
    ]);
  });

  it("the worker keeps only QM_FOLDER (it serves no page)", () => {
    const inForce = keepStartupValues(edited, started, "worker");
    expect(inForce).toMatchObject({ qmFolder: "/srv/qm", web: { host: "0.0.0.0", port: 8767 } });
    expect(pendingRestarts(edited, inForce, "worker").map((p) => p.key)).toEqual(["QM_FOLDER"]);
  });

  it("the worker keeps the job identities and confinement it set up at start", () => {
    const before = readQmConfig(parseIni("[QMServer]\nQM_FOLDER = /srv/qm\n"), (p) => p);
    const after = readQmConfig(parseIni("[QMServer]\nQM_FOLDER = /srv/qm\nJob_Uids = 62000-62999\nRun_As = ann=ann\nLimits = none\nCPU_List = 0-1\n"), (p) => p);
    const inForce = keepStartupValues(after, before, "worker");
    expect(inForce).toMatchObject({ jobUids: "61000-61999", runAs: "", limits: { mode: "auto", cpuList: null } });
    expect(pendingRestarts(after, inForce, "worker").map((p) => [p.key, p.inForce, p.inFile])).toEqual([
      ["Job_Uids", "61000-61999", "62000-62999"],
      ["Run_As", "", "ann=ann"],
      ["Limits", "auto", "none"],
      ["CPU_List", "all", "0-1"],
    ]);
    expect(pendingRestarts(after, keepStartupValues(after, before, "web"), "web")).toEqual([]);
  });

  it("nothing waits when nothing changed", () => {
    expect(pendingRestarts(started, keepStartupValues(started, started, "web"), "web")).toEqual([]);
  });
});
