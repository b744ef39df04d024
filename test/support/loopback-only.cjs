// Loaded into test processes (node --require): refuses any TCP connection to an address that is not
// this machine's loopback, so no test and no tool it runs can reach out, even by accident.
const net = require('node:net');

const loopback = (host) =>
  host === undefined ||
  host === 'localhost' ||
  host === '::1' ||
  host === '[::1]' ||
  /^127\./.test(String(host));

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.createConnection passes its normalised [options, callback] as one array argument.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options =
    first !== null && typeof first === 'object'
      ? first
      : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (!options.path && !loopback(options.host)) {
    const error = Object.assign(new Error(`blocked: tests reach loopback only, not ${options.host}`), {
      code: 'ECONNREFUSED',
    });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};
