// Binding the file server's faces (HTTP and FTP) to their port: a port taken by another program is a typed
// error naming the host and port, so the user learns which setting to change.
import type { Server } from 'node:net';
import { AppError, type ErrorCode } from '../api/errors.ts';

export function listenOn(server: Server, host: string, port: number, inUse: ErrorCode): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new AppError(inUse, { host, port }, { cause: error })
          : error,
      ),
    );
    server.listen(port, host, () => resolve());
  });
}
