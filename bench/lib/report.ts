/**
 * The benchmark's figures: QueueManager's value, task-spooler's in the same run when it has
 * one, their ratio, and the target. Printed as a table and written to bench/results/*.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { round } from "./stats";

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** task-spooler's figure for the same workload (same run). */
  tsp?: number;
  /** value / tsp, when tsp is given. */
  ratio?: number;
  target?: string;
  ok?: boolean;
  note?: string;
}

type Test = (value: number, ratio?: number) => boolean;

export const atMost = (limit: number): Test => (v) => round(v) <= limit;
export const atLeast = (limit: number): Test => (v) => round(v) >= limit;
/** A target on the ratio to task-spooler (QM / tsp). */
export const ratioAtMost = (limit: number): Test => (_v, r) => r !== undefined && round(r) <= limit;
export const ratioAtLeast = (limit: number): Test => (_v, r) => r !== undefined && round(r) >= limit;

export function createReport() {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const add = (f: Omit<Figure, "ratio" | "ok">, test?: Test): Figure => {
    const ratio = f.tsp !== undefined && f.tsp > 0 ? f.value / f.tsp : undefined;
    const figure: Figure = { ...f, ...(ratio !== undefined ? { ratio } : {}), ...(test ? { ok: test(f.value, ratio) } : {}) };
    figures.push(figure);
    const side = f.tsp !== undefined ? `  tsp ${round(f.tsp)} ${f.unit} (QM/tsp ${round(ratio ?? Number.NaN)})` : "";
    console.log(`  ${f.name}: ${round(f.value)} ${f.unit}${side}${f.target ? `  (target ${f.target}${test ? (figure.ok ? ": ok" : ": MISSED") : ""})` : ""}`);
    return figure;
  };
  return {
    figures,
    add,
    /** A line of explanation printed under the table (and kept in the JSON). */
    note(text: string) {
      notes.push(text);
      console.log(`  ${text}`);
    },
    find: (name: string) => figures.find((f) => f.name === name),
    table(): string {
      const rows = figures.map((f) => [
        f.name, `${round(f.value)} ${f.unit}`, f.tsp !== undefined ? `${round(f.tsp)} ${f.unit}` : "", f.ratio !== undefined ? String(round(f.ratio)) : "",
        f.target ?? "", f.ok === undefined ? "" : f.ok ? "ok" : "MISSED", f.note ?? "",
      ]);
      const head = ["figure", "QueueManager", "task-spooler", "QM/tsp", "target", "", "note"];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
      return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
    },
    save(root: string, meta: Record<string, unknown>): string {
      const dir = path.join(root, "bench/results");
      fs.mkdirSync(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: round(os.totalmem() / 2 ** 30, 1), node: process.version, platform: `${os.type()} ${os.release()}`, loadavg: os.loadavg() };
      const file = path.join(dir, `${stamp}${meta.quick ? "-quick" : ""}${meta.only ? `-${String(meta.only).replace(/,/g, "+")}` : ""}.json`);
      fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...meta, machine, figures, notes }, null, 2)}\n`);
      return file;
    },
  };
}

export type Report = ReturnType<typeof createReport>;
