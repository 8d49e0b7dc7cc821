/** The Python QM's dashboard address. */
export const GET = (request: Request) => Response.redirect(new URL("/", request.url), 308);
