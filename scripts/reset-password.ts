/**
 * `npm run reset-password -- [user]`: give an account (default: admin) a new password from
 * a shell on the server, when it is forgotten. The password is read from standard input
 * (not echoed on a terminal; one line when piped), checked as /setup checks it, and every
 * session of the account is ended. With no administrator at all, the account is created
 * as the administrator, as the first visit to /setup would.
 */
import readline from "node:readline";
import { Writable } from "node:stream";

async function readPassword(prompt: string): Promise<string> {
  const tty = process.stdin.isTTY === true;
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output: tty ? output : undefined, terminal: tty });
  if (tty) process.stdout.write(prompt);
  muted = tty;
  const line = await new Promise<string>((resolve) => {
    rl.once("line", resolve);
    rl.once("close", () => resolve(""));
  });
  rl.close();
  if (tty) process.stdout.write("\n");
  return line;
}

async function main(): Promise<void> {
  const username = process.argv[2] || "admin";
  const { prepare } = await import("../lib/server/bootstrap");
  const { createDb } = await import("../lib/server/db");
  const { hashPassword } = await import("../lib/server/password");
  const { setupSchema } = await import("../lib/core/auth-schemas");
  const { env } = await prepare();
  const password = await readPassword(`New password for ${username}: `);
  const checked = setupSchema.shape.password.safeParse(password);
  if (!checked.success) throw new Error(`the password was not changed: ${checked.error.issues[0].message}`);
  const db = createDb(env.databaseUrl);
  try {
    const user = await db.user.findUnique({ where: { username } });
    const passwordHash = await hashPassword(password);
    if (user) {
      await db.$transaction([db.user.update({ where: { id: user.id }, data: { passwordHash, disabled: false } }), db.session.deleteMany({ where: { userId: user.id } })]);
      console.log(`The password of ${username} is changed; its sessions were ended.`);
    } else if ((await db.user.count({ where: { role: "admin" } })) === 0) {
      await db.user.create({ data: { username, passwordHash, role: "admin" } });
      console.log(`There was no administrator: ${username} is created as the administrator.`);
    } else {
      const names = (await db.user.findMany({ select: { username: true } })).map((u) => u.username);
      throw new Error(`there is no account named ${username}; the accounts are: ${names.join(", ")}`);
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`reset-password: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
