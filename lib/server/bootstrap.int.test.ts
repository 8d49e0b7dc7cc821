import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { prepare } from "./bootstrap";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it("a first start of the web server alone leaves the database and QMserv.cfg readable by their owner only", async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-bootstrap-"));
  const previous = process.umask(0o022);
  try {
    const { env } = await prepare({ NODE_ENV: "test", QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: path.join(dir, "data") });
    const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
    expect(mode(env.configPath)).toBe("600");
    expect(mode(path.join(dir, "data", "qm.db"))).toBe("600");
    expect(mode(path.join(dir, "data", "QM", ".qm"))).toBe("700");
  } finally {
    process.umask(previous);
  }
}, 60_000);
