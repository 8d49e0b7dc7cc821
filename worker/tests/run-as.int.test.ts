/**
 * Run_As with accounts, the worker as root: a user's jobs run as the Unix account the map
 * names for the user, whatever e_mail the job claims; a folder dropped into QM_qJobs is
 * known by its e_mail (as in QM 0.4); a web submission without an account never borrows
 * someone's account by typing their address. The jobs report `id -u` into a shared file.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { queueStagedJob } from "../../lib/server/jobs/submit-job";
import { createUser } from "../../lib/server/users/users";
import { createTestEnv, dropJob, makeJobFolder, sharedFile, type TestEnv, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await env?.cleanup();
});

const asRoot = process.getuid?.() === 0;
const uidOf = (name: string) => Number(fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`))!.split(":")[2]);

describe.skipIf(!asRoot)("Run_As with accounts", () => {
  it("runs a user's job as their mapped account, a dropped folder by its e_mail, an anonymous upload as a pool uid", async () => {
    const [annUid, bobUid] = [uidOf("nobody"), uidOf("daemon")];
    env = await createTestEnv({ Run_As: "ann=nobody, bob@lab.org=daemon" });
    const ann = await createUser(env.db, { username: "ann", email: "ann@lab.org", role: "user", password: "a long enough password" });
    worker = await startWorker(env);
    const report = sharedFile(env, "uids.txt");
    const script = (name: string) => `echo "${name} $(id -u) $HOME" >> '${report}'`;
    const upload = async (name: string, submitter: { id: number; username: string; email: string | null } | null) => {
      const staging = path.join(env.layout.staging, name);
      const dir = makeJobFolder(staging, name, { script: script(name) });
      // Bob's address typed into the form: it must not make the job bob's.
      await queueStagedJob(
        { store: env.store, layout: env.layout, folderRule: { jobFile: "proc_config.cfg", strict: false } },
        { dir, name, source: "upload", submitter, overrides: { e_mail: "bob@lab.org" }, priorityLimit: null, detail: "uploaded by a test" },
      );
      fs.rmSync(staging, { recursive: true, force: true });
    };
    await upload("anns", { id: ann.id, username: ann.username, email: ann.email });
    await upload("anonymous", null);
    dropJob(env, "dropped", { script: script("dropped"), email: "bob@lab.org" });
    for (const name of ["anns", "anonymous", "dropped"]) expect(await waitForJob(env, name, ["done", "failed"])).toMatchObject({ state: "done", owner: "bob@lab.org" });

    const lines = fs.readFileSync(report, "utf8").trim().split("\n").map((l) => l.split(" "));
    const uids = Object.fromEntries(lines.map(([n, u]) => [n, Number(u)]));
    expect(uids.anns).toBe(annUid);
    expect(uids.dropped).toBe(bobUid);
    expect(uids.anonymous).toBeGreaterThanOrEqual(200_000);
    // HOME: an account's own, as its login gives it (its ~/.local, its tools' settings); a pool uid's run, its folder.
    const homes = Object.fromEntries(lines.map(([n, , home]) => [n, home]));
    const homeOf = (name: string) => fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`))!.split(":")[5];
    expect(homes).toEqual({ anns: homeOf("nobody"), dropped: homeOf("daemon"), anonymous: path.join(env.layout.running, "anonymous") });
  });

  it("a running job's folder gets QM_FOLDER's group (0750) unless a job could have that group, then it is the job's alone (0700)", async () => {
    const daemonGid = Number(fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("daemon:"))!.split(":")[3]);
    for (const [name, serviceGid, expected] of [
      ["shared", 0, "750 0"],
      ["private", daemonGid, `700 ${daemonGid}`],
    ] as const) {
      env = await createTestEnv({ Run_As: "bob@lab.org=daemon" });
      fs.chownSync(env.layout.root, 0, serviceGid);
      worker = await startWorker(env);
      const report = sharedFile(env, "mode.txt");
      dropJob(env, name, { script: `stat -c '%a %g' "$PWD" > '${report}'`, email: "bob@lab.org" });
      expect(await waitForJob(env, name, ["done", "failed"])).toMatchObject({ state: "done" });
      expect(fs.readFileSync(report, "utf8").trim()).toBe(expected);
      await worker.stop();
      worker = undefined;
      await env.cleanup();
    }
  });

  it("leaves no set-ID program of the account in its finished folder: one with two names stays the account's, its set-ID bits gone", async () => {
    const daemonUid = uidOf("daemon");
    env = await createTestEnv({ Run_As: "bob@lab.org=daemon" });
    worker = await startWorker(env);
    // Two names: the take-back leaves the file to the account (whatever else names it is the
    // account's too), and it used to keep its bits, for anyone to run as daemon once the folder is 0755.
    dropJob(env, "armed", { script: "cp /usr/bin/id whoami && chmod 6755 whoami && ln whoami whoami-2", email: "bob@lab.org" });
    const row = await waitForJob(env, "armed", ["done", "failed"]);
    expect(row.state).toBe("done");
    const program = path.join(env.layout.root, row.folder, "whoami");
    const st = fs.lstatSync(program);
    expect({ uid: st.uid, nlink: st.nlink, mode: (st.mode & 0o7777).toString(8) }).toEqual({ uid: daemonUid, nlink: 2, mode: "755" });
    const asNobody = execFileSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", program], { encoding: "utf8" });
    expect(asNobody).not.toMatch(new RegExp(`e[ug]id=${daemonUid}\\b`));
  });
});
