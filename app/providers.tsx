"use client";
import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { useLiveUpdates } from "@/lib/client/live-updates";
import { makeQueryClient } from "@/lib/client/query-client";

function LiveUpdates() {
  useLiveUpdates();
  return null;
}

export function Providers({ children }: { children: React.ReactNode }) {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <LiveUpdates />
      {children}
    </QueryClientProvider>
  );
}
