/**
 * Which schemas to compile first so that Ajv never recurses far along a chain of `$ref`s.
 *
 * Ajv compiles a referenced schema when it first meets the reference, from inside the compilation
 * of the referring one: a chain of N types nested in one another costs N nested compilations (tens
 * of stack frames each), and a deep enough chain overflows the stack. {@link compileCheckpoints}
 * walks the reference graph on an explicit stack (post-order) and picks a schema to compile ahead
 * whenever the chain of not-yet-compiled schemas below it reaches {@link MAX_NESTED_COMPILES}; a
 * later compilation then stops at it. The committed QEMU 7.2 and 10.0 targets stay under 16, so
 * for them nothing is compiled ahead and Ajv's output (its function names follow compile order)
 * is byte for byte what it was (a limit of 8 would rename functions); 16 nested compilations fit
 * in a 150 KB stack. A cycle is cut where the walk meets it (QEMU's recursive types are cycles of
 * one or two).
 */

/** The longest chain of nested Ajv compilations left after the checkpoints are compiled. */
export const MAX_NESTED_COMPILES = 16;

/** Every `$ref` string inside a JSON value (walked on an explicit stack). */
export function refsIn(value: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') out.push(x);
        else stack.push(x);
      }
    }
  }
  return out;
}

/**
 * The schemas to compile ahead, in an order where each comes after the checkpoints it reaches.
 * `refsOf(id)` lists the ids an id references, or undefined for an id that is not ours (skipped).
 */
export function compileCheckpoints(roots: readonly string[], refsOf: (id: string) => readonly string[] | undefined, limit = MAX_NESTED_COMPILES): string[] {
  const height = new Map<string, number>(); // finished ids: uncompiled chain length below and including it
  const open = new Set<string>();
  const out: string[] = [];
  for (const root of roots) {
    const rootRefs = refsOf(root);
    if (height.has(root) || rootRefs === undefined) continue;
    const stack: Array<{ id: string; refs: readonly string[]; next: number }> = [{ id: root, refs: rootRefs, next: 0 }];
    open.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.refs.length) {
        const r = top.refs[top.next++]!;
        if (height.has(r) || open.has(r)) continue;
        const refs = refsOf(r);
        if (refs === undefined) continue;
        open.add(r);
        stack.push({ id: r, refs, next: 0 });
        continue;
      }
      stack.pop();
      open.delete(top.id);
      let below = 0;
      for (const r of top.refs) below = Math.max(below, height.get(r) ?? 0);
      if (below + 1 >= limit) {
        out.push(top.id);
        height.set(top.id, 0);
      } else {
        height.set(top.id, below + 1);
      }
    }
  }
  return out;
}
