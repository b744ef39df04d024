// Runs N simulated 2.0.1 boxes in their own process for the fleet benchmark, as boxes are separate
// machines on a car park: prints "ready" once all of them are connected, stops on SIGTERM.
import { createSimStation } from '../../main/simulator/station.ts';

const [url = '', countText = '200'] = process.argv.slice(2);
const count = Number(countText);
const sims = Array.from({ length: count }, (_, i) =>
  createSimStation({ ocppVersion: '2.0.1', endpoint: url, identity: `WB-${String(i + 1).padStart(4, '0')}` }),
);
await Promise.all(sims.map((s) => s.start()));
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void Promise.all(sims.map((s) => s.stop())).then(() => process.exit(0));
});
