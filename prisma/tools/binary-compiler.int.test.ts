import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { useBinaryCompiler } from "./binary-compiler";

const root = path.resolve(import.meta.dirname, "../..");
const generated = path.join(root, "lib/server/generated");
let tmp: string | undefined;

afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe("the generated clients' query compiler", () => {
  it.each(["prisma", "prisma-pg"])("%s loads it from a binary file beside it, not from the base64 module", async (client) => {
    const source = fs.readFileSync(path.join(generated, client, "internal/class.ts"), "utf8");
    expect(source).not.toContain("wasm-base64");
    const wasm = /new URL\("\.\/([\w.-]+\.wasm)", import\.meta\.url\)/.exec(source)?.[1];
    expect(wasm).toBeDefined();
    const bytes = fs.readFileSync(path.join(generated, client, "internal", wasm!));
    expect(WebAssembly.validate(bytes)).toBe(true);
    // The same bytes as the module Prisma ships (decoded), so the runtime beside it matches.
    const shipped = fs.readFileSync(path.join(root, "node_modules/@prisma/client/runtime", wasm!.replace(/\.wasm$/, ".wasm-base64.mjs")), "utf8");
    expect(bytes.equals(Buffer.from(/"([A-Za-z0-9+/=]+)"/.exec(shipped)![1], "base64"))).toBe(true);
  });

  it("says what to update when Prisma generates another loader, and leaves the client as it was", () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qm-compiler-"));
    fs.mkdirSync(path.join(tmp, "internal"));
    const unknown = `config.compilerWasm = {\n  getQueryCompilerWasmModule: async () => loadSomehow(),\n}\n`;
    fs.writeFileSync(path.join(tmp, "internal/class.ts"), unknown);
    expect(() => useBinaryCompiler(root, tmp!)).toThrow(/Prisma changed it\): update prisma\/tools\/binary-compiler\.ts/);
    expect(fs.readFileSync(path.join(tmp, "internal/class.ts"), "utf8")).toBe(unknown);
  });
});
