/**
 * Every way of starting the worker says what workerCommand says (its node options and its
 * environment): `npm start` uses workerCommand itself; `npm run worker`, `npm run
 * worker:prod` and deploy/systemd/qm-worker.service repeat it in their own syntax.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { workerCommand } from "./build-worker";

const root = path.resolve(import.meta.dirname, "..");
const { args, env } = workerCommand(root);
const options = args.slice(0, -1);
const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);

/** The part of a shell command line that execs node with the bundle: `VAR=x exec node <options> dist/worker/main.mjs`. */
function nodeLine(command: string): { assignments: string[]; options: string[] } {
  const step = command.split("&&").map((s) => s.trim()).find((s) => s.endsWith("dist/worker/main.mjs"));
  if (!step) throw new Error(`no step runs dist/worker/main.mjs in: ${command}`);
  const words = step.split(/\s+/);
  const exec = words.indexOf("exec");
  expect(words[exec + 1]).toBe("node");
  return { assignments: words.slice(0, exec), options: words.slice(exec + 2, -1) };
}

describe("the worker's command line", () => {
  it("keeps its options and environment in workerCommand", () => {
    expect(options).toContain("--expose-gc");
    expect(assignments).toContain("MALLOC_ARENA_MAX=2");
  });

  for (const script of ["worker", "worker:prod"]) {
    it(`npm run ${script} starts it with the same options and environment`, () => {
      const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>;
      expect(nodeLine(scripts[script])).toEqual({ assignments, options });
    });
  }

  it("the systemd unit starts it with the same options and environment", () => {
    const unit = fs.readFileSync(path.join(root, "deploy/systemd/qm-worker.service"), "utf8").split("\n");
    const execStart = unit.find((l) => l.startsWith("ExecStart="))!.slice("ExecStart=".length).split(/\s+/);
    expect(execStart).toEqual(["/usr/bin/node", ...options, "dist/worker/main.mjs"]);
    const environment = unit.filter((l) => l.startsWith("Environment=")).flatMap((l) => l.slice("Environment=".length).split(/\s+/));
    expect(environment).toEqual(expect.arrayContaining(assignments));
  });
});
