/**
 * Small builders over TypeScript's syntax factory (from ts-morph's bundled compiler): every name
 * and literal in generated code goes through them, so schema text can only become a string
 * literal, a quoted key or a comment.
 */
import { ts } from 'ts-morph';
import { isIdentifier } from './names.js';

/** The syntax factory. */
export const f = ts.factory;
export { ts };

/** Attaches a `/** … *\/` comment (lines must already be inert, see `doc.ts`). */
export function withDoc<T extends ts.Node>(node: T, lines: readonly string[]): T {
  if (lines.length === 0) return node;
  const body =
    lines.length === 1 && !(lines[0] as string).startsWith('@')
      ? `* ${lines[0] as string} `
      : `*\n${lines.map((l) => (l === '' ? ' *' : ` * ${l}`)).join('\n')}\n `;
  ts.addSyntheticLeadingComment(node, ts.SyntaxKind.MultiLineCommentTrivia, body, true);
  return node;
}

/** A property name: identifier when it is one, string literal otherwise. */
export function propName(name: string): ts.PropertyName {
  return isIdentifier(name) ? f.createIdentifier(name) : f.createStringLiteral(name);
}

/** A property name safe in object literals: `__proto__` is computed so it never sets the prototype. */
export function objectKey(name: string): ts.PropertyName {
  if (name === '__proto__') return f.createComputedPropertyName(f.createStringLiteral(name));
  return propName(name);
}

/** A literal type for a JSON scalar. */
export function literalType(v: unknown): ts.TypeNode {
  if (typeof v === 'string') return f.createLiteralTypeNode(f.createStringLiteral(v));
  if (typeof v === 'number') {
    const num = f.createNumericLiteral(Math.abs(v));
    return f.createLiteralTypeNode(v < 0 ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, num) : num);
  }
  if (typeof v === 'boolean') return f.createLiteralTypeNode(v ? f.createTrue() : f.createFalse());
  if (v === null) return f.createLiteralTypeNode(f.createNull());
  return keyword('unknown');
}

/** A keyword type. */
export function keyword(k: 'string' | 'number' | 'boolean' | 'unknown' | 'never' | 'undefined' | 'null'): ts.TypeNode {
  switch (k) {
    case 'string':
      return f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword);
    case 'number':
      return f.createKeywordTypeNode(ts.SyntaxKind.NumberKeyword);
    case 'boolean':
      return f.createKeywordTypeNode(ts.SyntaxKind.BooleanKeyword);
    case 'unknown':
      return f.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword);
    case 'never':
      return f.createKeywordTypeNode(ts.SyntaxKind.NeverKeyword);
    case 'undefined':
      return f.createKeywordTypeNode(ts.SyntaxKind.UndefinedKeyword);
    case 'null':
      return f.createLiteralTypeNode(f.createNull());
  }
}

/** A reference to a named type (the name must come from `safeIdentifier`). */
export function typeRef(name: string, args?: ts.TypeNode[]): ts.TypeReferenceNode {
  return f.createTypeReferenceNode(f.createIdentifier(name), args);
}

/** `A | B` (a single member stays itself; none is `never`). */
export function union(members: ts.TypeNode[]): ts.TypeNode {
  if (members.length === 0) return keyword('never');
  if (members.length === 1) return members[0] as ts.TypeNode;
  return f.createUnionTypeNode(members.map((m) => (ts.isFunctionTypeNode(m) ? f.createParenthesizedType(m) : m)));
}

/** `string & {}`: keeps autocompletion of the known literals in an open union. */
export function anyOtherString(): ts.TypeNode {
  return f.createParenthesizedType(f.createIntersectionTypeNode([keyword('string'), f.createTypeLiteralNode([])]));
}

/** `T[]`, parenthesised when needed. */
export function arrayOf(t: ts.TypeNode): ts.TypeNode {
  const needParens = ts.isUnionTypeNode(t) || ts.isIntersectionTypeNode(t) || ts.isFunctionTypeNode(t);
  return f.createArrayTypeNode(needParens ? f.createParenthesizedType(t) : t);
}

/** `export` modifier list. */
export function exported(): ts.ModifierLike[] {
  return [f.createModifier(ts.SyntaxKind.ExportKeyword)];
}

/** A string literal expression. */
export function str(s: string): ts.StringLiteral {
  return f.createStringLiteral(s);
}
