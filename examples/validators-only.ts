/**
 * qmp-sdk, third use: validators only — no socket code is loaded. A tiny QMP log checker: every
 * message of a captured conversation is checked against the QEMU 10.0 schema (commands exactly,
 * what QEMU sent compatibly), and each problem is printed with its JSON path.
 *
 *   npx tsx examples/validators-only.ts
 */
// In this repository, tsconfig.json "paths" maps 'qmp-sdk/validators' to the generated source.
import { validateMessage, validateReturn } from 'qmp-sdk/validators';

/** A captured conversation: one JSON message per line, `->` from the client, `<-` from QEMU. */
const log = `
-> {"execute": "qmp_capabilities", "id": 1}
<- {"return": {}, "id": 1}
-> {"execute": "blockdev-add", "arguments": {"driver": "qcow2", "node-name": "disk0", "file": {"driver": "file", "filename": "/var/lib/vm.qcow2"}}, "id": 2}
<- {"return": {}, "id": 2}
-> {"execute": "blockdev-add", "arguments": {"driver": "qcow2", "node-name": 7}, "id": 3}
-> {"execute": "device_del", "arguments": {"id": "disk0", "force": true}, "id": 4}
-> {"execute": "query-status", "id": 5}
<- {"return": {"status": "running", "running": true, "new-in-qemu-11": 1}, "id": 5}
<- {"event": "STOP", "timestamp": {"seconds": 1795711336, "microseconds": 48770}}
<- {"event": "BLOCK_IO_ERROR", "data": {"device": "", "operation": "write"}, "timestamp": {"seconds": 1795711337, "microseconds": 1}}
`;

const commands = new Map<unknown, string>();
for (const line of log.trim().split('\n')) {
  const direction = line.slice(0, 2);
  const message = JSON.parse(line.slice(3)) as Record<string, unknown>;
  let result = validateMessage(message);
  if (direction === '->' && typeof message['execute'] === 'string') commands.set(message['id'], message['execute']);
  // A reply's shape depends on its command: look it up by id.
  const command = commands.get(message['id']);
  if (result.ok && direction === '<-' && 'return' in message && command !== undefined) result = validateReturn(command, message['return']);
  const what = (message['execute'] ?? message['event'] ?? (command ? `reply to ${command}` : 'reply')) as string;
  if (result.ok) console.log(`ok       ${direction} ${what}`);
  else for (const e of result.errors) console.log(`INVALID  ${direction} ${what}: ${e.path} ${e.message}`);
}
