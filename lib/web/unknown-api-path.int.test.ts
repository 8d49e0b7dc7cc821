/**
 * An /api/... address that no route takes answers the API's JSON 404 (app/api/[...path]),
 * not Next's HTML page; and that catch-all takes no address of a real route, as Next's own
 * route sorting (the one its router uses) places it.
 */
import fs from "node:fs";
import path from "node:path";
import { getRouteRegex } from "next/dist/shared/lib/router/utils/route-regex";
import { getSortedRoutes } from "next/dist/shared/lib/router/utils/sorted-routes";
import { beforeAll, describe, expect, it } from "vitest";
import { basic, req } from "./api-test-harness";

const appDir = path.resolve(import.meta.dirname, "../../app");
const CATCH_ALL = "/api/[...path]";
type Route = (request: Request) => Promise<Response>;
let handlers: Record<string, Route>;

beforeAll(async () => {
  handlers = await import(/* @vite-ignore */ path.join(appDir, "api/[...path]/route.ts"));
});

/** Every route of app/api, as Next names it ("/api/jobs/[id]/kill"). */
function apiRoutes(dir = path.join(appDir, "api")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return apiRoutes(path.join(dir, entry.name));
    return entry.name === "route.ts" ? ["/" + path.relative(appDir, dir).split(path.sep).join("/")] : [];
  });
}

/** The route Next's router gives `pathname`: an exact static one, else the first dynamic one in its order. */
function routeOf(pathname: string, routes: string[]): string | undefined {
  const dynamic = routes.filter((r) => r.includes("["));
  if (routes.includes(pathname) && !dynamic.includes(pathname)) return pathname;
  return getSortedRoutes(dynamic).find((r) => getRouteRegex(r).re.test(pathname));
}

describe("unknown API addresses", () => {
  it("answer a JSON 404 in the API's error shape, naming the method and the address, for every method", async () => {
    for (const [method, address] of [["GET", "/api/nothing"], ["GET", "/api/jobs/37/bogus"], ["POST", "/api/queue/bogus"], ["DELETE", "/api/users/2/x/y"], ["PUT", "/api/nothing"], ["PATCH", "/api/nothing"], ["OPTIONS", "/api/nothing"]]) {
      const res = await handlers[method](req(`${address}?x=1`, { method, headers: basic() }));
      expect(res.status, `${method} ${address}`).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: `There is no API endpoint ${method} ${address}; see docs/api.md for the addresses and their methods.` } });
    }
  });

  it("are the only ones the catch-all takes: every real route keeps its addresses", () => {
    const routes = apiRoutes();
    expect(routes).toContain(CATCH_ALL);
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes.filter((r) => r !== CATCH_ALL)) {
      const sample = route.replace(/\[\.\.\.[^\]]+\]/g, "a/b").replace(/\[[^\]]+\]/g, "37");
      expect(routeOf(sample, routes), sample).toBe(route);
    }
    for (const unknown of ["/api/nothing", "/api/jobs/37/bogus", "/api/queue/bogus", "/api/jobs/37/files/raw/x"]) expect(routeOf(unknown, routes), unknown).toBe(CATCH_ALL);
  });
});
