/**
 * Sign-in by a trusted reverse proxy, against QueueManager's own web server: the user
 * header counts only on connections from Trusted_Proxies, and a client cannot pass itself
 * off as one by sending the address header the server writes.
 */
import { expect, test } from "@playwright/test";
import { uniqueName } from "./job-helpers";
import { withConfig } from "./submit-helpers";

const withKeys = (proxies: string) => (text: string) =>
  text.replace("[WEB_QMserver]\n", `[WEB_QMserver]\nTrusted_User_Header = X-Remote-User\nTrusted_Proxies = ${proxies}\n`);

test("the proxy's X-Remote-User signs in from Trusted_Proxies only, and the address header cannot be forged", async ({ request, browser }) => {
  const sso = uniqueName("sso");
  const who = async (headers: Record<string, string>) => (await (await request.get("/api/auth/session", { headers })).json()) as { user: { username: string } | null; via: string };

  // The test's connections come from 127.0.0.1: as a proxy on this machine would.
  await withConfig(withKeys("127.0.0.1"), async () => {
    await expect.poll(async () => (await who({ "x-remote-user": sso })).user?.username).toBe(sso);
    expect((await who({ "x-remote-user": sso })).via).toBe("proxy");
    // The browser behind the proxy: pages know the user too.
    const context = await browser.newContext({ extraHTTPHeaders: { "X-Remote-User": sso } });
    const page = await context.newPage();
    await page.goto("/account");
    await expect(page.getByRole("heading", { name: sso })).toBeVisible();
    await context.close();
  });

  // Another proxy address: a client claiming to be it through the server's own header is not.
  await withConfig(withKeys("10.9.9.9"), async () => {
    await expect.poll(async () => (await who({ "x-remote-user": sso })).via).toBe("anonymous");
    expect(await who({ "x-remote-user": sso, "x-qm-peer-address": "10.9.9.9" })).toMatchObject({ user: null, via: "anonymous" });
  });
});
