/** The frame of the login and setup forms, their fields and their messages. */
export function AuthCard({ title, note, children }: { title: string; note: React.ReactNode; children: React.ReactNode }) {
  return (
    <section className="mx-auto mt-6 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">{title}</h1>
      <p data-testid="auth-note" className="mb-5 text-sm text-slate-500">
        {note}
      </p>
      {children}
    </section>
  );
}

/**
 * A labelled input; `error`, what to fix in it, is shown under it, announced, and tied to the
 * input (aria-invalid, aria-describedby), so that a refusal is heard on the field it is about.
 */
export function Field({ label, error, ...input }: { label: string; error?: React.ReactNode } & React.InputHTMLAttributes<HTMLInputElement>) {
  const errorId = `${input.name}-error`;
  return (
    <div>
      <label className="block text-sm">
        <span className="mb-1 block font-medium text-slate-700">{label}</span>
        <input
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          className={`w-full rounded border px-3 py-2 focus:border-blue-600 focus:outline-none ${error ? "border-red-400" : "border-slate-300"}`}
          {...input}
        />
      </label>
      <FieldError id={errorId}>{error}</FieldError>
    </div>
  );
}

/** The message under one field, when there is one. */
export function FieldError({ id, children }: { id?: string; children: React.ReactNode }) {
  return children ? (
    <p id={id} role="alert" className="mt-1 text-sm text-red-700">
      {children}
    </p>
  ) : null;
}

/** Why the form was refused as a whole (wrong password, server unreachable...). */
export function FormAlert({ children }: { children: React.ReactNode }) {
  return (
    <p role="alert" className="text-sm text-red-700">
      {children}
    </p>
  );
}
