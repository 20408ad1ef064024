/**
 * QAPI `'if'` conditions of the guest agent's schema (`qga/qapi-schema.json`), evaluated for the build this
 * project imports: the agent compiled for a Linux host by Debian (bookworm 7.2, bookworm-backports 10.0).
 * A condition is a symbol, `{'all': [...]}`, `{'any': [...]}` or `{'not': cond}` (QAPI `docs/devel/qapi-code-gen.rst`,
 * "Configuring the schema"). Every symbol must be known: an unknown one is an error naming it (the importer
 * cannot guess whether a Linux build defines it).
 */
import type { QapiValue } from '../qapi/types.js';

/**
 * The symbols a Linux build of qemu-ga defines (true) or not (false). True ones were checked against the
 * live agents' `guest-info` (test/import/qga-live.test.ts): a command whose condition holds is supported.
 * `CONFIG_LIBUDEV`: Debian's qemu-ga links libudev; `CONFIG_FSFREEZE`/`CONFIG_FSTRIM`: Linux has FIFREEZE/FITRIM;
 * `HAVE_GETIFADDRS`, `HAVE_UTMPX`, `CONFIG_GETLOADAVG`: glibc has them.
 */
export const linuxBuildSymbols: ReadonlyMap<string, boolean> = new Map([
  ['CONFIG_POSIX', true],
  ['CONFIG_LINUX', true],
  ['CONFIG_FSFREEZE', true],
  ['CONFIG_FSTRIM', true],
  ['CONFIG_LIBUDEV', true],
  ['HAVE_GETIFADDRS', true],
  ['HAVE_UTMPX', true],
  ['CONFIG_GETLOADAVG', true],
  ['CONFIG_WIN32', false],
  ['CONFIG_BSD', false],
  ['CONFIG_FREEBSD', false],
  ['CONFIG_DARWIN', false],
]);

/** Evaluates a condition; throws an `Error` whose message names what is wrong (the caller adds the place). */
export function evaluateCondition(cond: QapiValue, symbols: ReadonlyMap<string, boolean> = linuxBuildSymbols): boolean {
  if (typeof cond === 'string') {
    const v = symbols.get(cond);
    if (v === undefined) throw new Error(`unknown condition symbol ${JSON.stringify(cond)} (the importer knows ${[...symbols.keys()].join(', ')})`);
    return v;
  }
  if (cond !== null && typeof cond === 'object' && !Array.isArray(cond)) {
    const keys = Object.keys(cond);
    if (keys.length === 1) {
      const [k] = keys as [string];
      const arg = cond[k]!;
      if ((k === 'all' || k === 'any') && Array.isArray(arg) && arg.length > 0) {
        const vs = arg.map((c) => evaluateCondition(c, symbols));
        return k === 'all' ? vs.every(Boolean) : vs.some(Boolean);
      }
      if (k === 'not') return !evaluateCondition(arg, symbols);
    }
  }
  throw new Error(`malformed condition ${JSON.stringify(cond)} (a symbol, {'all': [...]}, {'any': [...]} or {'not': ...})`);
}
