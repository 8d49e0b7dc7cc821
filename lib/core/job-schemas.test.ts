import { describe, expect, it } from "vitest";
import { fileTextSchema, listJobsSchema, logQuerySchema } from "./job-schemas";

const refusal = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message);

describe("query numbers", () => {
  it("are refused in words that say what they take, not zod's 'expected number, received NaN'", () => {
    for (const offset of ["abc", "-1", "1.5"]) {
      expect(refusal(logQuerySchema.safeParse({ offset }))).toEqual(["offset (a byte position in the log) takes a whole number of 0 or more, such as 4096"]);
    }
    expect(refusal(fileTextSchema.safeParse({ path: "a.txt", offset: "end" }))).toEqual(["offset (a byte position in the file) takes a whole number of 0 or more, such as 4096"]);
    expect(refusal(listJobsSchema.safeParse({ pageSize: "600" }))).toEqual(["pageSize takes a whole number from 1 to 500, such as 50"]);
    expect(refusal(listJobsSchema.safeParse({ page: "first" }))).toEqual(["page takes a whole number from 1 to 1000000, such as 2"]);
  });

  it("read what they take as before", () => {
    expect(logQuerySchema.parse({ offset: "4096" })).toEqual({ offset: 4096 });
    expect(logQuerySchema.parse({})).toEqual({});
    expect(listJobsSchema.parse({})).toMatchObject({ page: 1, pageSize: 25 });
  });
});
