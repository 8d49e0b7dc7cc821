"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError } from "@/lib/client/api-fetch";
import { uploadJob } from "@/lib/client/upload-job";
import { formatBytes } from "@/lib/core/format";
import { LoginLink } from "../ui-bits";
import { JobDropZone } from "./job-drop-zone";

const FIELDS = [
  { name: "e_mail", label: "e_mail", type: "text", inputMode: "email", placeholder: "name@lab.org", help: "Owner of the job; mailed when it ends (if mail is on)." },
  { name: "info", label: "info", type: "text", placeholder: "as in the info file", help: "A short description shown in the queue." },
  { name: "nb_proc", label: "nb_proc", type: "number", placeholder: "as in the info file (default 1)", help: "Processors the job uses." },
  { name: "nb_gpu", label: "nb_gpu", type: "number", placeholder: "as in the info file (default 0)", help: "GPUs the job gets for itself (CUDA_VISIBLE_DEVICES)." },
  { name: "priority", label: "priority", type: "number", placeholder: "as in the info file (default 0)", help: "Higher runs first." },
  { name: "array", label: "array", type: "text", placeholder: "e.g. 1-20, 1-100:2, 1,5,9 or 1-20%4", help: "One job per index (QM_ARRAY_INDEX in its environment); %4: at most 4 at a time." },
  { name: "after_ok", label: "after_ok", type: "text", placeholder: "job ids, e.g. 12, 13 (array:7 for a whole array)", help: "Start only once these jobs are done; cancelled if one fails." },
  { name: "after_any", label: "after_any", type: "text", placeholder: "job ids, e.g. 12", help: "Start once these jobs have ended, however they ended." },
] as const;

type Phase = { kind: "idle" } | { kind: "uploading"; fraction: number } | { kind: "checking" };

export function SubmitJobForm({ maxUploadMb, jobFile }: { maxUploadMb: number; jobFile: string }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [error, setError] = useState<string | null>(null);
  const [needsLogin, setNeedsLogin] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const busy = phase.kind !== "idle";
  const maxBytes = maxUploadMb * 1024 * 1024;

  const tooLarge = `The file is larger than the ${formatBytes(maxBytes)} allowed (Max_Upload_MB in QMserv.cfg); leave large inputs on the server or ask the administrator to raise the limit.`;

  function chooseFile(next: File | null) {
    setFile(next);
    // Said as soon as it is chosen, not after a click on Upload.
    setError(next && next.size > maxBytes ? tooLarge : null);
  }

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setFieldErrors({});
    if (!file) {
      setError(`Choose a zip of the job folder first (it must hold ${jobFile} and the script), or a single script with #QM lines.`);
      return;
    }
    if (file.size > maxBytes) {
      setError(tooLarge);
      return;
    }
    const form = new FormData(event.currentTarget);
    form.delete("file");
    form.append("file", file, file.name);
    setPhase({ kind: "uploading", fraction: 0 });
    try {
      const job = await uploadJob(form, (fraction) => setPhase(fraction >= 1 ? { kind: "checking" } : { kind: "uploading", fraction })).done;
      router.push(job.array ? job.array.url : `/jobs/${job.id}`);
    } catch (e) {
      setPhase({ kind: "idle" });
      if (e instanceof ApiError) {
        setError(e.message);
        setNeedsLogin(e.status === 401);
        if (e.details) setFieldErrors(e.details);
      } else setError("The upload failed; try again.");
    }
  }

  const percent = phase.kind === "uploading" ? Math.round(phase.fraction * 100) : phase.kind === "checking" ? 100 : 0;
  return (
    <section className="mx-auto max-w-2xl">
      <h1 className="mb-1 text-2xl font-semibold">Submit a job</h1>
      <p className="mb-2 text-sm text-slate-600">
        Zip the job folder: its info file <code className="rounded bg-slate-100 px-1">{jobFile}</code> (with a <code className="rounded bg-slate-100 px-1">script</code> entry{jobFile === "proc_config.cfg" || jobFile === "infos.xml" ? <>; <code className="rounded bg-slate-100 px-1">{jobFile === "proc_config.cfg" ? "infos.xml" : "proc_config.cfg"}</code> also does</> : <>; <code className="rounded bg-slate-100 px-1">proc_config.cfg</code> or <code className="rounded bg-slate-100 px-1">infos.xml</code> also do</>}), the script and its data. The job may sit at the top of the zip or inside one folder. Up to {formatBytes(maxBytes)}.
      </p>
      <p className="mb-5 text-sm text-slate-600">
        Or upload a single script, no zip needed, whose first lines say what it needs: <code className="rounded bg-slate-100 px-1">#QM nb_proc=2</code>, <code className="rounded bg-slate-100 px-1">#QM nb_gpu=1</code>, <code className="rounded bg-slate-100 px-1">#QM e_mail=you@lab.org</code>, <code className="rounded bg-slate-100 px-1">#QM walltime=1:00:00</code>, <code className="rounded bg-slate-100 px-1">#QM mem=4G</code> (after the <code className="rounded bg-slate-100 px-1">#!</code> line).
      </p>
      <form onSubmit={submit} noValidate className="space-y-5" aria-busy={busy}>
        {error && (
          <div role="alert" data-testid="submit-error" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            <p className="font-semibold">The job was not queued.</p>
            {/* pre-line: a script's bad #QM lines come one per line. */}
            <p className="mt-1 whitespace-pre-line break-words">
              {error}{" "}
              {needsLogin && <LoginLink next="/submit" />}
            </p>
          </div>
        )}
        <JobDropZone file={file} onFile={chooseFile} disabled={busy} />
        <fieldset disabled={busy} className="grid gap-4 sm:grid-cols-2">
          <legend className="sr-only">Optional info-file keys</legend>
          <p className="text-sm text-slate-600 sm:col-span-2">Optional: these fill or override the keys of the info file (or the #QM lines of a script); leave them empty to keep the file&apos;s values.</p>
          {FIELDS.map((f) => (
            // The label names the field; its help (or the refusal) is its description, not part of its name.
            <div key={f.name} className="text-sm">
              <label htmlFor={`field-${f.name}`} className="mb-1 block font-mono font-medium text-slate-800">
                {f.label}
              </label>
              <input
                id={`field-${f.name}`}
                name={f.name}
                type={f.type}
                inputMode={"inputMode" in f ? f.inputMode : undefined}
                placeholder={f.placeholder}
                aria-invalid={fieldErrors[f.name] ? true : undefined}
                aria-describedby={`${f.name}-help`}
                className={`w-full rounded border px-3 py-2 focus:border-blue-600 focus:outline-none ${fieldErrors[f.name] ? "border-red-400" : "border-slate-300"}`}
              />
              <span id={`${f.name}-help`} className={`mt-1 block text-xs ${fieldErrors[f.name] ? "text-red-700" : "text-slate-500"}`}>
                {fieldErrors[f.name] ?? f.help}
              </span>
            </div>
          ))}
          <div className="flex items-start gap-2 text-sm sm:col-span-2">
            <input id="field-hold" name="hold" type="checkbox" value="yes" className="mt-0.5 h-4 w-4" aria-invalid={fieldErrors.hold ? true : undefined} aria-describedby="hold-help" />
            <span>
              <label htmlFor="field-hold" className="font-mono font-medium text-slate-800">
                hold
              </label>
              <span id="hold-help" className={`block text-xs ${fieldErrors.hold ? "text-red-700" : "text-slate-500"}`}>
                {fieldErrors.hold ?? "Queue it held: it keeps its place but starts only once released (from its page or the dashboard)."}
              </span>
            </span>
          </div>
        </fieldset>
        {busy && (
          <div className="space-y-1" data-testid="upload-progress">
            <div className="h-2.5 overflow-hidden rounded-full bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Upload progress">
              <div className="h-full rounded-full bg-blue-600 transition-all" style={{ width: `${percent}%` }} />
            </div>
            <p className="text-xs text-slate-600">{phase.kind === "checking" ? "Uploaded; checking the job…" : `Uploading… ${percent}%`}</p>
          </div>
        )}
        <button type="submit" disabled={busy} className="rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-60">
          {busy ? "Submitting…" : "Upload and queue"}
        </button>
      </form>
    </section>
  );
}
