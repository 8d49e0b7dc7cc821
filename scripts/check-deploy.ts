/**
 * `npm run check:deploy` (a stage of `npm test`): the files of deploy/ checked by the tools
 * that will read them. nginx is required (`.ci/run` installs Debian's nginx); the others are
 * checked where their tool is installed, and said skipped otherwise:
 *
 * - deploy/nginx: `nginx -t` on the site inside a complete configuration (scripts/deploy-configs.ts);
 * - deploy/apache: `apache2 -t` the same way;
 * - deploy/systemd: `systemd-analyze verify` (any warning fails: unknown keys are only warnings);
 * - deploy/prometheus: `promtool test rules` (the alerts fire when they should).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEPLOY_DIR, renderApache, renderNginx, throwAwayCertificate } from "./deploy-configs";

const PORTS = { http: 18480, https: 18443, upstream: 18400 };

function tool(...candidates: string[]): string | null {
  for (const candidate of candidates) {
    if (candidate.includes("/") ? fs.existsSync(candidate) : spawnSync("sh", ["-c", `command -v ${candidate}`]).status === 0) return candidate;
  }
  return null;
}

/** Run a check; its output is shown; fails on a non-zero exit, or on any output when `silent` is expected. */
function check(what: string, command: string, args: string[], opts: { cwd?: string; silent?: boolean } = {}): boolean {
  const result = spawnSync(command, args, { cwd: opts.cwd, encoding: "utf8" });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  const ok = result.status === 0 && !(opts.silent && output);
  console.log(`${ok ? "ok     " : "FAILED "} ${what}${output ? `\n${output.replace(/^/gm, "        ")}` : ""}`);
  return ok;
}

function main(): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-deploy-check-"));
  try {
    const tls = throwAwayCertificate(dir);
    const results: boolean[] = [];
    const nginx = tool("nginx", "/usr/sbin/nginx");
    if (!nginx) {
      console.log("FAILED  deploy/nginx: nginx is not installed (apt-get install nginx; .ci/run does)");
      results.push(false);
    } else {
      fs.mkdirSync(path.join(dir, "nginx"));
      results.push(check("deploy/nginx/queuemanager.conf (nginx -t)", nginx, ["-t", "-c", renderNginx(path.join(dir, "nginx"), PORTS, tls)]));
    }
    const apache = tool("apache2", "/usr/sbin/apache2");
    if (apache) {
      fs.mkdirSync(path.join(dir, "apache"));
      results.push(check("deploy/apache/queuemanager.conf (apache2 -t)", apache, ["-t", "-f", renderApache(path.join(dir, "apache"), PORTS, tls)]));
    } else console.log("skipped deploy/apache: apache2 is not installed");
    const analyze = tool("systemd-analyze");
    const units = fs.readdirSync(path.join(DEPLOY_DIR, "systemd"));
    if (analyze) results.push(check(`deploy/systemd (systemd-analyze verify ${units.join(" ")})`, analyze, ["verify", ...units], { cwd: path.join(DEPLOY_DIR, "systemd"), silent: true }));
    else console.log("skipped deploy/systemd: systemd-analyze is not installed");
    const promtool = tool("promtool");
    if (promtool) results.push(check("deploy/prometheus (promtool test rules)", promtool, ["test", "rules", "queuemanager-alerts.test.yml"], { cwd: path.join(DEPLOY_DIR, "prometheus") }));
    else console.log("skipped deploy/prometheus: promtool is not installed (Debian's prometheus package)");
    return results.every(Boolean) ? 0 : 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(main());
