/**
 * The Python QM's web addresses, kept working after a lab switches (bookmarks, links in
 * old mails): `/QM` was the dashboard, `/QM_dJobs/<folder>[/<file>]` browsed a done job
 * (and `/QM_qJobs/...`, `/QM_Jobs/...`, `/QM_lost+found/...` the others: its monitor served
 * every file under QM_FOLDER; a folder not in the queue named is looked for in the others,
 * since jobs move on; the queue alone goes to the dashboard),
 * `/view/<queue>/<folder>/<file>` showed a file (paths from QM_FOLDER; also taken without
 * the queue, `/view/<folder>[/<file>]`, looked for in every queue), and
 * `/download/<folder>` fetched a done job's zip; `/kill/<folder>` and
 * `/delete/<queue>/<folder>` were its confirmation pages (`?conf=True` acted), now the job's
 * page, where the same confirmation is asked: a GET never acts. Each redirects to the job
 * it names, found by its folder, after the same viewing check as the API.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../core/app-error";
import { QUEUE_DIRS, type QueueDir, resolveInside } from "../server/qm-folders";
import { requireViewer } from "./access";
import { getDb, getLayout } from "./context";
import { toErrorResponse } from "./http";

export type LegacyKind = "browse" | "view" | "download";

export interface LegacyRouteContext {
  params: Promise<{ path: string[] }>;
}

const QUEUES = new Set<string>(Object.values(QUEUE_DIRS));

/** The job folders (QM_FOLDER-relative) old URL segments may name, and the path inside the job; `queue`: the one a browse address named. */
export function legacyTarget(kind: LegacyKind, segments: string[], queue: QueueDir = QUEUE_DIRS.done): { folders: string[]; inside: string } | null {
  const parts = segments.filter((s) => s !== "" && s !== ".");
  if (parts.includes("..") || parts.length < 1) return null;
  if (kind === "view") {
    if (QUEUES.has(parts[0])) return parts.length < 2 ? null : { folders: [`${parts[0]}/${parts[1]}`], inside: parts.slice(2).join("/") };
    return { folders: [...QUEUES].map((queue) => `${queue}/${parts[0]}`), inside: parts.slice(1).join("/") };
  }
  if (kind === "download") return { folders: [`${QUEUE_DIRS.done}/${parts[0]}`], inside: "" };
  return { folders: [queue, ...[...QUEUES].filter((q) => q !== queue)].map((q) => `${q}/${parts[0]}`), inside: parts.slice(1).join("/") };
}

/** The new address for an old one: the job page, one of its files, or its zip. */
export function newLocation(kind: LegacyKind, id: number, inside: string): string {
  if (kind === "download") return `/api/jobs/${id}/download`;
  if (!inside) return `/jobs/${id}`;
  return `/api/jobs/${id}/files/raw?path=${encodeURIComponent(inside)}`;
}

/** A GET handler for one kind of old URL (`queue`: the queue folder a browse address starts with). */
export function legacyRedirect(kind: LegacyKind, queue?: QueueDir) {
  return async (request: Request, context: LegacyRouteContext): Promise<Response> => {
    const url = new URL(request.url);
    try {
      await requireViewer(request);
      const target = legacyTarget(kind, (await context.params).path.map(safeDecode), queue);
      // In the queue named first (a name may be in two: a folder moved back into QM_qJobs).
      const found = target && (await getDb().job.findMany({ where: { folder: { in: target.folders }, state: { not: "deleted" } }, orderBy: { id: "desc" }, select: { id: true, folder: true } }));
      const job = found && (target.folders.map((folder) => found.find((j) => j.folder === folder)).find(Boolean) ?? null);
      if (!target || !job) throw new AppError("NOT_FOUND", `No job has the folder ${target?.folders[0] ?? url.pathname}; it may have been deleted. The dashboard lists every job.`);
      // A folder inside the job opens the job page, whose file browser shows it.
      const location = newLocation(kind, job.id, isFolder(job.folder, target.inside) ? "" : target.inside);
      return Response.redirect(new URL(location, url), 308);
    } catch (error) {
      if (error instanceof AppError && error.code === "UNAUTHORIZED") {
        return Response.redirect(new URL(`/login?next=${encodeURIComponent(url.pathname)}`, url), 307);
      }
      return toErrorResponse(error);
    }
  };
}

const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * Whether `inside` is a folder of the job's, reached without following a link: one the job
 * made on the way (`etc -> /etc`) would have this tell whether a folder exists wherever it
 * leads, even where the job's uid cannot look (the file routes refuse such paths).
 */
function isFolder(folder: string, inside: string): boolean {
  const { root } = getLayout();
  const full = resolveInside(root, path.join(folder, inside));
  try {
    return !!full && fs.realpathSync(full) === path.join(fs.realpathSync(root), path.relative(root, full)) && fs.lstatSync(full).isDirectory();
  } catch {
    return false;
  }
}

/** A queue folder's own old address (`/QM_dJobs`, which listed it): the dashboard. */
export const legacyQueueListing = (request: Request) => Response.redirect(new URL("/", request.url), 308);
