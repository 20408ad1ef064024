/** Unit tables for the server's input splitter, envelope checks and QEMU-worded argument errors. */
import { describe, expect, it } from 'vitest';
import { describeArgumentIssue, parameterName, pickArgumentIssue } from '../../testing/argument-errors.js';
import { JsonInputSplitter } from '../../testing/json-input.js';
import { checkRequest } from '../../testing/request.js';

function split(chunks: (string | number[])[]): unknown[] {
  const s = new JsonInputSplitter(1024);
  const out: ReturnType<JsonInputSplitter['push']> = [];
  for (const c of chunks) out.push(...s.push(Buffer.from(typeof c === 'string' ? Buffer.from(c) : Uint8Array.from(c))));
  return out.map((i) => (i.ok ? i.value : `ERR ${i.desc}`));
}

describe('JsonInputSplitter (QEMU-like)', () => {
  it.each([
    [['{"a":1}{"b":2}'], [{ a: 1 }, { b: 2 }]],
    [['{"a":', '"x}"}'], [{ a: 'x}' }]],
    [['{"a":"\\"}"}'], [{ a: '"}' }]],
    [['  \r\n{"a":[1,{"b":2}]}\n'], [{ a: [1, { b: 2 }] }]],
    [['"str" 123 ', '[1]'], ['str', 123, [1]]],
    [['true\n'], [true]],
    [[']{"a":1}'], ['ERR JSON parse error, expecting value', { a: 1 }]],
    [['{bad}'], ["ERR JSON parse error, invalid keyword 'bad'"]],
    [[[0xff, 0x7b, 0x7d]], ["ERR JSON parse error, stray '\uFFFD'", {}]],
    [[[0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3], [0xa9, 0x22, 0x7d]], [{ a: 'é' }]],
    [[[0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]], ["ERR JSON parse error, stray '\uFFFD'"]],
  ] as [(string | number[])[], unknown[]][])('%j', (chunks, expected) => {
    expect(split(chunks)).toEqual(expected);
  });

  it('refuses a text over its limit and goes on with the next one', () => {
    expect(split([`{"a":"${'x'.repeat(2000)}"}{"b":1}`])).toEqual(['ERR JSON parse error, token too large', { b: 1 }]);
    expect(split([`{"a":"${'x'.repeat(600)}`, `${'x'.repeat(600)}"}`, '{"b":1}'])).toEqual(['ERR JSON parse error, token too large', { b: 1 }]);
  });

  it('splits identically whatever the chunking', () => {
    const text = '{"execute": "a", "id": "é\\"}"} {"execute":"b","arguments":{"x":[1,2,{"y":"]"}]}}';
    const whole = split([text]);
    const bytes = [...Buffer.from(text)].map((b) => [b]);
    expect(split(bytes)).toEqual(whole);
    expect(whole).toHaveLength(2);
  });
});

describe('checkRequest', () => {
  it('accepts a command and keeps the id of any type', () => {
    expect(checkRequest({ execute: 'x', arguments: { a: 1 }, id: [1] }, false)).toEqual({
      ok: true,
      name: 'x',
      arguments: { a: 1 },
      hasId: true,
      id: [1],
      oob: false,
    });
    expect(checkRequest({ 'exec-oob': 'y' }, true)).toMatchObject({ ok: true, name: 'y', oob: true, hasId: false });
  });
});

describe('QEMU wording of argument errors', () => {
  it.each([
    ['/arguments/file/filename', 'is required', {}, "Parameter 'file.filename' is missing"],
    ['/arguments/extra', 'is not a known member', {}, "Parameter 'extra' is unexpected"],
    ['/arguments/up', 'must be boolean', {}, "Invalid parameter type for 'up', expected: boolean"],
    ['/arguments/driver', 'has an unknown value "nope" (union tag)', { driver: 'nope' }, "Parameter 'driver' does not accept value 'nope'"],
    ['/arguments/mode', 'must be one of "a", "b"', { mode: 'c' }, "Parameter 'mode' does not accept value 'c'"],
    ['/arguments/n', "breaks rule 'maximum' (limit 255)", { n: 300 }, "Parameter 'n' breaks rule 'maximum' (limit 255)"],
    ['', "must have required property 'id'", {}, "Parameter 'id' is missing"],
  ])('%s %s', (path, message, args, expected) => {
    expect(describeArgumentIssue({ path, message }, args)).toBe(expected);
  });

  it('names list items like QEMU and picks the deepest issue', () => {
    expect(parameterName('/arguments/devices/2/id')).toBe('devices[2].id');
    expect(
      pickArgumentIssue([
        { path: '/arguments/file', message: 'must be string' },
        { path: '/arguments/file/filename', message: 'is required' },
        { path: '/arguments/file', message: "matches none of the allowed forms ('anyOf')" },
      ]),
    ).toEqual({ path: '/arguments/file/filename', message: 'is required' });
  });
});
