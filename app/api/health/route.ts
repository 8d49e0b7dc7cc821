import path from "node:path";
import { databaseDialect, sqliteFilePath } from "@/lib/server/database-url";
import { checkHealth } from "@/lib/server/health";
import { getEnv, getStore } from "@/lib/web/context";
import { apiHandler, json } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** For load balancers and uptime checks, without login: 200 when web, database and worker are up; 503 with the reason otherwise. */
export const GET = apiHandler(async () => {
  const { databaseUrl } = getEnv();
  const databaseFolder = databaseDialect(databaseUrl) === "sqlite" && sqliteFilePath(databaseUrl) !== ":memory:" ? path.dirname(sqliteFilePath(databaseUrl)) : null;
  const health = await checkHealth(getStore().sql, new Date(), { databaseFolder });
  return json(health, { status: health.status === "ok" ? 200 : 503 });
});
