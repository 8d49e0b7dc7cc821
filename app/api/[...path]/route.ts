import { AppError } from "@/lib/core/app-error";
import { apiHandler } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/**
 * Any /api/... address that no route takes (`/api/nothing`, `/api/jobs/37/bogus`): the API's
 * 404, in its error shape, in place of Next's HTML page, which a script cannot read. Next
 * tries this catch-all after every static and dynamic route, so it shadows none; a method
 * a real address does not take stays that route's 405 (lib/web/method-not-allowed.ts).
 */
const notAnEndpoint = apiHandler(async (request) => {
  throw new AppError("NOT_FOUND", `There is no API endpoint ${request.method} ${new URL(request.url).pathname}; see docs/api.md for the addresses and their methods.`);
});

export const GET = notAnEndpoint;
export const POST = notAnEndpoint;
export const PUT = notAnEndpoint;
export const PATCH = notAnEndpoint;
export const DELETE = notAnEndpoint;
export const OPTIONS = notAnEndpoint;
