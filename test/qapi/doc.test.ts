/** QAPI doc comments: both doc formats (QEMU 7.2 and 10.0), real docs, hostile text. */
import { describe, expect, it } from 'vitest';
import { loadQapiSource, parseDocBlock, type QapiSource } from '../../codegen/qapi/index.js';
import { findQemu } from '../../scripts/qemus.js';

/** Splits a `##` block written as in a .json file into the lexer's lines. */
const lines = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => l !== '##')
    .map((l) => (l === '#' ? '' : l.slice(2)));

describe('doc block parser', () => {
  it('10.0 format: members with indented continuation, Features, Errors, Since, rST directives', () => {
    const { symbol, doc } = parseDocBlock(
      lines(`# @do-it:
#
# Does it.
#
# Second paragraph with *emphasis* and \`\`literal\`\`.
#
# @arg: the argument, which has a long
#     description
#
#     and a second paragraph.
#
# @other:
#     starts on the next line
#
# Features:
#
# @deprecated: Use @done instead.
#
# @unstable: Experimental.
#
# Returns: a result
#
# Errors:
#     - If @arg is wrong, GenericError
#     - If something else, DeviceNotFound
#
# Since: 9.1
#
# .. note:: A note that
#    goes on.
#
# .. caution::
#
#    Careful.
#
# .. admonition:: Notes
#
#     1. first
#     2. second
#
# .. qmp-example::
#
#     -> { "execute": "do-it" }
#     <- { "return": {} }
#
# .. qmp-example::
#    :title: With a title
#
#     -> { "execute": "do-it", "arguments": { "arg": 1 } }
#     <- { "return": {} }
#
# TODO: something for developers
##`),
    );
    expect(symbol).toBe('do-it');
    expect(doc).toEqual({
      description: 'Does it.\n\nSecond paragraph with *emphasis* and ``literal``.',
      members: {
        arg: 'the argument, which has a long\ndescription\n\nand a second paragraph.',
        other: 'starts on the next line',
      },
      features: { deprecated: 'Use @done instead.', unstable: 'Experimental.' },
      returns: 'a result',
      errors: '- If @arg is wrong, GenericError\n- If something else, DeviceNotFound',
      since: '9.1',
      notes: ['A note that\ngoes on.', 'Careful.', '1. first\n2. second'],
      examples: [
        '-> { "execute": "do-it" }\n<- { "return": {} }',
        'With a title\n\n-> { "execute": "do-it", "arguments": { "arg": 1 } }\n<- { "return": {} }',
      ],
    });
  });

  it('7.2 format: aligned continuations, Note:/Notes:/Example: sections running to the next tag', () => {
    const { symbol, doc } = parseDocBlock(
      lines(`# @OldStyle:
#
# Old style.
#
# @a: aligned text
#     that goes on
# @b : space before the colon
#
# Returns: - Nothing on success
#          - If it fails, GenericError
#
# Since: 2.0
#
# Notes: first note
#
#        still the note
#
# Note: second note
#
# Example:
#
# -> { "execute": "x" }
#
# <- { "return": {} }
##`),
    );
    expect(symbol).toBe('OldStyle');
    expect(doc).toEqual({
      description: 'Old style.',
      members: { a: 'aligned text\nthat goes on', b: 'space before the colon' },
      features: {},
      returns: '- Nothing on success\n- If it fails, GenericError',
      since: '2.0',
      notes: ['first note\n\nstill the note', 'second note'],
      examples: ['-> { "execute": "x" }\n\n<- { "return": {} }'],
    });
  });

  it('a free-form block has no symbol', () => {
    expect(parseDocBlock(lines('# = Section\n#\n# Text.\n##'))).toEqual({
      doc: { description: '= Section\n\nText.', members: {}, features: {} },
    });
  });

  it('hostile text is kept verbatim: */, backquotes, ${, HTML, backslashes', () => {
    const { doc } = parseDocBlock(
      lines(`# @Evil:
#
# Ends a comment */ here; \`code\` and \`\`literal\`\`; template \${process.exit(1)};
# <script>alert(1)</script> and C:\\path\\n
#
# @m: member */ \${x} \`y\`
#
# .. qmp-example::
#
#     -> { "execute": "x", "arguments": { "s": "*/ \${}" } }
##`),
    );
    expect(doc.description).toBe(
      'Ends a comment */ here; `code` and ``literal``; template ${process.exit(1)};\n<script>alert(1)</script> and C:\\path\\n',
    );
    expect(doc.members.m).toBe('member */ ${x} `y`');
    expect(doc.examples).toEqual(['-> { "execute": "x", "arguments": { "s": "*/ ${}" } }']);
  });
});

describe('real QAPI docs', () => {
  const sources = new Map<string, Promise<QapiSource>>();
  const load = (v: '7.2' | '10.0'): Promise<QapiSource> => {
    if (!sources.has(v)) sources.set(v, loadQapiSource(findQemu(v).qapiSource));
    return sources.get(v)!;
  };

  it('QEMU 7.2: query-status, StatusInfo, RunState, deprecated drive-backup', async () => {
    const src = await load('7.2');
    expect(src.byName.get('query-status')!.doc).toEqual({
      description: 'Query the run status of all VCPUs',
      members: {},
      features: {},
      returns: '@StatusInfo reflecting all VCPUs',
      since: '0.14',
      examples: [
        '-> { "execute": "query-status" }\n<- { "return": { "running": true,\n                 "singlestep": false,\n                 "status": "running" } }',
      ],
    });
    expect(src.byName.get('StatusInfo')!.doc).toEqual({
      description: 'Information about VCPU run state',
      members: {
        running: 'true if all VCPUs are runnable, false if not runnable',
        singlestep: 'true if VCPUs are in single-step mode',
        status: 'the virtual machine @RunState',
      },
      features: {},
      since: '0.14',
      notes: ['@singlestep is enabled through the GDB stub'],
    });
    const runState = src.byName.get('RunState')!.doc!;
    expect(runState.description).toBe('An enumeration of VM run states.');
    expect(Object.keys(runState.members)).toHaveLength(16);
    expect(runState.members.inmigrate).toBe(
      'guest is paused waiting for an incoming migration.  Note\n' +
        'that this state does not tell whether the machine will start at the\n' +
        'end of the migration.  This depends on the command-line -S option and\n' +
        "any invocation of 'stop' or 'cont' that has happened since QEMU was\n" +
        'started.',
    );
    expect(runState.members.colo).toBe(
      'guest is paused to save/restore VM state under colo checkpoint,\nVM can not get into this state unless colo capability is enabled\nfor migration. (since 2.8)',
    );
    const driveBackup = src.byName.get('drive-backup')!.doc!;
    expect(driveBackup.deprecated).toBe('This command is deprecated. Use @blockdev-backup instead.');
    expect(driveBackup.features.deprecated).toBe(driveBackup.deprecated);
    // A member-level deprecation: in features, but the definition itself is not deprecated.
    const throttle = src.byName.get('BlockIOThrottle')!.doc!;
    expect(throttle.features.deprecated).toBe('Member @device is deprecated.  Use @id instead.');
    expect(throttle.deprecated).toBeUndefined();
  });

  it('QEMU 10.0: query-status, StatusInfo, RunState, VersionInfo, deprecated drive-backup with Errors and example', async () => {
    const src = await load('10.0');
    expect(src.byName.get('query-status')!.doc).toEqual({
      description: 'Query the run status of the VM',
      members: {},
      features: {},
      returns: '@StatusInfo reflecting the VM',
      since: '0.14',
      examples: ['-> { "execute": "query-status" }\n<- { "return": { "running": true,\n                 "status": "running" } }'],
    });
    expect(src.byName.get('StatusInfo')!.doc).toEqual({
      description: 'Information about VM run state',
      members: {
        running: 'true if all VCPUs are runnable, false if not runnable',
        status: 'the virtual machine @RunState',
      },
      features: {},
      since: '0.14',
    });
    const runState = src.byName.get('RunState')!.doc!;
    expect(Object.keys(runState.members)).toEqual([
      'debug',
      'finish-migrate',
      'inmigrate',
      'internal-error',
      'io-error',
      'paused',
      'postmigrate',
      'prelaunch',
      'restore-vm',
      'running',
      'save-vm',
      'shutdown',
      'suspended',
      'watchdog',
      'guest-panicked',
      'colo',
    ]);
    expect(runState.members.inmigrate).toBe(
      'guest is paused waiting for an incoming migration.  Note\n' +
        'that this state does not tell whether the machine will start at\n' +
        'the end of the migration.  This depends on the command-line -S\n' +
        "option and any invocation of 'stop' or 'cont' that has happened\n" +
        'since QEMU was started.',
    );
    expect(src.byName.get('VersionInfo')!.doc?.members.package).toMatch(/^QEMU will always set this field to an empty/);
    expect(src.byName.get('drive-backup')!.doc).toMatchObject({
      deprecated: 'This command is deprecated.  Use @blockdev-backup\ninstead.',
      errors: '- If @device is not a valid block device, GenericError',
      since: '1.6',
      examples: [
        '-> { "execute": "drive-backup",\n     "arguments": { "device": "drive0",\n                    "sync": "full",\n                    "target": "backup.img" } }\n<- { "return": {} }',
      ],
    });
    expect(src.byName.get('BlockdevDriver')!.doc?.features.deprecated).toBe(
      'Member @gluster is deprecated because GlusterFS\ndevelopment ceased.',
    );
    expect(src.byName.get('migrate')!.doc?.notes?.[0]).toMatch(/^1\. The 'query-migrate' command should be used/);
  });

  it('every definition of both sources has a doc (both sources require docs)', async () => {
    for (const v of ['7.2', '10.0'] as const) {
      const src = await load(v);
      expect(src.definitions.filter((d) => !d.doc).map((d) => d.name)).toEqual([]);
    }
  });
});
