// curl, an HTTP and FTP client written elsewhere, as the client of the tool's file server in tests: the
// box's download, upload and resume, verbose so a test can read what went over the wire. Loopback only.
import { execFile } from 'node:child_process';

export interface CurlResult {
  code: number;
  /** The verbose trace (-v): the commands and headers sent and the replies. */
  stderr: string;
}

export function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '-v', '--max-time', '30', ...args], (error, _stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stderr: String(stderr) });
    });
  });
}
