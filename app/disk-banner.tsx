/** Why uploads are refused and queued jobs wait: QM_FOLDER's disk is below Min_Free_MB. */
export function DiskBanner({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div role="alert" data-testid="disk-banner" className="rounded border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">The server&apos;s disk is almost full</p>
      <p className="mt-1">{message}</p>
    </div>
  );
}
