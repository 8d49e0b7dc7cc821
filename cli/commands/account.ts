/** qm login / logout / whoami: the token the command uses, kept in a file of your own. */
import os from "node:os";
import fs from "node:fs";
import { COMMON_HELP, type CliContext, type Command } from "../command";
import { type ApiClient, createApiClient } from "../api-client";
import { checkServerUrl, readCredentialsFile, writeCredentialsFile } from "../credentials";
import { CliError, EXIT, usageError } from "../errors";
import { ANSWER } from "../answer-shapes";

const whoAmI = (api: ApiClient) => api.call("GET", "/api/auth/session", ANSWER.session);

/** A client for another URL or token than the context's, closed afterwards. */
async function withClient<T>(ctx: CliContext, url: string, token: string | undefined, fn: (api: ApiClient) => Promise<T>): Promise<T> {
  const api = createApiClient(url, token, ctx.apiOptions());
  try {
    return await fn(api);
  } finally {
    api.close();
  }
}

export const login: Command = {
  name: "login",
  summary: "log in once: creates an API token and keeps it for later commands",
  args: [0, 1],
  options: { user: { type: "string", short: "u" }, name: { type: "string" } },
  help: `qm login [options] [URL]

Log in to QueueManager at URL (default: QM_URL, then http://localhost:8000) with your
user name and password. A personal API token is created (revoke it on your account
page) and kept with the URL in ~/.config/qm/credentials.json, readable by you only.
With --token, that token is checked and kept instead (no password asked).

  -u, --user NAME     your user name (default: $USER)
      --name TEXT     the token's name (default: qm on <this machine>)
${COMMON_HELP}`,
  async run(ctx, values, positionals) {
    const url = checkServerUrl((positionals[0] ?? ctx.credentials.url).replace(/\/+$/, ""));
    // A token pasted with its line's end (QM_TOKEN="$T\n") would not go in a header.
    const given = (values.token as string | undefined)?.trim();
    let saved: { token: string; id?: number; username: string };
    if (given) {
      const { user } = await withClient(ctx, url, given, whoAmI);
      if (!user) throw new CliError(EXIT.AUTH, "that token opens nothing");
      saved = { token: given, username: user.username };
    } else {
      const username = ((values.user as string | undefined) ?? ((await ctx.prompt(`User name [${ctx.env.USER ?? ""}]: `)) || ctx.env.USER || "")).trim();
      // Refused here: the server would only answer "wrong user name or password", after the password was typed.
      if (!username) throw usageError("no user name given; type yours at the prompt, or give --user NAME");
      // A server that is not there is said before the password is asked (any answer will do).
      await withClient(ctx, url, undefined, whoAmI).catch((error: unknown) => {
        if (error instanceof CliError && error.exitCode === EXIT.UNREACHABLE) throw new CliError(EXIT.UNREACHABLE, error.message.replace("check QM_URL or qm login", "check the address given to qm login (or QM_URL) and that QueueManager runs there"));
      });
      const password = await ctx.prompt(`Password for ${username} on ${url}: `, true);
      const basic = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
      const name = (values.name as string | undefined) ?? `qm on ${os.hostname()}`;
      const { token } = await withClient(ctx, url, undefined, (api) => api.call("POST", "/api/account/tokens", ANSWER.createdToken, { json: { name } }, { authorization: basic }));
      saved = { token: token.token, id: token.id, username };
    }
    // The token an earlier qm login made and kept is replaced: revoked, not left working and forgotten.
    const previous = readCredentialsFile(ctx.credentialsPath);
    writeCredentialsFile(ctx.credentialsPath, { url, token: saved.token, tokenId: saved.id, username: saved.username });
    if (previous?.token && previous.tokenId && previous.token !== saved.token) {
      await withClient(ctx, previous.url, previous.token, (api) => api.call("DELETE", `/api/account/tokens/${previous.tokenId}`, ANSWER.revokedToken)).catch((e: Error) =>
        ctx.err(`qm login: the token the previous login kept could not be revoked (${e.message}); revoke it on your account page at ${previous.url}`),
      );
    }
    ctx.err(`Logged in to ${url} as ${saved.username}; token kept in ${ctx.credentialsPath}`);
    return EXIT.OK;
  },
};

export const logout: Command = {
  name: "logout",
  summary: "revoke the kept token and forget it",
  args: [0, 0],
  options: {},
  help: `qm logout [options]

Revoke the token qm login made and delete ${"~/.config/qm/credentials.json"}.
${COMMON_HELP}`,
  async run(ctx) {
    const saved = readCredentialsFile(ctx.credentialsPath);
    if (!saved && fs.existsSync(ctx.credentialsPath)) {
      // Unreadable (said above): nothing to revoke with, but the file is gone as asked.
      fs.rmSync(ctx.credentialsPath, { force: true });
      ctx.err(`qm logout: deleted ${ctx.credentialsPath}; any token it held is not revoked (revoke it on your account page)`);
      return EXIT.OK;
    }
    if (!saved) {
      ctx.err("qm logout: not logged in (no credentials file)");
      return EXIT.OK;
    }
    if (saved.token && saved.tokenId) {
      await withClient(ctx, saved.url, saved.token, (api) => api.call("DELETE", `/api/account/tokens/${saved.tokenId}`, ANSWER.revokedToken)).catch((e: Error) =>
        ctx.err(`qm logout: the token could not be revoked (${e.message}); revoke it on your account page`),
      );
    }
    fs.rmSync(ctx.credentialsPath, { force: true });
    ctx.err(`Logged out of ${saved.url}`);
    return EXIT.OK;
  },
};

export const whoami: Command = {
  name: "whoami",
  summary: "who QueueManager takes you for",
  args: [0, 0],
  options: {},
  help: `qm whoami [options]

Print the user name the server knows you by (through QM_TOKEN or qm login's token),
with your role, or "anonymous".
${COMMON_HELP}`,
  async run(ctx, values) {
    const session = await whoAmI(ctx.api());
    if (values.json) ctx.out(JSON.stringify(session.user));
    else ctx.out(session.user ? `${session.user.username} (${session.user.role}) on ${ctx.api().baseUrl}` : `anonymous on ${ctx.api().baseUrl}`);
    return EXIT.OK;
  },
};
