/**
 * The administrator's actions are in the web server's log with who did them: config saves
 * (the keys, never the values), accounts created, disabled, given a role or a password,
 * API tokens created, passwords changed.
 */
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { basic, ctx, req, routes } from "./api-test-harness";

const configRoute = () => import(/* @vite-ignore */ path.resolve(import.meta.dirname, "../../app/api/config/route.ts")) as Promise<{ GET: (r: Request) => Promise<Response>; PUT: (r: Request) => Promise<Response> }>;
const jsonBody = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "content-type": "application/json", ...basic() } });

/** The web server's log (stdout), watched without being replaced. */
let stdout: { mock: { calls: unknown[][] } };
const logged = () => stdout.mock.calls.map((call) => String(call[0])).join("");
beforeEach(() => {
  stdout = vi.spyOn(process.stdout, "write");
});
afterEach(() => vi.restoreAllMocks());

describe("the log of administrator actions", () => {
  it("names who created, disabled, promoted and reset an account, made a token and saved QMserv.cfg", async () => {
    const created = await routes.createUser(req("/api/users", jsonBody("POST", { username: "dave", email: "dave@lab.org", role: "user", password: "dave-secret-1" })), ctx(0));
    expect(created.status).toBe(201);
    const { user } = (await created.json()) as { user: { id: number } };
    const patched = await routes.updateUser(req(`/api/users/${user.id}`, jsonBody("PATCH", { disabled: true, role: "admin", password: "another-secret-2" })), ctx(user.id));
    expect(patched.status).toBe(200);
    expect((await routes.createToken(req("/api/account/tokens", jsonBody("POST", { name: "laptop" })), ctx(0))).status).toBe(201);
    const route = await configRoute();
    const { version } = (await (await route.GET(req("/api/config", { headers: basic() }))).json()) as { version: string };
    const saved = await route.PUT(req("/api/config", jsonBody("PUT", { version, values: { "QMServer.MaxNbProcessors": "3", "QMServer.smtp_password": "hunter22" } })));
    expect(saved.status, await saved.clone().text()).toBe(200);

    const log = logged();
    expect(log).toContain("account dave (user) created by admin");
    expect(log).toContain("account dave: disabled, role admin, password set, by admin");
    expect(log).toContain('API token "laptop" created by admin');
    expect(log).toMatch(/QMserv\.cfg saved by admin: (QMServer\.MaxNbProcessors, QMServer\.smtp_password|QMServer\.smtp_password, QMServer\.MaxNbProcessors)/);
    expect(log).not.toContain("hunter22");
    expect(log).not.toContain("another-secret-2");
  });
});
