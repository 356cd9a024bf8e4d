import net from 'node:net';

/**
 * Which addresses are not the public internet: loopback, private (RFC 1918), link-local,
 * CGNAT, unique-local, multicast, reserved — and IPv6 spellings that reach one of those
 * IPv4 addresses. Shared by the sandbox's egress proxy (src/sandbox/egress-proxy.ts) and
 * every request we send to an organization's URL (src/outbound/url-policy.ts).
 */

/** The class of an address that is not public ("loopback", "private", …), or undefined if it is public. */
export function restrictedAddressKind(address: string): string | undefined {
  const bare = address.replace(/%.*$/, '');
  if (net.isIPv4(bare)) return ipv4Kind(bare.split('.').map(Number));
  const h = parseIPv6(bare);
  if (!h) return 'unparseable';
  const [h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0] = h;
  const embedded = [h6 >> 8, h6 & 0xff, h7 >> 8, h7 & 0xff];
  if (h.every((part) => part === 0)) return 'unspecified';
  if (h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0 && h6 === 0 && h7 === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible) and ::ffff:0:a.b.c.d (translated) reach the IPv4 address itself.
  if (h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0 && (h5 === 0xffff || h5 === 0)) return ipv4Kind(embedded);
  if (h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0xffff && h5 === 0) return ipv4Kind(embedded);
  // 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) are translated to an embedded IPv4 address;
  // 64:ff9b:1::/48 (local-use NAT64) to one of the operator's choosing: never public.
  if (h0 === 0x64 && h1 === 0xff9b && h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0) return ipv4Kind(embedded);
  if (h0 === 0x64 && h1 === 0xff9b && h2 === 1) return 'local-use NAT64';
  if (h0 === 0x2002) return ipv4Kind([h1 >> 8, h1 & 0xff, h2 >> 8, h2 & 0xff]);
  if ((h0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((h0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((h0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((h0 & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

function ipv4Kind(octets: number[]): string | undefined {
  const [a = 0, b = 0] = octets;
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && (b & 0xf0) === 16) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && (b & 0xc0) === 64) return 'shared (CGNAT)';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 192 && b === 0 && octets[2] === 0) return 'IETF protocol assignments';
  if (a === 198 && (b & 0xfe) === 18) return 'benchmarking';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  return undefined;
}

/** Eight 16-bit groups of a valid IPv6 address (as net.isIPv6 accepts, without zone). */
function parseIPv6(address: string): number[] | undefined {
  if (!net.isIPv6(address)) return undefined;
  let text = address;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // A trailing dotted IPv4 part stands for the last two groups.
    const [a = 0, b = 0, c = 0, d = 0] = text.slice(lastColon + 1).split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const halves = text.split('::');
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  const groups = halves.length === 2 ? [...head, ...new Array<number>(Math.max(0, 8 - head.length - rest.length)).fill(0), ...rest] : head;
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : undefined;
}
