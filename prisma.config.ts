import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

const here = path.dirname(fileURLToPath(import.meta.url));

// The native schema engine cannot be downloaded here; generate/validate/format only
// need a path to something executable. Migrations use prisma/tools/migrate.ts.
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(here, "prisma/tools/schema-engine-stub.sh");
}

export default defineConfig({
  schema: path.join(here, "prisma/schema.prisma"),
  migrations: { path: path.join(here, "prisma/migrations") },
});
