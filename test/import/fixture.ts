/**
 * A small hand-written introspection covering every construct: empty arguments, enums with member
 * features, arrays, recursion through an object, a flat union (with an empty variant and a value
 * without variant), an alternate, boxed union arguments, `any` and list returns, events with and
 * without data, features, allow-oob, and wire names that are not identifiers.
 */
import { builtins } from './helpers.js';

export function constructsFixture(): unknown[] {
  return [
    ...builtins,
    { name: 'cmd-a', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '1' },
    { name: '0', 'meta-type': 'object', members: [] },
    {
      name: '1',
      'meta-type': 'object',
      members: [
        { name: 'status', type: '2' },
        { name: '__proto__', type: 'str', default: null },
        { name: '0lead', type: 'int' },
        { name: 'class', type: '[3]', default: null },
        { name: '_', type: 'any' },
        { name: '-', type: 'bool', default: null },
      ],
    },
    { name: '2', 'meta-type': 'enum', values: ['running', 'paused'], members: [{ name: 'running' }, { name: 'paused', features: ['deprecated'] }] },
    { name: '3', 'meta-type': 'object', members: [{ name: 'name', type: 'str' }, { name: 'children', type: '[3]', default: null }] },
    { name: '[3]', 'meta-type': 'array', 'element-type': '3' },
    { name: 'union-cmd', 'meta-type': 'command', 'arg-type': '4', 'ret-type': 'any' },
    {
      name: '4',
      'meta-type': 'object',
      members: [{ name: 'kind', type: '5' }, { name: 'id', type: 'str' }],
      tag: 'kind',
      variants: [{ case: 'a', type: '6' }, { case: 'b', type: '0' }],
    },
    { name: '5', 'meta-type': 'enum', values: ['a', 'b', 'c'] },
    { name: '6', 'meta-type': 'object', members: [{ name: 'x', type: '7', default: null }] },
    { name: '7', 'meta-type': 'alternate', members: [{ type: 'int' }, { type: 'str' }, { type: 'null' }, { type: '3' }] },
    { name: 'list-cmd', 'meta-type': 'command', 'arg-type': '8', 'ret-type': '[int]' },
    { name: '[int]', 'meta-type': 'array', 'element-type': 'int' },
    {
      name: '8',
      'meta-type': 'object',
      members: [{ name: '__proto__', type: 'str' }, { name: 'constructor', type: 'number', default: null, features: ['unstable', 'deprecated'] }],
    },
    { name: 'oob-cmd', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '0', 'allow-oob': true, features: ['unstable'] },
    { name: 'EV_NO_DATA', 'meta-type': 'event', 'arg-type': '0' },
    { name: 'EV', 'meta-type': 'event', 'arg-type': '9', features: ['deprecated'] },
    { name: '9', 'meta-type': 'object', members: [{ name: 'info', type: '1' }] },
  ];
}
