/** The arguments of `npm run db:backup -- [FILE] [--keep N]` (scripts/db-backup.ts). */
export const BACKUP_USAGE = "npm run db:backup -- [FILE] [--keep N]";

export function parseBackupArgs(args: string[]): { file?: string; keep?: number } {
  const out: { file?: string; keep?: number } = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--keep") {
      out.keep = Number(args[++i]);
      if (!Number.isInteger(out.keep) || out.keep < 1) throw new Error("--keep needs a number of copies, 1 or more");
    } else if (!out.file && !args[i].startsWith("-")) out.file = args[i];
    else throw new Error(`unknown argument ${args[i]}; usage: ${BACKUP_USAGE}`);
  }
  // --keep removes older copies in $QM_DATA/backups; a FILE named elsewhere is not one of them.
  if (out.file && out.keep) throw new Error(`--keep removes the older copies in QM_DATA/backups and cannot go with a FILE (${out.file}); usage: ${BACKUP_USAGE}`);
  return out;
}
