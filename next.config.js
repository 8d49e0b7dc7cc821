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
    ];
  },
};

export default nextConfig;
