/** `npm run reset-password`, run as an administrator would from a shell, on a real SQLite file. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../lib/server/db";
import { hashPassword, verifyPassword } from "../lib/server/password";

const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-reset-"));
fs.writeFileSync(path.join(dir, "QMserv.cfg"), `[QMServer]\nQM_FOLDER = ${path.join(dir, "QM")}\n`);
const env = { ...process.env, QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: dir, DATABASE_URL: `file:${path.join(dir, "qm.db")}` };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const reset = (input: string, ...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/reset-password.ts"), ...args], { cwd: root, env, input, encoding: "utf8" });

describe("reset-password", () => {
  it("creates the administrator when there is none, changes a forgotten password and ends its sessions, refuses short ones", async () => {
    const first = reset("first password\n");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("admin is created as the administrator");

    const db = createDb(env.DATABASE_URL);
    try {
      const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
      await db.session.create({ data: { id: "old-session", userId: admin.id, csrfToken: "x", expiresAt: new Date(Date.now() + 86_400_000) } });
      await db.user.create({ data: { username: "ann", passwordHash: await hashPassword("whatever1"), role: "admin" } });

      const short = reset("short\n");
      expect(short.status).toBe(1);
      expect(short.stderr).toContain("the password was not changed: use at least 8 characters");

      const changed = reset("a new password\n", "admin");
      expect(changed.status, changed.stderr).toBe(0);
      const after = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
      expect(await verifyPassword("a new password", after.passwordHash)).toBe(true);
      expect(await verifyPassword("first password", after.passwordHash)).toBe(false);
      expect(await db.session.count({ where: { userId: admin.id } })).toBe(0);

      const nobody = reset("a new password\n", "bob");
      expect(nobody.status).toBe(1);
      expect(nobody.stderr).toContain("there is no account named bob; the accounts are: admin, ann");
    } finally {
      await db.$disconnect();
    }
  });
});
