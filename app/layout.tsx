import type { Metadata } from "next";
import "./globals.css";
import { PausedBanner } from "./paused-banner";
import { Providers } from "./providers";
import { SiteHeader } from "./site-header";

export const metadata: Metadata = { title: "QueueManager", description: "Batch job queue for a shared compute server" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <Providers>
          <SiteHeader />
          <PausedBanner />
          <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
