// Asks pcsc-lite's daemon whether it answers at all, without the binding: the binding's calls block this
// thread until pcscd replies, so a hung daemon would freeze the app, while a socket probe can time out.
import { connect } from 'node:net';
import { endianness } from 'node:os';

/** pcsc-lite's default socket (Debian, Ubuntu, Fedora, Arch); PCSCLITE_CSOCK_NAME points clients elsewhere. */
export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

/** 'absent': no daemon listens; 'silent': it took the connection but said nothing in time. */
export type PcscdProbe = 'answers' | 'absent' | 'silent' | 'not-applicable';

/** CMD_VERSION of pcsc-lite's client protocol (winscard_msg.h), asked as protocol 4.4. */
const CMD_VERSION = 0x11;

export interface ProbeOptions {
  /** Default PCSCLITE_CSOCK_NAME, else PCSCD_SOCKET. */
  path?: string;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

/**
 * Sends the version handshake every pcsc-lite client starts with and waits for its 12-byte answer.
 * Windows and macOS have their own PC/SC service without this socket: 'not-applicable' there.
 */
export function probePcscd(options: ProbeOptions = {}): Promise<PcscdProbe> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32' || platform === 'darwin') return Promise.resolve('not-applicable');
  const path = options.path ?? process.env.PCSCLITE_CSOCK_NAME ?? PCSCD_SOCKET;
  const timeoutMs = options.timeoutMs ?? 2000;
  return new Promise((resolve) => {
    const socket = connect({ path });
    let answer = 0;
    const done = (result: PcscdProbe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('silent'), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // Not there, or nobody listening on a stale socket file: the service is down. Anything else
      // (permissions) is left to the binding, which names it.
      done(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'absent' : 'not-applicable');
    });
    socket.on('connect', () => {
      const le = endianness() === 'LE';
      const message = Buffer.alloc(20);
      const words = [12, CMD_VERSION, 4, 4, 0];
      for (const [i, word] of words.entries()) {
        if (le) message.writeUInt32LE(word, i * 4);
        else message.writeUInt32BE(word, i * 4);
      }
      socket.write(message);
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.length;
      if (answer >= 12) done('answers');
    });
    socket.on('close', () => {
      // Hung up without a word (another protocol version?): the binding will say what is wrong.
      if (answer < 12) done('not-applicable');
    });
  });
}
