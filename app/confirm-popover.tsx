"use client";
import { useEffect, useId, useRef } from "react";

/**
 * The question a destructive button asks, shown under it. Keyboard and screen-reader users
 * land in it (on Cancel, the safe choice) and hear the question; Escape or Cancel closes it
 * and puts the focus back on the button that opened it.
 */
export function ConfirmPopover({ label, question, yes, yesClass, busy, onYes, onCancel }: {
  label: string;
  question: string;
  yes: string;
  yesClass: string;
  busy?: boolean;
  onYes: () => void;
  onCancel: () => void;
}) {
  const questionId = useId();
  const cancelButton = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelButton.current?.focus();
  }, []);
  const cancel = () => {
    onCancel();
    opener.current?.focus();
  };
  return (
    <div
      role="alertdialog"
      aria-label={label}
      aria-describedby={questionId}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          cancel();
        }
      }}
      className="absolute right-0 top-full z-10 mt-2 w-80 max-w-[calc(100vw-2rem)] rounded border border-slate-300 bg-white p-3 text-sm shadow-lg"
    >
      <p id={questionId} className="mb-3">
        {question}
      </p>
      <div className="flex justify-end gap-2">
        <button ref={cancelButton} type="button" className="rounded border border-slate-300 px-3 py-1" onClick={cancel}>
          Cancel
        </button>
        <button type="button" disabled={busy} className={`rounded px-3 py-1 font-medium text-white disabled:opacity-50 ${yesClass}`} onClick={onYes}>
          {yes}
        </button>
      </div>
    </div>
  );
}
