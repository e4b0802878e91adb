/**
 * A strict reading of a vCard 4.0 (RFC 6350), for tests: ical.js accepts much that the RFC does
 * not, so this checks what it lets through — line ends, BEGIN then VERSION first, END last, known
 * property names, each property's cardinality (§6), and the component counts of N and ADR.
 */

const KNOWN = new Set(
  (
    'SOURCE KIND XML FN N NICKNAME PHOTO BDAY ANNIVERSARY GENDER ADR TEL EMAIL IMPP LANG TZ GEO TITLE ' +
    'ROLE LOGO ORG MEMBER RELATED CATEGORIES NOTE PRODID REV SOUND UID CLIENTPIDMAP URL KEY FBURL CALADRURI CALURI'
  ).split(' '),
);
/** At most once (`*1`), and exactly once (`1`), per §6; FN is `1*`, which the service writes once. */
const AT_MOST_ONCE = new Set(['KIND', 'N', 'BDAY', 'ANNIVERSARY', 'GENDER', 'PRODID', 'REV', 'UID']);

export interface StrictVCard {
  /** Unfolded content lines between BEGIN and END. */
  lines: { name: string; params: string; value: string }[];
  count(name: string): number;
  value(name: string): string | undefined;
}

/** Splits on separators that are not escaped with a backslash. */
export function splitUnescaped(value: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\') {
      current += value.slice(i, i + 2);
      i++;
    } else if (value[i] === sep) {
      parts.push(current);
      current = '';
    } else current += value[i];
  }
  parts.push(current);
  return parts;
}

/** Throws with what is wrong; returns the parsed lines when the vCard is strict 4.0. */
export function readStrictVCard(text: string): StrictVCard {
  if (!text.endsWith('\r\n')) throw new Error('a vCard ends with CRLF');
  if (/\r(?!\n)|(?<!\r)\n/.test(text)) throw new Error('every line ends with CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  const unfolded: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!unfolded.length) throw new Error('a continuation line comes first');
      unfolded[unfolded.length - 1] += line.slice(1);
    } else unfolded.push(line);
  }
  if (unfolded[0] !== 'BEGIN:VCARD') throw new Error(`first line is ${unfolded[0]}, not BEGIN:VCARD`);
  if (unfolded[1] !== 'VERSION:4.0') throw new Error(`VERSION:4.0 must follow BEGIN, found ${unfolded[1]}`);
  if (unfolded.at(-1) !== 'END:VCARD') throw new Error('last line is not END:VCARD');
  const lines = unfolded.slice(2, -1).map((line) => {
    const m = /^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^;:"]*))*):(.*)$/.exec(line);
    if (!m) throw new Error(`not a content line: ${line}`);
    const name = m[1]!.toUpperCase();
    if (!KNOWN.has(name) && !name.startsWith('X-')) throw new Error(`unknown property ${name}`);
    if (name === 'BEGIN' || name === 'END' || name === 'VERSION') throw new Error(`${name} twice`);
    return { name, params: m[2]!, value: m[3]! };
  });
  const count = (name: string) => lines.filter((l) => l.name === name).length;
  if (count('FN') !== 1) throw new Error(`FN appears ${count('FN')} times, not once`);
  for (const name of AT_MOST_ONCE)
    if (count(name) > 1) throw new Error(`${name} appears ${count(name)} times; at most once`);
  for (const l of lines) {
    if (l.name === 'N' && splitUnescaped(l.value, ';').length !== 5) throw new Error('N has 5 components');
    if (l.name === 'ADR' && splitUnescaped(l.value, ';').length !== 7)
      throw new Error('ADR has 7 components');
  }
  return { lines, count, value: (name) => lines.find((l) => l.name === name)?.value };
}
