import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import net from 'node:net';
import { restrictedAddressKind } from '../net/address-classes';

/**
 * Where we may send an organization's events (ERP status callbacks, notification webhooks,
 * Slack): an organization names the URL, so without rules it could make our workers POST
 * to our own network (cloud metadata, the database, an admin port). The rules: https only,
 * no credentials in the URL, and no address that is not public — checked when the URL is
 * set (literal addresses, `localhost`) and again on every connection (what the name
 * resolves to then: a name that resolves elsewhere later is refused at that connection).
 *
 * `allowPrivate` (OUTBOUND_ALLOW_PRIVATE) lifts the address rule and lets http through: for
 * local testing and for receivers inside your own network.
 */
export interface OutboundPolicy {
  allowPrivate: boolean;
}

export const STRICT_OUTBOUND: OutboundPolicy = { allowPrivate: false };

/** Thrown (as a connection error) when a host resolves to an address the policy refuses. */
export class RefusedAddressError extends Error {
  readonly code = 'OUTBOUND_ADDRESS_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'RefusedAddressError';
  }
}

/** Why `url` may not receive our events under `policy`, without resolving it; null when it may. */
export function outboundUrlProblem(url: string, policy: OutboundPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  const schemeAllowed = parsed.protocol === 'https:' || (policy.allowPrivate && parsed.protocol === 'http:');
  if (!schemeAllowed) return policy.allowPrivate ? 'must be an http or https URL' : 'must be an https URL (http only with OUTBOUND_ALLOW_PRIVATE, for local testing)';
  if (parsed.username || parsed.password) return 'must not carry credentials (user:password@…)';
  if (policy.allowPrivate) return null;
  // The URL parser has already turned 2130706433, 0x7f.1 and friends into dotted form.
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0) {
    const kind = restrictedAddressKind(host);
    return kind ? `${host} is a ${kind} address, not a public one (refused)` : null;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine (refused)`;
  return null;
}

/** The address of a connection's host as the policy sees it: a refusal message, or null. */
function addressRefusal(hostname: string, address: string): string | null {
  const kind = restrictedAddressKind(address);
  return kind ? `${hostname} resolves to ${address}, a ${kind} address, not a public one (refused)` : null;
}

/**
 * A `lookup` for http(s).request that refuses names resolving to a non-public address, so the
 * address checked is the one connected to (no second resolution in between). undefined under
 * `allowPrivate`: the system's own lookup.
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction | undefined {
  if (policy.allowPrivate) return undefined;
  const lookup = (hostname: string, options: dns.LookupOptions, callback: (error: Error | null, address: string | dns.LookupAddress[], family?: number) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const refusal = addressRefusal(hostname, address);
        if (refusal) return callback(new RefusedAddressError(refusal), []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      return callback(null, first.address, first.family);
    });
  };
  return lookup as unknown as LookupFunction;
}

/** The connection-time check for a literal address (no lookup happens for one). */
export function literalAddressRefusal(url: URL, policy: OutboundPolicy): string | null {
  if (policy.allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return net.isIP(host) !== 0 ? addressRefusal(host, host) : null;
}
