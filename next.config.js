/**
 * The app's pages may load and run only what comes from QueueManager itself. The inline
 * scripts and styles Next.js writes into each page need 'unsafe-inline' without per-request
 * nonces (which would make every page dynamic); what the policy still closes: scripts,
 * styles, frames and connections from elsewhere, plugins (object-src), a <base> or a form
 * sending elsewhere, and framing by other sites. React's escaping is the first defence; this
 * is the second. Files of jobs served by the API have a stricter policy of their own
 * (lib/web/file-headers.ts: sandboxed, nothing runs), so the API is left out here: two
 * policies on one answer would both apply. `next dev` evaluates code (eval), the build does not.
 */
const pagePolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "production" ? "" : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The worker and scripts share lib/ with the app; the generated Prisma client uses
  // the SQLite driver adapter (better-sqlite3 is a server external by default).
  typedRoutes: false,
  // `npm test` runs tsc over the whole tree first; the build need not check types again.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
      { source: "/((?!api/).*)", headers: [{ key: "Content-Security-Policy", value: pagePolicy }] },
    ];
  },
};

export default nextConfig;
