/** The frame of the login and setup forms, their fields and their messages. */
export function AuthCard({ title, note, children }: { title: string; note: string; children: React.ReactNode }) {
  return (
    <section className="mx-auto mt-6 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">{title}</h1>
      <p className="mb-5 text-sm text-slate-500">{note}</p>
      {children}
    </section>
  );
}

export function Field({ label, ...input }: { label: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="block text-sm">
      <span className="mb-1 block font-medium text-slate-700">{label}</span>
      <input required className="w-full rounded border border-slate-300 px-3 py-2 focus:border-blue-600 focus:outline-none" {...input} />
    </label>
  );
}

/** The message under one field, when there is one. */
export function FieldError({ children }: { children: React.ReactNode }) {
  return children ? <p className="text-sm text-red-700">{children}</p> : null;
}

/** Why the form was refused as a whole (wrong password, server unreachable...). */
export function FormAlert({ children }: { children: React.ReactNode }) {
  return (
    <p role="alert" className="text-sm text-red-700">
      {children}
    </p>
  );
}
