/** Pure parts: greeting checks, capability choice, error classes and guards. */
import { describe, expect, it } from 'vitest';
import {
  QmpAbortError,
  QmpCommandError,
  QmpConnectionError,
  QmpNegotiationError,
  QmpProtocolError,
  QmpTimeoutError,
  QmpUsageError,
  QmpValidationError,
  QmpLaunchError,
  checkGreeting,
  chooseCapabilities,
  isQmpAbortError,
  isQmpCommandError,
  isQmpConnectionError,
  isQmpError,
  isQmpLaunchError,
  isQmpNegotiationError,
  isQmpProtocolError,
  isQmpTimeoutError,
  isQmpUsageError,
  isQmpValidationError,
} from '../../runtime/index.js';

const good = { QMP: { version: { qemu: { micro: 2, minor: 0, major: 10 }, package: 'p' }, capabilities: ['oob'] } };

describe('checkGreeting', () => {
  it('accepts a real greeting and unknown members', () => {
    expect(checkGreeting(good)).toBe(good);
    const extended = { QMP: { ...good.QMP, future: 1, version: { ...good.QMP.version, extra: true } }, more: [] };
    expect(checkGreeting(extended)).toBe(extended);
  });
  it.each([
    [null, 'the greeting is null, expected an object'],
    [{}, 'QMP is missing, expected an object'],
    [{ QMP: [] }, 'QMP is an array, expected an object'],
    [{ QMP: { capabilities: [] } }, 'QMP.version is missing'],
    [{ QMP: { version: { package: '' }, capabilities: [] } }, 'QMP.version.qemu is missing'],
    [{ QMP: { version: { qemu: { major: 1, minor: -1, micro: 0 }, package: '' }, capabilities: [] } }, 'QMP.version.qemu.minor is number -1'],
    [{ QMP: { version: { qemu: { major: 1, minor: 0, micro: 0.5 }, package: '' }, capabilities: [] } }, 'QMP.version.qemu.micro is number 0.5'],
    [{ QMP: { version: { qemu: { major: 1, minor: 0, micro: 0 } }, capabilities: [] } }, 'QMP.version.package is missing, expected a string'],
    [{ QMP: { version: { qemu: { major: 1, minor: 0, micro: 0 }, package: '' } } }, 'QMP.capabilities is missing, expected an array'],
    [{ QMP: { version: { qemu: { major: 1, minor: 0, micro: 0 }, package: '' }, capabilities: ['oob', 7] } }, 'QMP.capabilities[1] is number 7'],
  ])('rejects %j naming the member', (greeting, text) => {
    let err: unknown;
    try {
      checkGreeting(greeting);
    } catch (e) {
      err = e;
    }
    expect(isQmpNegotiationError(err)).toBe(true);
    expect((err as Error).message).toContain(text);
  });
});

describe('chooseCapabilities', () => {
  it('enables offered ones in the order asked, without duplicates; none by default', () => {
    expect(chooseCapabilities(['oob'])).toEqual([]);
    expect(chooseCapabilities(['oob', 'b'], { enable: ['b', 'x', 'oob', 'b'] })).toEqual(['b', 'oob']);
    expect(chooseCapabilities(['oob'], { require: ['oob'], enable: ['oob'] })).toEqual(['oob']);
  });
  it('a required capability not offered: QmpNegotiationError naming each', () => {
    expect(() => chooseCapabilities(['oob'], { require: ['a', 'oob', 'b'] })).toThrow(
      "the server does not offer the required capabilities 'a', 'b' (it offers: 'oob')",
    );
    expect(() => chooseCapabilities([], { require: ['oob'] })).toThrow("required capability 'oob' (it offers: none)");
  });
});

describe('errors and guards', () => {
  const cases = [
    [new QmpCommandError({ errorClass: 'GenericError', desc: 'd', command: 'c', id: 1 }), isQmpCommandError, 'QmpCommandError', 'command'],
    [new QmpConnectionError('lost', 'm', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }), isQmpConnectionError, 'QmpConnectionError', 'connection'],
    [new QmpProtocolError('garbage', 'm', { excerpt: 'x' }), isQmpProtocolError, 'QmpProtocolError', 'protocol'],
    [new QmpNegotiationError('m'), isQmpNegotiationError, 'QmpNegotiationError', 'negotiation'],
    [new QmpTimeoutError('op', 5), isQmpTimeoutError, 'QmpTimeoutError', 'timeout'],
    [new QmpValidationError('arguments', 'c', [{ path: '/arguments/a', message: 'bad' }]), isQmpValidationError, 'QmpValidationError', 'validation'],
    [new QmpAbortError('op', 'why'), isQmpAbortError, 'AbortError', 'abort'],
    [new QmpUsageError('m'), isQmpUsageError, 'QmpUsageError', 'usage'],
    [new QmpLaunchError('m', { stderr: 'e' }), isQmpLaunchError, 'QmpLaunchError', 'launch'],
  ] as const;
  it.each(cases)('%s: name, code, guard; Error subclass', (err, guard, name, code) => {
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.code).toBe(code);
    expect(guard(err)).toBe(true);
    expect(isQmpError(err)).toBe(true);
    // Guards look at name and code only: a copy from another package instance passes.
    expect(guard({ name, code, message: 'from another copy' })).toBe(true);
    // …and no other guard accepts it.
    for (const [, other] of cases) if (other !== guard) expect(other(err)).toBe(false);
  });
  it('details', () => {
    const c = new QmpCommandError({ errorClass: 'CommandNotFound', desc: 'The command x has not been found', command: 'x', id: 3 });
    expect(c.message).toBe('x: CommandNotFound: The command x has not been found');
    expect(new QmpConnectionError('lost', 'm', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }).syscallCode).toBe('ECONNRESET');
    const v = new QmpValidationError('return', 'query-status', [
      { path: '/return/status', message: 'is required' },
      { path: '/return/running', message: 'must be boolean' },
    ]);
    expect(v).toMatchObject({ side: 'return', subject: 'query-status', path: '/return/status', rule: 'is required' });
    expect(v.message).toBe('query-status: invalid return at /return/status: is required (+1 more)');
    expect(new QmpAbortError('op', 'why').cause).toBe('why');
    expect(isQmpError(new Error('plain'))).toBe(false);
    expect(isQmpError(null)).toBe(false);
  });
});
