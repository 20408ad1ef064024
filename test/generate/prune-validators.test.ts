/** `pruneAjvOutput`: drops unreferenced schema copies and `sourceURL` comments, nothing else. */
import { expect, it } from 'vitest';
import { pruneAjvOutput } from '../../codegen/generate/prune-validators.js';

it('drops a schema copy nothing names and every sourceURL comment; keeps named copies and all code', () => {
  const code = [
    'const a0 = validate1;',
    'const schema1 = {"$id":"x/a0","type":"object"};',
    'const schema2 = {"enum":["a","b"]};',
    'function validate1(data){',
    '/*# sourceURL="https://qmp-sdk.invalid/validators/exact/a0" */;',
    'if(!schema2.enum.includes(data)) return false;',
    'return true;',
    '}',
    '',
  ].join('\n');
  expect(pruneAjvOutput(code)).toBe(
    ['const a0 = validate1;', 'const schema2 = {"enum":["a","b"]};', 'function validate1(data){', 'if(!schema2.enum.includes(data)) return false;', 'return true;', '}', ''].join('\n'),
  );
});

it('keeps a copy whose name also appears elsewhere, even inside a string (never drops a used one)', () => {
  const code = 'const schema3 = {"a":1};\nconst note = "schema3";\n';
  expect(pruneAjvOutput(code)).toBe(code);
});

it("drops the error objects' schemaPath (nothing reads it) and leaves the rest of each error", () => {
  const code = 'validate1.errors = [{instancePath:instancePath+"/a\\"b",schemaPath:"#/properties/a\\"b/type",keyword:"type",params:{type: "string"}}];\n';
  expect(pruneAjvOutput(code)).toBe('validate1.errors = [{instancePath:instancePath+"/a\\"b",keyword:"type",params:{type: "string"}}];\n');
});
