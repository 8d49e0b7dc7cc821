import { describe, expect, it } from "vitest";
import { parseAccountingType, parseSacct } from "./accounting";
import { FIELD_SEPARATOR as S } from "./slurm-states";

describe("Slurm accounting", () => {
  it("is there unless AccountingStorageType is none", () => {
    expect(parseAccountingType("AccountingStorageHost   = db1\nAccountingStorageType   = accounting_storage/slurmdbd\n")).toBe(true);
    expect(parseAccountingType("AccountingStorageType   = accounting_storage/none\n")).toBe(false);
    expect(parseAccountingType("")).toBe(false);
  });

  it("reads sacct's final states, the first word only", () => {
    expect(parseSacct(`12${S}CANCELLED by 1000\n13${S}NODE_FAIL\n14${S}COMPLETED\n\n`)).toEqual(new Map([["12", "CANCELLED"], ["13", "NODE_FAIL"], ["14", "COMPLETED"]]));
  });
});
