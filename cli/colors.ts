/**
 * Colours for a terminal, from Node's own `util.styleText`, only when the stream is a terminal that
 * takes colours: `WriteStream.hasColors()` honours `NO_COLOR`, `NODE_DISABLE_COLORS`, `FORCE_COLOR`
 * and `TERM=dumb`. No library: Node 20.12+ has what is needed.
 */
import { styleText } from 'node:util';

type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'dim' | 'bold' | 'blue';

/** A painter for one stream: `paint('red', text)` is `text` unchanged when colours are off. */
export type Paint = (style: Style, text: string) => string;

export function painter(stream: NodeJS.WriteStream): Paint {
  const on = stream.isTTY === true && typeof stream.hasColors === 'function' && stream.hasColors();
  // validateStream: false — the check above is for this stream (styleText's own looks at stdout).
  return on ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}
