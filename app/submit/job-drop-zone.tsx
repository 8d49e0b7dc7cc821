"use client";
import { useRef, useState } from "react";
import { formatBytes } from "@/lib/core/format";

/** Drop a zip (or a single script) here or click to choose one; the chosen file is shown with its size. */
export function JobDropZone({ file, onFile, disabled }: { file: File | null; onFile: (file: File | null) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  return (
    <div
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!disabled && e.dataTransfer.files[0]) onFile(e.dataTransfer.files[0]);
      }}
      className={`rounded-lg border-2 border-dashed p-6 text-center transition-colors ${over ? "border-blue-500 bg-blue-50" : "border-slate-300 bg-white"}`}
      data-testid="drop-zone"
    >
      <input
        ref={input}
        id="zip-file"
        name="file"
        type="file"
        accept=".zip,application/zip,application/x-zip-compressed,.sh,.bash,.py,.pl,.r,.jl,text/x-shellscript,text/x-python,text/plain"
        className="peer sr-only"
        disabled={disabled}
        onChange={(e) => onFile(e.target.files?.[0] ?? null)}
      />
      {file ? (
        <p className="text-sm">
          <span className="font-medium break-all" data-testid="chosen-file">{file.name}</span>{" "}
          <span className="text-slate-500">({formatBytes(file.size)})</span>
        </p>
      ) : (
        <p className="text-sm text-slate-600">Drop the zipped job folder here, or a single script with #QM lines</p>
      )}
      <label
        htmlFor="zip-file"
        className={`mt-3 inline-block cursor-pointer rounded border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-blue-600 ${disabled ? "pointer-events-none opacity-50" : ""}`}
      >
        {file ? "Choose another file…" : "Choose a file…"}
      </label>
    </div>
  );
}
