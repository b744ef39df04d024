// One end of the proxy benchmark in a process of its own (argument `csms` or `box`), as in the field where
// the box and the CSMS are other machines: the proxy's CPU time no longer adds to theirs. Driven over IPC.
import { heartbeatCsms, heartbeatFrames } from './ocpp-peers.ts';

type Request = { type: 'measure'; endpoint: string; identity: string; calls: number } | { type: 'stop' };

const send = (message: unknown) => process.send?.(message);
const csms = process.argv[2] === 'csms' ? await heartbeatCsms() : null;
process.on('message', (request: Request) => {
  if (request.type === 'stop') {
    void (csms?.close() ?? Promise.resolve()).then(() => process.exit(0));
    return;
  }
  void heartbeatFrames(request.endpoint, request.identity, request.calls).then(
    (samples) => send({ type: 'samples', samples }),
    (error: unknown) => send({ type: 'failed', error: String(error) }),
  );
});
send({ type: 'ready', upstream: csms?.url ?? null });
