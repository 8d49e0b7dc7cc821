import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { prepare } from "./bootstrap";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it("a first start of the web server alone leaves the database and QMserv.cfg readable by their owner only", async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-bootstrap-"));
  const previous = process.umask(0o022);
  const said: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void said.push(args.join(" ")));
  try {
    const { env } = await prepare({ NODE_ENV: "test", QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: path.join(dir, "data") });
    const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
    expect(mode(env.configPath)).toBe("600");
    expect(mode(path.join(dir, "data", "qm.db"))).toBe("600");
    expect(mode(path.join(dir, "data", "QM", ".qm"))).toBe("700");
    // Said as every log line is (deploy.md: outside systemd lines start with their ISO time); it was bare text.
    expect(said).toContainEqual(expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z INFO  protected ${path.join(dir, "data", "qm.db")}: mode 644 -> 600$`)));
  } finally {
    vi.restoreAllMocks();
    process.umask(previous);
  }
}, 60_000);
