import { formatDay } from "@/lib/client/format-date";
import { Panel } from "../../ui-bits";

/**
 * In place of the results, log and files of a job whose folder the retention pass removed:
 * nothing of it can be read or downloaded any more, and that is for good, not for now.
 */
export function FolderPurged({ purgedAt }: { purgedAt: string }) {
  return (
    <Panel title="Files" testId="folder-purged">
      <p className="px-4 py-3 text-sm text-slate-700">
        This job&apos;s folder was removed by the retention pass on <time dateTime={purgedAt}>{formatDay(purgedAt)}</time> (Keep_Days, Keep_Max_GB): its files,
        process.log and results are no longer on the server. Its record and history are kept.
      </p>
    </Panel>
  );
}
