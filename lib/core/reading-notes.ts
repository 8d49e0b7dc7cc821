/**
 * The notes that say which file described a job when it was not job_file (Job.notes): written
 * by the folder's reading (lib/server/job-folder.ts), read back by the web to hide that file
 * with the job's details, and told apart on the job's page: a single script with #QM lines is
 * a way to submit, not a problem, so its note is shown as information, not as a warning.
 */

/** Another kind of info file than job_file described the job. */
export const otherInfoFileNote = (jobFile: string, file: string) => `no ${jobFile} in the job folder: its info file is ${file}`;

/** The job is a script with its #QM lines. */
export const scriptNote = (file: string) => `no info file: the job is ${file} with its #QM directives`;

const OTHER_INFO_FILE = /^no [\s\S]+? in the job folder: its info file is ([\s\S]+)$/;
const SCRIPT = /^no info file: the job is ([\s\S]+) with its #QM directives$/;

/** The file a note says described the job, or null when the note says something else. */
export function describingFileOf(note: string): string | null {
  return (OTHER_INFO_FILE.exec(note) ?? SCRIPT.exec(note))?.[1] ?? null;
}

/** The note of a job that is a script with #QM lines: information, not a warning. */
export const isScriptNote = (note: string): boolean => SCRIPT.test(note);
