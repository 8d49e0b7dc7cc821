/** fs.watch on a folder, reporting changed entry names; re-armed if the watch breaks. */
import fs from "node:fs";

export function watchFolder(dir: string, onEntry: (name: string | null) => void, log: (m: string) => void): () => void {
  let watcher: fs.FSWatcher | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const arm = () => {
    try {
      watcher = fs.watch(dir, { persistent: true }, (_event, name) => onEntry(name ? name.toString() : null));
      watcher.on("error", (error) => {
        log(`watching ${dir} failed (${error.message}); retrying in 5 s`);
        watcher?.close();
        if (!closed) retry = setTimeout(arm, 5_000);
      });
    } catch (error) {
      log(`cannot watch ${dir} (${(error as Error).message}); retrying in 5 s (the periodic rescan still runs)`);
      if (!closed) retry = setTimeout(arm, 5_000);
    }
  };
  arm();
  return () => {
    closed = true;
    clearTimeout(retry);
    watcher?.close();
  };
}
