import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { RAW_QUERY_HEADER, rawQueryOf, setRawQueryHeader } from "./raw-query";

describe("the query as the client sent it", () => {
  it("is handed over in RAW_QUERY_HEADER, replacing any copy the client wrote", () => {
    const req = { url: "/api/jobs/1/files/raw?path=r%E9s.txt&download=1", rawHeaders: ["Host", "x", "X-QM-Raw-Query", "?path=other"], headers: { [RAW_QUERY_HEADER]: "?path=other" } } as unknown as IncomingMessage;
    setRawQueryHeader(req);
    expect(req.headers[RAW_QUERY_HEADER]).toBe("?path=r%E9s.txt&download=1");
    expect(req.rawHeaders).toEqual(["Host", "x", RAW_QUERY_HEADER, "?path=r%E9s.txt&download=1"]);
  });

  it("is the URL's own without that header (a request made in a test, or a bare next start)", () => {
    expect(rawQueryOf(new Request("http://h/a?path=r%E9s.txt"))).toBe("?path=r%E9s.txt");
    expect(rawQueryOf(new Request("http://h/a?path=x", { headers: { [RAW_QUERY_HEADER]: "" } }))).toBe("");
  });
});
