import { describe, expect, it } from "vitest";
import { archiveFolderProblem } from "./archive-folder-check";
import { parseIni } from "./config-parser";
import { readQmConfig } from "./qm-config";

const read = (server: string, web = "") => readQmConfig(parseIni(`[QMServer]\nQM_FOLDER = /srv/qm\n${server}\n[WEB_QMserver]\n${web}\n`), (p) => (p.startsWith("/") ? p : `/opt/qm/${p}`));
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
    expect(config.minFreeInodes).toBe(10_000);
    expect(config.web.metrics).toEqual({ token: "", allow: [] });
  });

  it("read Min_Free_Inodes (0: no inode check) and refuse one that is not a whole number", () => {
    expect(read("Min_Free_Inodes = 0").minFreeInodes).toBe(0);
    expect(read("Min_Free_Inodes = 500").minFreeInodes).toBe(500);
    expect(problems("Min_Free_Inodes = many")).toHaveProperty(["QMServer.Min_Free_Inodes"]);
  });

  it("read Keep_Max_GB with decimals and Archive_Folder relative to the file", () => {
    const config = read("Keep_Days = 30\nKeep_Max_GB = 0.5\nArchive_Folder = archive");
    expect(config.retention).toEqual({ keepDays: 30, maxGb: 0.5, archiveFolder: "/opt/qm/archive" });
  });

  it("refuse an archive inside QM_FOLDER, a ceiling that is not a number, and Metrics_Allow that is not addresses", () => {
    expect(problems("Archive_Folder = /srv/qm/old")).toMatchObject({ "QMServer.Archive_Folder": expect.stringContaining("must be outside QM_FOLDER") });
    expect(problems("Archive_Folder = /srv/qm")).toHaveProperty(["QMServer.Archive_Folder"]);
    expect(problems("Archive_Folder = /srv/qm-archive")).toEqual({});
    expect(problems("Archive_Folder = /srv/qm.archive")).toEqual({}); // a name that begins like QM_FOLDER's is not inside it
    expect(problems("Keep_Max_GB = 10GB")).toMatchObject({ "QMServer.Keep_Max_GB": expect.stringContaining("such as 500 or 0.5") });
    expect(problems("", "Metrics_Allow = 10.0.0.0/8, prometheus.lab")).toMatchObject({ "WEB_QMserver.Metrics_Allow": expect.stringContaining("not: prometheus.lab") });
  });

  it("refuse an archive in a dangerous place, saying which and what to choose: the root, the system's folders, QM_FOLDER's parents, the service's own data", () => {
    const archiveProblem = (folder: string) => problems(`Archive_Folder = ${folder}`)["QMServer.Archive_Folder"];
    expect(archiveProblem("/")).toBe("Archive_Folder (/) is the whole filesystem; choose a folder of its own for the archive, such as /srv/qm-archive or a folder on another disk");
    expect(archiveProblem("/etc")).toContain("is /etc, a folder of the system's own");
    expect(archiveProblem("/usr/local/qm-archive")).toContain("is inside /usr, a folder of the system's own");
    for (const folder of ["/boot", "/proc/self", "/dev/shm/archive", "/lib64", "/run/qm"]) expect(archiveProblem(folder)).toContain("a folder of the system's own");
    expect(archiveProblem("/home")).toBe("Archive_Folder (/home) is /home itself, shared with everything else there; choose a folder of its own inside it, such as /home/qm-archive");
    expect(archiveProblem("/home/qm-archive")).toBeUndefined();
    expect(archiveProblem("/srv")).toContain("holds QM_FOLDER (/srv/qm)"); // also a shared one: the nearer reason first
    // Read with the service's folders, as both programs read the file.
    const withService = (folder: string) => {
      try {
        readQmConfig(parseIni(`[QMServer]\nQM_FOLDER = /srv/qm\nArchive_Folder = ${folder}\n`), (p) => p, {}, { serviceFolders: [{ path: "/var/lib/qm/data", name: "the database's folder (DATABASE_URL)" }] });
        return null;
      } catch (error) {
        return (error as { details: Record<string, string> }).details["QMServer.Archive_Folder"];
      }
    };
    expect(withService("/var/lib/qm/data")).toContain("Archive_Folder (/var/lib/qm/data) is the database's folder (DATABASE_URL) (/var/lib/qm/data); choose a folder of its own");
    expect(withService("/var/lib/qm")).toContain("holds the database's folder (DATABASE_URL)");
    expect(withService("/var/lib/qm/data/archive")).toBeNull(); // a folder of its own inside is fine
    expect(withService("/var/lib/qm-archive")).toBeNull();
  });

  it("archiveFolderProblem with who could change the way (the worker's check at a pass): after the rules on places, naming who", () => {
    const places = { realPath: (p: string) => (p === "/srv/link" ? "/home/alice/archive" : p), openTo: (p: string) => (p.startsWith("/home/alice") || p === "/srv/link" ? "/home/alice belongs to alice (uid 1000)" : null) };
    const archiveIn = (folder: string) => archiveFolderProblem(folder, "/srv/qm", places);
    expect(archiveIn("/home/alice/archive")).toBe(
      "Archive_Folder (/home/alice/archive) could be pointed elsewhere by another account: /home/alice belongs to alice (uid 1000); make each folder on the way root's and writable by root alone (chown root:root, chmod go-w), or choose one that is, such as /srv/qm-archive",
    );
    expect(archiveIn("/srv/link")).toContain("Archive_Folder (/srv/link, a symbolic link to /home/alice/archive) could be pointed elsewhere");
    expect(archiveIn("/srv/qm-archive")).toBeNull();
    expect(archiveIn("/srv/qm/archive")).toContain("must be outside QM_FOLDER"); // the place's own rule comes first
  });
});
