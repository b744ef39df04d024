// A Modbus TCP server on 127.0.0.1 over plain net, answering from register banks by unit id, as a box
// (or a gateway with several units) on the LAN does: MBAP headers, exceptions, silence for unknown units.
import { createServer, type Server, type Socket } from 'node:net';
import type { RegisterBank } from './modbus-bank.ts';

export interface TcpModbusServer {
  port: number;
  units: Map<number, RegisterBank>;
  /** Connections accepted so far. */
  connections: number;
  /** A slow box: called with each request PDU after the bank answered it (a write has landed); the answer
   *  is sent when the promise returned settles (undefined: at once). */
  holdAnswer: ((unit: number, request: Buffer) => Promise<void> | undefined) | undefined;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 only (port 0: any free one). */
export async function startTcpModbusServer(
  units: Map<number, RegisterBank>,
  port = 0,
): Promise<TcpModbusServer> {
  const sockets = new Set<Socket>();
  const state: { connections: number; holdAnswer: TcpModbusServer['holdAnswer'] } = {
    connections: 0,
    holdAnswer: undefined,
  };
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 7) {
        const length = buffer.readUInt16BE(4);
        if (length < 2 || length > 254) {
          socket.destroy();
          return;
        }
        if (buffer.length < 6 + length) return;
        const frame = buffer.subarray(0, 6 + length);
        buffer = buffer.subarray(6 + length);
        const unit = frame[6] ?? 0;
        const bank = units.get(unit);
        if (!bank || bank.faults.silent) continue; // a gateway with no such unit says nothing
        const request = Buffer.from(frame.subarray(7));
        const pdu = bank.answer(request);
        const head = Buffer.alloc(7);
        frame.copy(head, 0, 0, 4); // transaction id and protocol id echoed
        head.writeUInt16BE(pdu.length + 1, 4);
        head[6] = unit;
        const held = state.holdAnswer?.(unit, request);
        if (held) void held.then(() => !socket.destroyed && socket.write(Buffer.concat([head, pdu])));
        else socket.write(Buffer.concat([head, pdu]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    units,
    get connections() {
      return state.connections;
    },
    get holdAnswer() {
      return state.holdAnswer;
    },
    set holdAnswer(hold) {
      state.holdAnswer = hold;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
