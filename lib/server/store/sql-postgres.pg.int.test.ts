/**
 * The SQL layer on a real PostgreSQL: dates stay the same instant whichever side writes
 * them (the SQL layer or Prisma) and whatever the process's and the server's time zones,
 * RETURNING works, and a failed transaction leaves nothing behind.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../prisma/tools/test-database";
import { type Db, createDb } from "../db";
import { type Sql, openSql } from "./sql";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-sql-pg-"));
const zone = process.env.TZ;
let sql: Sql;
let db: Db;

beforeAll(async () => {
  // Neither side in UTC: a date read or written as local time would shift by hours.
  process.env.TZ = "America/New_York";
  const url = await createTestDatabase(dir);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${admin.database}" SET timezone = 'Asia/Tokyo'`);
  await admin.end();
  sql = openSql(url);
  db = createDb(url);
});

afterAll(async () => {
  process.env.TZ = zone;
  await sql.close();
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

const insertJob = (tx: Sql, name: string, at: Date) =>
  tx.get<{ id: number }>(
    `INSERT INTO "Job" ("name", "script", "state", "folder", "source", "submittedAt", "updatedAt", "imported") VALUES (?, 'true', 'queued', ?, 'folder', ?, ?, ?) RETURNING "id"`,
    [name, `QM_qJobs/${name}`, at, at, true],
  );

describe("the PostgreSQL SQL layer", () => {
  it("is chosen by a postgresql:// DATABASE_URL", () => {
    expect(sql.dialect).toBe("postgresql");
  });

  it("keeps dates as the same instant both ways, through Prisma too", async () => {
    const at = new Date("2026-03-08T06:30:00.123Z"); // a DST change in New York that day
    const inserted = await insertJob(sql, "dated", at);
    expect(typeof inserted!.id).toBe("number");
    const viaPrisma = await db.job.findUniqueOrThrow({ where: { id: inserted!.id } });
    expect(viaPrisma.submittedAt.toISOString()).toBe(at.toISOString());
    expect(viaPrisma.imported).toBe(true);

    const later = new Date("2026-11-01T05:59:59.999Z");
    await db.job.update({ where: { id: inserted!.id }, data: { finishedAt: later } });
    const row = await sql.get<{ finishedAt: Date; submittedAt: Date }>(`SELECT "finishedAt", "submittedAt" FROM "Job" WHERE "id" = ?`, [inserted!.id]);
    expect(row!.finishedAt.toISOString()).toBe(later.toISOString());
    expect(row!.submittedAt.toISOString()).toBe(at.toISOString());
    const text = await sql.get<{ t: string }>(`SELECT "submittedAt"::text AS t FROM "Job" WHERE "id" = ?`, [inserted!.id]);
    expect(text!.t).toBe("2026-03-08 06:30:00.123"); // stored as UTC, as Prisma stores it
  });

  it("rolls a failed transaction back and goes on working", async () => {
    await expect(
      sql.transaction(async (tx) => {
        await insertJob(tx, "half-done", new Date());
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await sql.get(`SELECT 1 AS one FROM "Job" WHERE "name" = ?`, ["half-done"])).toBeUndefined();
    const { changes } = await sql.run(`UPDATE "Job" SET "info" = 'why?' WHERE "name" = ?`, ["dated"]);
    expect(changes).toBe(1);
    expect((await sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "Job"`))!.n).toBe(1);
  });
});
