/** Output of `qmp` (cli/format.ts, cli/colors.ts): pretty and --json forms; colours only on a colour terminal. */
import { describe, expect, it } from 'vitest';
import { painter } from '../../cli/colors.js';
import { formatEvent, formatResult } from '../../cli/format.js';

const plain = painter({ isTTY: false } as NodeJS.WriteStream);

describe('qmp output', () => {
  it('pretty results are indented JSON; --json is one line', () => {
    const v = { status: 'running', running: true, list: [1, 'a', null], empty: {} };
    expect(formatResult(v, false, plain)).toBe('{\n  "status": "running",\n  "running": true,\n  "list": [\n    1,\n    "a",\n    null\n  ],\n  "empty": {}\n}');
    expect(formatResult(v, true, plain)).toBe(JSON.stringify(v));
    expect(formatResult(undefined, true, plain)).toBe('{}');
  });

  it('events: time, name and data; --json gives the message', () => {
    const ev = { event: 'STOP', timestamp: { seconds: 0, microseconds: 5000 } };
    expect(formatEvent(ev, false, plain)).toBe('00:00:00.005 STOP');
    expect(formatEvent({ ...ev, data: { a: 1 } }, false, plain)).toBe('00:00:00.005 STOP {"a":1}');
    expect(formatEvent({ ...ev, timestamp: { seconds: -1, microseconds: -1 } }, false, plain)).toBe('--:--:--.--- STOP');
    expect(JSON.parse(formatEvent({ ...ev, data: { a: 1 } }, true, plain))).toEqual({ event: 'STOP', data: { a: 1 }, timestamp: ev.timestamp });
  });

  it('colours only when the stream is a terminal that takes them (hasColors honours NO_COLOR)', () => {
    const colour = painter({ isTTY: true, hasColors: () => true } as unknown as NodeJS.WriteStream);
    const noColour = painter({ isTTY: true, hasColors: () => false } as unknown as NodeJS.WriteStream);
    expect(colour('red', 'x')).toBe('\x1b[31mx\x1b[39m');
    expect(noColour('red', 'x')).toBe('x');
    expect(plain('red', 'x')).toBe('x');
  });
});

describe('integers beyond 2^53 (lossless)', () => {
  it('are printed digit for digit, in JSON and in the human format', () => {
    const value = { size: 2n ** 64n - 1n, list: [-(2n ** 63n), 1] };
    expect(formatResult(value, true, plain)).toBe('{"size":18446744073709551615,"list":[-9223372036854775808,1]}');
    expect(formatResult(value, false, plain)).toBe('{\n  "size": 18446744073709551615,\n  "list": [\n    -9223372036854775808,\n    1\n  ]\n}');
    const ev = { event: 'X', data: { n: 9007199254740993n }, timestamp: { seconds: 1, microseconds: 0 } };
    expect(formatEvent(ev, true, plain)).toBe('{"event":"X","data":{"n":9007199254740993},"timestamp":{"seconds":1,"microseconds":0}}');
    expect(formatEvent(ev, false, plain)).toContain('X {"n":9007199254740993}');
  });
});
