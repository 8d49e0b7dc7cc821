/**
 * Prisma's generated client loads its query compiler from a module holding the WebAssembly
 * as a 2.2 MB base64 string. A Node process keeps that module's source text and the string
 * literal for good (4.4 MB), beside the compiled module, which is all it needs. After each
 * `prisma generate`, the bytes are written beside the client as a `.wasm` file and the
 * client is made to read that file instead (docs/performance.md, the web server's memory).
 */
import fs from "node:fs";
import path from "node:path";

/** The generated loader: `await import("...wasm-base64.mjs")`, then decodeBase64AsWasm. */
const LOADER = /getQueryCompilerWasmModule: async \(\) => \{\s*const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[\w.-]+\.wasm-base64\.mjs)"\)\s*return await decodeBase64AsWasm\(wasm\)\s*\}/;

/** Point the client generated in `clientDir` at a binary copy of its query compiler. */
export function useBinaryCompiler(root: string, clientDir: string): void {
  const classFile = path.join(clientDir, "internal/class.ts");
  const source = fs.readFileSync(classFile, "utf8");
  const match = LOADER.exec(source);
  if (!match) throw new Error(`${classFile}: the query compiler's loader is not the one this step knows (Prisma changed it): update prisma/tools/binary-compiler.ts`);
  const base64Module = path.join(root, "node_modules", match[1]);
  const wasm = /"([A-Za-z0-9+/=]+)"/.exec(fs.readFileSync(base64Module, "utf8"))?.[1];
  if (!wasm) throw new Error(`${base64Module}: no base64 string found in it`);
  const wasmName = path.basename(match[1]).replace(/\.wasm-base64\.mjs$/, ".wasm");
  fs.writeFileSync(path.join(clientDir, "internal", wasmName), Buffer.from(wasm, "base64"));
  const loader = [
    "getQueryCompilerWasmModule: async () => {",
    `    // Written by prisma/tools/binary-compiler.ts: the compiler's bytes, not a base64 module kept in memory.`,
    `    const { readFile } = await import("node:fs/promises")`,
    `    return new WebAssembly.Module(await readFile(new URL("./${wasmName}", import.meta.url)))`,
    "  }",
  ].join("\n");
  fs.writeFileSync(classFile, source.replace(LOADER, loader));
}
