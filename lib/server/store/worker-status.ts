/** The worker's heartbeat row (WorkerStatus id 1): written every few seconds, so kept to one statement. */
import type { Sql } from "./sql";

export interface Heartbeat {
  pid: number;
  host: string;
  startedAt: Date;
  at: Date;
  /** JSON matching lib/core's worker stats schema. */
  stats: string;
}

export async function writeHeartbeat(sql: Sql, beat: Heartbeat): Promise<void> {
  await sql.run(
    `INSERT INTO "WorkerStatus" ("id", "pid", "host", "startedAt", "heartbeatAt", "stats") VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT ("id") DO UPDATE SET "pid" = excluded."pid", "host" = excluded."host", "startedAt" = excluded."startedAt",
       "heartbeatAt" = excluded."heartbeatAt", "stats" = excluded."stats"`,
    [beat.pid, beat.host, beat.startedAt, beat.at, beat.stats],
  );
}
