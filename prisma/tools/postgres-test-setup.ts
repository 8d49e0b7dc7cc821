/**
 * Vitest global setup of the `integration-pg` project: one throw-away PostgreSQL server
 * for the run, with a template database the migrations were applied to. Each test copies
 * the template into a database of its own (test-database.ts); the server and everything
 * in it are removed at the end.
 */
import type { TestProject } from "vitest/node";
import { applyMigrations } from "./schema-engine";
import { startThrowawayPostgres } from "./throwaway-postgres";

/** The migrated database every test database is copied from. */
export const TEMPLATE_DATABASE = "qm_template";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const server = await startThrowawayPostgres("qm-test-pg");
  try {
    const template = await server.createDatabase(TEMPLATE_DATABASE);
    await applyMigrations(project.config.root, template);
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide("qmPostgres", { serverUrl: server.url("") });
  console.log(`throw-away PostgreSQL for the tests: ${server.url("")} (ready with migrations in ${Date.now() - started} ms)`);
  return () => server.stop();
}
