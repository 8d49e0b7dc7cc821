import { describe, expect, it } from "vitest";
import { limitFilePriority, priorityLimit, priorityRefusal } from "./priority-limit";

describe("Max_User_Priority", () => {
  it("binds everyone but administrators", () => {
    expect(priorityLimit(0, false)).toBe(0);
    expect(priorityLimit(0, true)).toBeNull();
  });

  it("refuses a typed priority above the limit, saying what to ask for", () => {
    expect(priorityRefusal(0, 0)).toBeNull();
    expect(priorityRefusal(-5, 0)).toBeNull();
    expect(priorityRefusal(1000, null)).toBeNull();
    expect(priorityRefusal(1, 0)).toBe("priority 1 is above 0, the highest a job may have unless an administrator gives it (Max_User_Priority): ask for 0 or less, or ask an administrator to raise it");
  });

  it("lowers a job file's priority to the limit, with the note the job shows", () => {
    expect(limitFilePriority(10, 10)).toEqual({ priority: 10, note: null });
    expect(limitFilePriority(900, null)).toEqual({ priority: 900, note: null });
    expect(limitFilePriority(11, -2)).toEqual({ priority: -2, note: "priority 11 lowered to -2: only an administrator may give a job more (Max_User_Priority)" });
  });
});
