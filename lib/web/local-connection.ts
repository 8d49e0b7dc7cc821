/**
 * Tests' real loopback connections, for route handlers called in-process: the headers our
 * web server would give a request that arrived on one (PEER_HEADER, PEER_SOCKET_HEADER), so
 * that whose socket it is can be read from the kernel's tables as in production. The
 * client end is this process's, or a child's running as another uid (as a job runs).
 */
import { type ChildProcess, spawn } from "node:child_process";
import net, { type AddressInfo } from "node:net";
import { PEER_HEADER, PEER_SOCKET_HEADER } from "./peer-header";

export interface LocalConnection {
  headers: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A connection to a throw-away server on 127.0.0.1, opened by this process or, with `uid`,
 * by a child as that uid. `left`: the child connects from 127.0.0.2 with the server's own
 * port as its port and exits at once, before the request is judged, as a job can; the
 * server's end stays open, as our web server's does while it answers.
 */
export async function openLocalConnection(uid?: number, left = false): Promise<LocalConnection> {
  const server = net.createServer({ allowHalfOpen: true });
  const accepted = new Promise<net.Socket>((resolve) => server.once("connection", resolve));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let child: ChildProcess | undefined;
  let client: net.Socket | undefined;
  if (uid === undefined) client = net.connect(port, "127.0.0.1");
  else {
    // The child holds its end open until its stdin closes.
    const script = left
      ? `require("net").connect({ port: ${port}, host: "127.0.0.1", localAddress: "127.0.0.2", localPort: ${port} }, () => process.exit(0));`
      : `const c = require("net").connect(${port}, "127.0.0.1"); c.resume(); process.stdin.resume(); process.stdin.on("end", () => process.exit(0));`;
    child = spawn("setpriv", [`--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", process.execPath, "-e", script], { stdio: ["pipe", "ignore", "inherit"] });
  }
  const socket = await accepted;
  if (left) await new Promise((resolve) => socket.resume().once("end", resolve));
  return {
    headers: { [PEER_HEADER]: socket.remoteAddress!, [PEER_SOCKET_HEADER]: `${socket.remoteAddress} ${socket.remotePort} ${socket.localAddress} ${socket.localPort}` },
    close: async () => {
      client?.destroy();
      child?.stdin?.end();
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (child && child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
