// Hostile WebSocket frames on the browser shell's /api, sent byte by byte over a raw TCP socket on
// loopback: each must close only that socket with the protocol's code, and the shell must keep serving.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { MAX_FRAME_BYTES } from '../../main/server/shell-server.ts';
import { openSocket, testShell } from '../support/shell.ts';

/** Opens /api with the token over a plain TCP socket and reads the 101 answer. */
function handshake(port: number, token: string): Promise<{ socket: Socket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffered = Buffer.alloc(0);
    socket.on('error', reject);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const head = buffered.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`no upgrade: ${head}`));
      else resolve({ socket, rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.write(
      [
        `GET /api?token=${encodeURIComponent(token)} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** A client frame: FIN + opcode (+ RSV bits), masked unless told otherwise. */
function frame(
  opcode: number,
  payload: Buffer,
  options: { rsv?: number; masked?: boolean; claimedLength?: number } = {},
): Buffer {
  const masked = options.masked ?? true;
  const length = options.claimedLength ?? payload.length;
  const first = 0x80 | ((options.rsv ?? 0) << 4) | opcode;
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([header, mask, body]);
}

/** Waits for the server's close frame (its code) or the socket's end, whichever comes. */
function closeCode(socket: Socket, rest: Buffer): Promise<number | null> {
  return new Promise((resolve) => {
    let buffered = rest;
    const check = () => {
      // A server frame is unmasked; a close frame (opcode 8) carries the code in its first two bytes.
      if (buffered.length >= 4 && ((buffered[0] as number) & 0x0f) === 0x8) {
        resolve(buffered.readUInt16BE(2));
        socket.destroy();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      check();
    });
    socket.on('close', () => resolve(null));
    socket.on('error', () => resolve(null));
    check();
  });
}

const hostile: Array<{ name: string; bytes: () => Buffer; code: number }> = [
  {
    name: 'invalid UTF-8 in a text frame',
    bytes: () => frame(0x1, Buffer.from([0xc3, 0x28, 0xff])),
    code: 1007,
  },
  {
    name: 'an unmasked client frame',
    bytes: () => frame(0x1, Buffer.from('{}'), { masked: false }),
    code: 1002,
  },
  {
    name: 'RSV1 set without an extension',
    bytes: () => frame(0x1, Buffer.from('{}'), { rsv: 4 }),
    code: 1002,
  },
  { name: 'RSV2 and RSV3 set', bytes: () => frame(0x1, Buffer.from('{}'), { rsv: 3 }), code: 1002 },
  { name: 'a reserved close code (1005)', bytes: () => frame(0x8, Buffer.from([0x03, 0xed])), code: 1002 },
  { name: 'a close code below 1000', bytes: () => frame(0x8, Buffer.from([0x00, 0x01])), code: 1002 },
  { name: 'a reserved opcode (0x3)', bytes: () => frame(0x3, Buffer.from('x')), code: 1002 },
  { name: 'a control opcode (0xB)', bytes: () => frame(0xb, Buffer.from('x')), code: 1002 },
  {
    name: 'a frame claiming more than the size limit',
    bytes: () => frame(0x2, Buffer.alloc(16), { claimedLength: MAX_FRAME_BYTES + 1 }),
    code: 1009,
  },
];

for (const probe of hostile) {
  test(`the shell survives ${probe.name}: that socket is closed with ${probe.code}, the api still answers`, async (t) => {
    const { server } = await testShell(t);
    const { socket, rest } = await handshake(server.port, server.token);
    const closed = closeCode(socket, rest);
    socket.write(probe.bytes());
    assert.equal(await closed, probe.code);

    const opened = await openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    assert.ok('client' in opened);
    t.after(() => opened.client.ws.close());
    const reply = await opened.client.call('app.info', {});
    assert.equal(reply.ok, true);
  });
}
