/**
 * Device models of a live QEMU, for `device_add` (`'gen': false` in `qapi/qdev.json`: its real
 * arguments are the QOM properties of the driver, which introspection does not list).
 *
 * `qom-list-types {implements: "device", abstract: true}` gives every device type with its parent,
 * then `device-list-properties {typename}` each non-abstract one (name, QOM type, description,
 * default), all pipelined on one raw session ({@link RawQmpSession}, integers kept exact). Some models
 * kill QEMU while answering (measured: `virtio-gpu-gl-pci` on 7.2 and 10.0 under `-machine none`):
 * when the connection ends, the first unanswered model is asked again alone on a fresh QEMU; if
 * that QEMU dies too the model is recorded as skipped, otherwise the batch goes on from there. The
 * result does not depend on timing, so the written `devices.json` is reproducible byte for byte.
 *
 * Also probed: how `device_add` reads property values. `{"driver": 5}` is refused before any
 * device is looked up, differently by the two front ends QEMU has had: the QemuOpts/keyval path
 * (every value turned into a string first; QEMU 7.2) says `'5' is not a valid device model name`,
 * the JSON path (the QObject input visitor on the JSON values as sent; QEMU 10.0) says
 * `Parameter 'driver' is missing`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchQemu } from '../../runtime/index.js';
import { ImportError } from './errors.js';
import { orderedMap } from './json.js';
import type { LosslessJson } from './lossless-json.js';
import { RawQmpSession, type RawCommand } from './raw-qmp.js';
import { isRecord } from '../guards.js';

/** How `device_add` reads property values (see the module doc). */
export type DeviceArgumentMode = 'json' | 'keyval';

/** One property of a device model, as `device-list-properties` gives it. */
export interface DeviceProperty {
  readonly type: string;
  readonly description?: string;
  /** `default-value`, exact (a `bigint` beyond 2^53). */
  readonly default?: LosslessJson;
}

/** One QOM type implementing `device`. */
export interface DeviceModel {
  readonly parent: string | null;
  readonly abstract: boolean;
  /** Properties by name (non-abstract models that answered). */
  readonly properties?: ReadonlyMap<string, DeviceProperty>;
  /** Why the properties are missing (a non-abstract model QEMU could not describe). */
  readonly skipped?: string;
}

/** What the device import found. */
export interface DeviceImport {
  readonly mode: DeviceArgumentMode;
  /** Every device type, abstract ones included, by name. */
  readonly models: ReadonlyMap<string, DeviceModel>;
}

/** A running QEMU with the extra raw socket. */
interface Instance {
  session: RawQmpSession;
  close(): Promise<void>;
}

const answerTimeoutMs = 30_000;

/** Starts QEMU (the importer's arguments) with a second QMP socket for the raw session. */
async function start(binary: string, args: readonly string[], env: Record<string, string> | undefined): Promise<Instance> {
  const dir = await mkdtemp(join(tmpdir(), 'qmp-devices-'));
  const path = join(dir, 'bulk.sock');
  let q: Awaited<ReturnType<typeof launchQemu>> | undefined;
  try {
    q = await launchQemu({ binary, args: [...args, '-qmp', `unix:${path.replaceAll(',', ',,')},server=on,wait=off`], env: env ?? {} });
    const session = await RawQmpSession.connect(path, answerTimeoutMs);
    const launched = q;
    return {
      session,
      async close() {
        session.close();
        await launched.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await q?.close();
    await rm(dir, { recursive: true, force: true });
    throw err instanceof ImportError ? err : new ImportError(`cannot start QEMU: ${(err as Error).message}`, binary, { cause: err });
  }
}

function parseProperties(reply: LosslessJson, model: string): Map<string, DeviceProperty> {
  if (!Array.isArray(reply)) throw new ImportError('device-list-properties did not return a list', `device model ${JSON.stringify(model)}`);
  const entries: Array<[string, DeviceProperty]> = [];
  for (const [i, p] of reply.entries()) {
    if (!isRecord<LosslessJson>(p) || typeof p['name'] !== 'string' || typeof p['type'] !== 'string') {
      throw new ImportError(`property #${i} has no string name/type`, `device-list-properties of ${JSON.stringify(model)}`);
    }
    const desc = p['description'];
    const prop: { type: string; description?: string; default?: LosslessJson } = { type: p['type'] };
    if (typeof desc === 'string' && desc !== '') prop.description = desc;
    if ('default-value' in p) prop.default = p['default-value'] as LosslessJson;
    entries.push([p['name'], prop]);
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Map(entries);
}

function probeMode(reply: { ok: boolean; desc?: string } | undefined): DeviceArgumentMode {
  const desc = reply !== undefined && !reply.ok ? (reply.desc ?? '') : '';
  if (/is missing/.test(desc)) return 'json';
  if (/not a valid device model name/.test(desc)) return 'keyval';
  throw new ImportError(`cannot tell how device_add reads values: {"driver": 5} answered ${JSON.stringify(reply)}`, 'device_add probe');
}

/**
 * Reads every device model of `binary` (started with `args`, e.g. the importer's `-machine none …`).
 * `first` is an already started instance to begin with (closed here); restarts QEMU when it dies.
 */
export async function fetchDevices(binary: string, args: readonly string[], env: Record<string, string> | undefined): Promise<DeviceImport> {
  let inst: Instance | undefined = await start(binary, args, env);
  try {
    const head = await inst.session.batch(
      [{ execute: 'qom-list-types', arguments: { implements: 'device', abstract: true } }, { execute: 'device_add', arguments: { driver: 5 } }],
      answerTimeoutMs,
    );
    const list = head.replies[0];
    if (head.ended || list === undefined || !list.ok || !Array.isArray(list.value)) {
      throw new ImportError('qom-list-types did not answer with a list', binary);
    }
    const mode = probeMode(head.replies[1]);
    const kinds = new Map<string, { parent: string | null; abstract: boolean }>();
    for (const t of list.value) {
      if (!isRecord<LosslessJson>(t) || typeof t['name'] !== 'string') throw new ImportError('qom-list-types entry without a name', binary);
      kinds.set(t['name'], { parent: typeof t['parent'] === 'string' ? t['parent'] : null, abstract: t['abstract'] === true });
    }
    const concrete = [...kinds].filter(([, k]) => !k.abstract).map(([n]) => n).sort();
    const props = new Map<string, Map<string, DeviceProperty>>();
    const skipped = new Map<string, string>();
    const ask = (name: string): RawCommand => ({ execute: 'device-list-properties', arguments: { typename: name } });
    let at = 0;
    while (at < concrete.length) {
      if (inst === undefined) inst = await start(binary, args, env);
      const batch = await inst.session.batch(concrete.slice(at).map(ask), answerTimeoutMs);
      for (const r of batch.replies) {
        const name = concrete[at++] as string;
        if (r.ok) props.set(name, parseProperties(r.value, name));
        else skipped.set(name, `device-list-properties failed: ${r.class}: ${r.desc}`);
      }
      if (!batch.ended) break;
      await inst.close();
      inst = undefined;
      // The first unanswered model, alone on a fresh QEMU: did it kill QEMU, or was a reply lost?
      const suspect = concrete[at] as string;
      inst = await start(binary, args, env); // closed by the finally below if anything fails
      const one = await inst.session.batch([ask(suspect)], answerTimeoutMs);
      const r = one.replies[0];
      if (one.ended || r === undefined) {
        skipped.set(suspect, 'QEMU exited while answering device-list-properties');
        await inst.close();
        inst = undefined;
      } else if (r.ok) {
        props.set(suspect, parseProperties(r.value, suspect));
      } else {
        skipped.set(suspect, `device-list-properties failed: ${r.class}: ${r.desc}`);
      }
      at++;
    }
    const models = new Map<string, DeviceModel>();
    for (const name of [...kinds.keys()].sort()) {
      const k = kinds.get(name) as { parent: string | null; abstract: boolean };
      const p = props.get(name);
      const s = skipped.get(name);
      models.set(name, { parent: k.parent, abstract: k.abstract, ...(p !== undefined ? { properties: p } : {}), ...(s !== undefined ? { skipped: s } : {}) });
    }
    return { mode, models };
  } finally {
    await inst?.close();
  }
}

/** The `devices.json` document of a target (see `schema/FORMAT.md`): keys sorted, defaults exact. */
export function devicesDocument(target: string, devices: DeviceImport): Record<string, unknown> {
  const models = orderedMap(
    [...devices.models].map(([name, m]) => {
      const entries: Array<[string, unknown]> = [['parent', m.parent]];
      if (m.abstract) entries.push(['abstract', true]);
      if (m.skipped !== undefined) entries.push(['skipped', m.skipped]);
      if (m.properties !== undefined) {
        entries.push([
          'properties',
          orderedMap(
            [...m.properties].map(([p, v]) => {
              const e: Array<[string, unknown]> = [['type', v.type]];
              if (v.description !== undefined) e.push(['description', v.description]);
              if (v.default !== undefined) e.push(['default', v.default]);
              return [p, orderedMap(e)] as const;
            }),
          ),
        ]);
      }
      return [name, orderedMap(entries)] as const;
    }),
  );
  return orderedMap<unknown>([
    ['target', target],
    ['argumentMode', devices.mode],
    ['models', models],
  ]);
}
