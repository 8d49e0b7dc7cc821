/**
 * One schema source, two databases. prisma/schema.prisma is written for SQLite; a Prisma
 * schema's provider is fixed, so the PostgreSQL client and migrations come from a copy
 * with the provider (and the client's output folder) swapped, written here and never by
 * hand. Each provider keeps its own migrations folder.
 */
import fs from "node:fs";
import path from "node:path";

export type Provider = "sqlite" | "postgresql";

export interface ProviderFiles {
  /** The schema the engine and `prisma generate` read for this provider. */
  schemaPath: string;
  /** prisma/migrations (SQLite) or prisma/postgresql/migrations. */
  migrationsDir: string;
}

const SOURCE = "prisma/schema.prisma";
const SQLITE_OUTPUT = /(output\s*=\s*)"\.\.\/lib\/server\/generated\/prisma"/;

export function providerFiles(root: string, provider: Provider): ProviderFiles {
  return provider === "sqlite"
    ? { schemaPath: path.join(root, SOURCE), migrationsDir: path.join(root, "prisma/migrations") }
    : {
        // Generated, next to the clients (git-ignored): the source stays the only schema to edit.
        schemaPath: path.join(root, "lib/server/generated/postgresql/schema.prisma"),
        migrationsDir: path.join(root, "prisma/postgresql/migrations"),
      };
}

/** The schema text for `provider`, from the text of prisma/schema.prisma. */
export function schemaFor(provider: Provider, source: string): string {
  if (provider === "sqlite") return source;
  const datasource = /(datasource db \{\s*provider\s*=\s*)"sqlite"/;
  if (!datasource.test(source) || !SQLITE_OUTPUT.test(source)) {
    throw new Error(`${SOURCE}: expected \`provider = "sqlite"\` in datasource db and \`output = "../lib/server/generated/prisma"\` in the generator; the PostgreSQL schema is derived from them`);
  }
  const header = `// GENERATED from ${SOURCE} by prisma/tools/provider-schema.ts: edit that file instead.\n`;
  return header + source.replace(datasource, '$1"postgresql"').replace(SQLITE_OUTPUT, '$1"../prisma-pg"');
}

/** Read prisma/schema.prisma and return `provider`'s schema as [path, text] for the engine. */
export function readSchema(root: string, provider: Provider): [string, string] {
  const text = schemaFor(provider, fs.readFileSync(path.join(root, SOURCE), "utf8"));
  return [providerFiles(root, provider).schemaPath, text];
}

/** Write the PostgreSQL schema file (for `prisma generate`); returns its path. */
export function writePostgresSchema(root: string): string {
  const [file, text] = readSchema(root, "postgresql");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
  return file;
}
