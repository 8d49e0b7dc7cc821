import { describe, expect, it } from "vitest";
import { numberPlaceholders } from "./sql-postgres";

describe("numberPlaceholders", () => {
  it("numbers each ? in order", () => {
    expect(numberPlaceholders(`UPDATE "Job" SET "state" = ? WHERE "id" = ? AND "state" IN (?, ?)`)).toBe(`UPDATE "Job" SET "state" = $1 WHERE "id" = $2 AND "state" IN ($3, $4)`);
  });

  it("leaves ? inside quoted strings and identifiers alone, '' escapes included", () => {
    expect(numberPlaceholders(`SELECT 'what?', 'it''s ?', "odd?name" FROM t WHERE a = ?`)).toBe(`SELECT 'what?', 'it''s ?', "odd?name" FROM t WHERE a = $1`);
  });
});
