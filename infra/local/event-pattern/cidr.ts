import { describeValue, failAt } from './errors.ts';
import { expectString } from './operands.ts';
import type { LeafTest } from './types.ts';

/** An IP address as its bytes: 4 for IPv4, 16 for IPv6. */
type IpBytes = readonly number[];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// EventBridge (event-ruler) takes a string for an IPv6 address only when it is hex digits and
// colons: no embedded IPv4 tail ("::ffff:1.2.3.4") and no zone ("fe80::1%eth0").
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const IPV6_GROUPS = 8;

/**
 * `{ "cidr": "10.0.0.0/24" }` or an IPv6 block such as `"2001:db8::/64"`: matches event strings
 * that are addresses of the same family inside the block.
 *
 * @example compileCidr('10.0.0.0/24', 'detail.sourceIPAddress[0].cidr')('10.0.0.7') // true
 */
function compileCidr(operand: unknown, path: string): LeafTest {
  const block = expectString(operand, path, 'cidr');
  const parts = block.split('/');
  if (parts.length !== 2) {
    failAt(
      path,
      `malformed CIDR ${describeValue(block)}: write address/prefix-length, e.g. "10.0.0.0/24"`,
    );
  }
  const [address = '', lengthText = ''] = parts;
  const low = parseIp(address);
  if (low === undefined) failAt(path, `${describeValue(address)} is not an IPv4 or IPv6 address`);
  const prefixLength = readPrefixLength(lengthText, low, path);
  // The block runs from the address as written, not from its network address: EventBridge
  // does not clear host bits, so "10.0.0.5/24" covers 10.0.0.5 to 10.0.0.255 only.
  const high = low.map((byte, index) => byte | hostBits(index, prefixLength));
  return (value) => {
    const ip = typeof value === 'string' ? parseIp(value) : undefined;
    return (
      ip !== undefined &&
      ip.length === low.length &&
      compareIps(ip, low) >= 0 &&
      compareIps(ip, high) <= 0
    );
  };
}

function readPrefixLength(text: string, address: IpBytes, path: string): number {
  if (!/^\d+$/.test(text)) {
    failAt(path, `the prefix length ${describeValue(text)} must be a whole number`);
  }
  const prefixLength = Number(text);
  // event-ruler refuses /32 for IPv4 and /128 for IPv6; a single address is matched with its
  // plain string instead (see ipEqualsTest).
  const longest = address.length * 8 - 1;
  if (prefixLength > longest) {
    const family = address.length === 4 ? 'IPv4' : 'IPv6';
    failAt(
      path,
      `the prefix length /${prefixLength} is out of range: ${family} takes /0 to /${longest} (match a single address with its plain string)`,
    );
  }
  return prefixLength;
}

// The bits of byte `index` that lie beyond the prefix, all set.
function hostBits(index: number, prefixLength: number): number {
  const networkBits = Math.min(8, Math.max(0, prefixLength - index * 8));
  return 0xff >> networkBits;
}

/**
 * Matches event strings that are the same IP address as `address`, however written: EventBridge
 * compares a pattern value that is an IP address as an address, so "2001:db8::1" matches
 * "2001:DB8:0:0:0:0:0:1".
 *
 * @example ipEqualsTest('2001:db8::1')?.('2001:DB8::1') // true
 */
function ipEqualsTest(address: string): LeafTest | undefined {
  const bytes = parseIp(address);
  if (bytes === undefined) return undefined;
  return (value) => {
    const ip = typeof value === 'string' ? parseIp(value) : undefined;
    return ip !== undefined && ip.length === bytes.length && compareIps(ip, bytes) === 0;
  };
}

/**
 * The bytes of an IPv4 or IPv6 address, or `undefined` when the text is not one.
 *
 * @example parseIp('10.0.0.1') // [10, 0, 0, 1]
 */
function parseIp(text: string): IpBytes | undefined {
  return parseIpv4(text) ?? parseIpv6(text);
}

function parseIpv4(text: string): IpBytes | undefined {
  const match = IPV4.exec(text);
  if (match === null) return undefined;
  const bytes = match.slice(1).map(Number);
  return bytes.every((byte) => byte <= 0xff) ? bytes : undefined;
}

function parseIpv6(text: string): IpBytes | undefined {
  if (!IPV6.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const [head, tail] = [hexGroups(halves[0] ?? ''), hexGroups(halves[1] ?? '')];
  if (head === undefined || tail === undefined) return undefined;
  const elided = IPV6_GROUPS - head.length - tail.length;
  // "::" stands for one or more zero groups; without it all eight groups must be written.
  if (halves.length === 2 ? elided < 1 : elided !== 0) return undefined;
  const groups = [...head, ...new Array<number>(elided).fill(0), ...tail];
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

function hexGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  if (groups.some((group) => group.length === 0 || group.length > 4)) return undefined;
  return groups.map((group) => Number.parseInt(group, 16));
}

function compareIps(a: IpBytes, b: IpBytes): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export { compileCidr, ipEqualsTest, parseIp };
