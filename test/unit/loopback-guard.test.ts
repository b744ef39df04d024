// The guard every test process runs under: a connection to anything but loopback is refused before a
// name is even looked up, while loopback still works, so the suite cannot reach beyond this machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const guard = fileURLToPath(new URL('../support/loopback-only.cjs', import.meta.url));

test('a connection beyond loopback is refused, loopback is not', () => {
  const probe = `
    const http = require('node:http');
    const net = require('node:net');
    const out = [];
    const done = () => out.length === 3 && console.log(JSON.stringify(out.sort()));
    http.get('http://198.51.100.7/', () => {}).on('error', (e) => { out.push('far:' + e.message.slice(0, 43)); done(); });
    net.connect({ host: 'registry.invalid', port: 443 }).on('error', (e) => { out.push('name:' + e.message.slice(0, 43)); done(); });
    const server = net.createServer((s) => s.end()).listen(0, '127.0.0.1', () => {
      net.connect(server.address().port, '127.0.0.1').on('connect', () => { out.push('loopback:ok'); server.close(); done(); });
    });`;
  const run = spawnSync(process.execPath, ['--require', guard, '-e', probe], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.deepEqual(JSON.parse(run.stdout), [
    'far:blocked: tests reach loopback only, not 198',
    'loopback:ok',
    'name:blocked: tests reach loopback only, not reg',
  ]);
});
