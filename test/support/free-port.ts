// A port nothing listens on at this moment, for a test that must pass a fixed --port to a command it
// spawns (a listener on port 0 cannot tell another process where it ended up). Loopback only.
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
