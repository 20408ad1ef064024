/**
 * Capabilities negotiation, as the QMP spec describes it: the server greets first; the client
 * checks the greeting, picks the capabilities to enable among those offered, and sends
 * `qmp_capabilities` (with `arguments.enable` only when it enables something). Only then may
 * other commands be sent. This module holds the pure parts; the client drives the exchange.
 */
import { isRecord } from '../guards.js';
import { QmpNegotiationError } from '../errors.js';
import { preview } from '../preview.js';

/** The server's greeting, as received (unknown members are kept). */
export interface QmpGreeting {
  QMP: {
    version: {
      qemu: { major: number; minor: number; micro: number };
      package: string;
    };
    capabilities: string[];
  };
}

/** Which capabilities to ask for. */
export interface CapabilityOptions {
  /** Enabled when the server offers them; silently skipped otherwise. */
  enable?: readonly string[];
  /** Enabled; the connection fails with {@link QmpNegotiationError} naming any the server does not offer. */
  require?: readonly string[];
}

/**
 * Most messages skipped before the greeting: 1000. Real QEMU 10.0 sends events and late replies
 * meant for an earlier client of the same monitor before the greeting (a handful; the monitor reads
 * at most 8 commands ahead); a peer that sends more is not a QMP server. The connect timeout bounds
 * the time; this bounds the count.
 */
export const MAX_MESSAGES_BEFORE_GREETING = 1000;

/**
 * True for a message that claims to be the greeting (it has a `QMP` member): it is checked with
 * {@link checkGreeting}. Any other object before the greeting (an event, a stale reply) is skipped.
 */
export function claimsToBeGreeting(message: Record<string, unknown>): boolean {
  return Object.hasOwn(message, 'QMP');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${preview(v, 100)}`;
}


/**
 * Checks a greeting structurally and returns it typed; throws a {@link QmpNegotiationError} naming
 * the first wrong member (`QMP.version.qemu.major is string "10", expected an integer`).
 * Unknown members are accepted (newer servers may add them).
 */
export function checkGreeting(message: unknown): QmpGreeting {
  const bad = (path: string, value: unknown, want: string): never => {
    throw new QmpNegotiationError(`invalid QMP greeting: ${path} is ${value === undefined ? 'missing' : describe(value)}, expected ${want}`);
  };
  if (!isRecord(message)) return bad('the greeting', message, 'an object');
  const qmp = message['QMP'];
  if (!isRecord(qmp)) return bad('QMP', qmp, 'an object');
  const version = qmp['version'];
  if (!isRecord(version)) return bad('QMP.version', version, 'an object');
  const qemu = version['qemu'];
  if (!isRecord(qemu)) return bad('QMP.version.qemu', qemu, 'an object');
  for (const k of ['major', 'minor', 'micro'] as const) {
    const v = qemu[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(`QMP.version.qemu.${k}`, v, 'a non-negative integer');
  }
  if (typeof version['package'] !== 'string') bad('QMP.version.package', version['package'], 'a string');
  const caps = qmp['capabilities'];
  if (!Array.isArray(caps)) return bad('QMP.capabilities', caps, 'an array');
  caps.forEach((c, i) => {
    if (typeof c !== 'string') bad(`QMP.capabilities[${i}]`, c, 'a string');
  });
  return message as unknown as QmpGreeting;
}

/**
 * The capabilities to enable: every required one (each must be offered, else a
 * {@link QmpNegotiationError} naming them) plus the offered ones among `enable`; no duplicates,
 * in the order asked.
 */
export function chooseCapabilities(offered: readonly string[], options: CapabilityOptions = {}): string[] {
  const missing = (options.require ?? []).filter((c) => !offered.includes(c));
  if (missing.length > 0) {
    throw new QmpNegotiationError(
      `the server does not offer the required capabilit${missing.length > 1 ? 'ies' : 'y'} ${missing
        .map((c) => `'${c}'`)
        .join(', ')} (it offers: ${offered.length ? offered.map((c) => `'${c}'`).join(', ') : 'none'})`,
    );
  }
  const out: string[] = [];
  for (const c of [...(options.require ?? []), ...(options.enable ?? [])]) {
    if (offered.includes(c) && !out.includes(c)) out.push(c);
  }
  return out;
}

/** The `qmp_capabilities` command for the chosen capabilities (`arguments` only when enabling some). */
export function capabilitiesCommand(enabled: readonly string[], id: unknown): Record<string, unknown> {
  return enabled.length > 0
    ? { execute: 'qmp_capabilities', arguments: { enable: [...enabled] }, id }
    : { execute: 'qmp_capabilities', id };
}
