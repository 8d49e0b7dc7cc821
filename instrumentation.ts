/**
 * Next runs register() once, when the server starts. QMserv.cfg is read then, so that the
 * keys the web server applies only at start (Host, The_Port, QM_FOLDER: see
 * lib/core/startup-keys.ts) are those it was started with, not those of its first request.
 */
export async function register(): Promise<void> {
  // Next's own flag: register() also runs for the edge runtime, which has no filesystem.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./lib/web/context");
  try {
    getConfig();
  } catch (error) {
    console.error(`QMserv.cfg cannot be read at start: ${(error as Error).message}`);
  }
}
