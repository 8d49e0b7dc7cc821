"use client";
/**
 * POST /api/jobs with XMLHttpRequest: fetch() cannot report upload progress.
 * Errors come back as ApiError, like every other API call.
 */
import { ApiError } from "./api-fetch";
import { CSRF_HEADER_NAME, getCsrfToken } from "./csrf";

export interface SubmittedJob {
  id: number;
  name: string;
  folder: string;
  url: string;
  /** An array submission: its page and its elements' job ids. */
  array?: { id: number; jobIds: number[]; url: string };
}

export interface UploadHandle {
  done: Promise<SubmittedJob>;
  abort: () => void;
}

/** Send the form; `onProgress` gets the fraction uploaded (0..1). */
export function uploadJob(form: FormData, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = (async () => {
    const csrf = await getCsrfToken();
    return new Promise<SubmittedJob>((resolve, reject) => {
      xhr.open("POST", "/api/jobs");
      xhr.setRequestHeader(CSRF_HEADER_NAME, csrf);
      xhr.setRequestHeader("x-qm-client", "submit-form");
      xhr.setRequestHeader("accept", "application/json");
      xhr.responseType = "text";
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      };
      xhr.upload.onload = () => onProgress(1);
      xhr.onload = () => {
        let body: { job?: SubmittedJob; array?: SubmittedJob["array"]; error?: { code?: string; message?: string; details?: Record<string, string> } } = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // not JSON: handled below
        }
        if (xhr.status === 201 && body.job) resolve({ ...body.job, array: body.array });
        else if (body.error?.message) reject(new ApiError(xhr.status, body.error.code ?? "ERROR", body.error.message, body.error.details));
        else reject(new ApiError(xhr.status, `HTTP_${xhr.status}`, `The server answered ${xhr.status} ${xhr.statusText}`.trim()));
      };
      xhr.onerror = () =>
        reject(new ApiError(0, "NETWORK", "The upload was interrupted: the connection was lost or the server stopped reading. Check that the zip is within the size limit and try again."));
      xhr.onabort = () => reject(new ApiError(0, "ABORTED", "Upload cancelled."));
      xhr.send(form);
    });
  })();
  return { done, abort: () => xhr.abort() };
}
