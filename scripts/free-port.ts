/**
 * A TCP port on 127.0.0.1 that nothing listens on now, for the servers the tests start
 * (a throw-away PostgreSQL, Slurm's daemons, nginx, a second web server). Asked of the
 * kernel (port 0) and given back at once: another program could take it meanwhile, which
 * the ephemeral range makes unlikely for the moment a test needs.
 */
import net from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
