/**
 * The order in which to compile schemas so that Ajv never recurses along a chain of `$ref`s.
 *
 * Ajv compiles a referenced schema when it first meets the reference, from inside the compilation
 * of the referring one: a chain of N types nested in one another costs N nested compilations (tens
 * of stack frames each), and a deep enough chain overflows the stack. Compiling every schema after
 * the schemas it references (a post-order of the reference graph, computed here on an explicit
 * stack) means each reference meets an already compiled schema. A cycle still costs Ajv nested
 * compilations up to its length (QEMU's recursive types are cycles of one or two).
 */

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
 * `roots` and every id they reach, ordered so that each comes after every id it references (as far
 * as cycles allow). `refsOf(id)` lists the ids an id references, or undefined for an id that is
 * not ours to compile (skipped).
 */
export function referencesFirst(roots: readonly string[], refsOf: (id: string) => readonly string[] | undefined): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const out: string[] = [];
  for (const root of roots) {
    const rootRefs = refsOf(root);
    if (state.has(root) || rootRefs === undefined) continue;
    const stack: Array<{ id: string; refs: readonly string[]; next: number }> = [{ id: root, refs: rootRefs, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.refs.length) {
        const r = top.refs[top.next++]!;
        const refs = state.has(r) ? undefined : refsOf(r);
        if (refs !== undefined) {
          state.set(r, 'open');
          stack.push({ id: r, refs, next: 0 });
        }
      } else {
        stack.pop();
        state.set(top.id, 'done');
        out.push(top.id);
      }
    }
  }
  return out;
}
