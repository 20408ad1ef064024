/**
 * Splits a shell line into words: whitespace separates words except inside quotes (`"…"` with
 * backslash escapes, `'…'` literal) and inside JSON brackets (`[1, 2]`, `{"a": 1}`). Quotes and
 * brackets stay in the word: `key="a b"` is one word whose value `key-value.ts` reads as a string.
 */

/** A line that could not be split: an unterminated quote or bracket, with the column where it opened. */
export class WordsError extends Error {
  override readonly name = 'WordsError';
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

/** The words of `line`, and whether it ends in whitespace (a new word has begun). */
export interface SplitLine {
  words: string[];
  /** True when the last character is unquoted whitespace (or the line is empty). */
  endsInSpace: boolean;
}

/**
 * Splits `line`. With `lenient` (completion of a half-typed line) an unterminated quote or bracket
 * ends the last word; otherwise it throws {@link WordsError}.
 */
export function splitWords(line: string, lenient = false): SplitLine {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  let quoteAt = 0;
  const brackets: { ch: string; at: number }[] = [];
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote !== undefined) {
      cur += ch;
      if (quote === '"' && ch === '\\' && i + 1 < line.length) cur += line[++i];
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      quoteAt = i;
      cur += ch;
      inWord = true;
      continue;
    }
    if (ch === '[' || ch === '{') brackets.push({ ch, at: i });
    else if ((ch === ']' || ch === '}') && brackets.length > 0) brackets.pop();
    if (/\s/.test(ch) && brackets.length === 0) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    cur += ch;
    inWord = true;
  }
  if (!lenient && quote !== undefined) throw new WordsError(`unterminated ${quote} quote (column ${quoteAt + 1})`, quoteAt + 1);
  if (!lenient && brackets.length > 0) {
    const b = brackets[brackets.length - 1]!;
    throw new WordsError(`unclosed '${b.ch}' (column ${b.at + 1})`, b.at + 1);
  }
  if (inWord) words.push(cur);
  return { words, endsInSpace: !inWord };
}
