// Where boxes can reach the local CSMS: each address with the network it belongs to (interface name and
// subnet, so the user can tell the site's LAN from a VPN) and a QR code of the URL a box's app should use.
import { networkInterfaces } from 'node:os';
import { create } from 'qrcode';

export interface LanAddress {
  /** The URL to enter into the box, as CsmsStatus.urls shows it. */
  url: string;
  address: string;
  /** The network interface's name (eth0, Wi-Fi, ...); null when the address is not on one (a host name). */
  interfaceName: string | null;
  /** The network as CIDR (192.168.1.0/24); null when unknown. */
  subnet: string | null;
  /** Loopback: reachable from this laptop only, never from a box. */
  internal: boolean;
  /** The URL as a QR code, an SVG document (black modules on white, a quiet zone of four). */
  qrSvg: string;
}

export function ipv4Network(address: string, prefix: number): string {
  const value = address.split('.').reduce((n, p) => n * 256 + Number(p), 0);
  // Plain arithmetic, not bitwise operators (32-bit signed in JS), keeps the top octet right.
  const block = 2 ** (32 - prefix);
  const network = Math.floor(value / block) * block;
  return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.')}/${prefix}`;
}

/** An SVG of text as a QR code: one path of unit squares, scaled by the viewer. */
export function qrSvg(text: string): string {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const size = modules.size + quiet * 2;
  let path = '';
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++)
      if (modules.data[row * modules.size + col]) path += `M${col + quiet} ${row + quiet}h1v1h-1z`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`
  );
}

/** The LAN addresses behind the CSMS's URLs, the ones a box can use first (loopback last). */
export function lanAddresses(urls: readonly string[]): LanAddress[] {
  const known = Object.entries(networkInterfaces()).flatMap(([name, list]) =>
    (list ?? []).filter((a) => a.family === 'IPv4').map((a) => ({ name, info: a })),
  );
  return urls
    .map((url) => {
      const address = new URL(url).hostname.replace(/^\[|\]$/g, '');
      const found = known.find((k) => k.info.address === address);
      const prefix = found?.info.cidr ? Number(found.info.cidr.split('/')[1]) : Number.NaN;
      return {
        url,
        address,
        interfaceName: found?.name ?? null,
        subnet: found && Number.isInteger(prefix) ? ipv4Network(address, prefix) : null,
        internal: found?.info.internal ?? address.startsWith('127.'),
        qrSvg: qrSvg(url),
      };
    })
    .sort((a, b) => Number(a.internal) - Number(b.internal));
}
