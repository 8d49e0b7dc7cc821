import type { DiskStatus } from "@/lib/core/api-types";

/** Why uploads are refused and queued jobs wait: QM_FOLDER's disk is below Min_Free_MB or Min_Free_Inodes. */
export function DiskBanner({ disk }: { disk: DiskStatus | null | undefined }) {
  if (!disk?.message) return null;
  const heading = disk.lowBytes ? "The server's disk is almost full" : "The server's disk is running out of files (inodes)";
  return (
    <div role="alert" data-testid="disk-banner" className="rounded border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">{heading}</p>
      <p className="mt-1">{disk.message}</p>
    </div>
  );
}
