/**
 * PostgreSQL stopped under a running web app: API requests answer 503 with a reason that
 * says what to do, not 500 with a stack trace in the log for each of them. A PostgreSQL of
 * its own (the shared test server stays up), queried through Prisma and the job store's SQL
 * as the routes do, then stopped.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ThrowawayPostgres, startThrowawayPostgres } from "../../prisma/tools/throwaway-postgres";
import { type Db, createDb } from "../server/db";
import { isDatabaseUnreachable } from "../server/database-errors";
import { type Sql, openSql } from "../server/store/sql";
import { apiHandler, json } from "./http";
import { webLog } from "./web-log";

let pg: ThrowawayPostgres;
let db: Db;
let sql: Sql;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-pg-down-"));
beforeAll(async () => {
  pg = await startThrowawayPostgres("qm-pg-down");
  const url = await pg.createDatabase("down");
  db = createDb(url);
  sql = openSql(url);
  // The web app's context (its log goes through it) on this server, as a web server's would be.
  fs.writeFileSync(path.join(dir, "QMserv.cfg"), `[QMServer]\nQM_FOLDER = ${path.join(dir, "QM")}\n`);
  Object.assign(process.env, { QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: dir, DATABASE_URL: url });
  webLog();
});
afterAll(async () => {
  await db?.$disconnect().catch(() => undefined);
  await pg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("answers 503 with what to do once the database stops; other errors stay 500", async () => {
  const viaPrisma = apiHandler(async () => json(await db.$queryRawUnsafe("SELECT 1 AS one")));
  const viaSql = apiHandler(async () => json(await sql.get("SELECT 1 AS one")));
  const request = () => new Request("http://127.0.0.1/api/jobs");
  expect((await viaPrisma(request(), {})).status).toBe(200);
  expect((await viaSql(request(), {})).status).toBe(200);

  await pg.stop();
  for (const route of [viaPrisma, viaSql]) {
    const res = await route(request(), {});
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(await res.json()).toEqual({ error: { code: "UNAVAILABLE", message: expect.stringMatching(/^The database does not answer; QueueManager works again as soon as it is back/) } });
  }
  expect((await apiHandler(async () => { throw new Error("a bug"); })(request(), {})).status).toBe(500);
  expect(isDatabaseUnreachable(new Error("a bug"))).toBe(false);
  expect(isDatabaseUnreachable(new Error("wrapped", { cause: Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }) }))).toBe(true);
});
