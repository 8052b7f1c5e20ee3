/** Reading and rewriting regular expression sources without compiling them. */

/**
 * Number of capturing groups in a (valid) regex source, read from the source text.
 * Executing the regex to learn this would make V8 compile every rule at start-up, which
 * costs ~200 ms over a full rule pack on each hook run; V8 otherwise compiles lazily, on the
 * first text that contains a rule's keyword.
 */
export function countCapturingGroups(source: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (source[i + 1] !== '?') count++;
      else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') count++;
    }
  }
  return count;
}


/**
 * Rewrite a regex fragment so its letters match either case (without the `i` flag, which
 * would also loosen the value). Classes gain the other case of their letters and ranges;
 * escapes, group syntax and quantifiers are copied as they are.
 */
export function foldCase(source: string): string {
  let out = '';
  let i = 0;
  const escapeLength = (at: number): number => {
    const c = source[at + 1];
    if (c === 'x') return 4;
    if (c === 'u') return source[at + 2] === '{' ? source.indexOf('}', at) - at + 1 : 6;
    if (c === 'c') return 3;
    if ((c === 'p' || c === 'P') && source[at + 2] === '{') return source.indexOf('}', at) - at + 1;
    if (c === 'k' && source[at + 2] === '<') return source.indexOf('>', at) - at + 1;
    return 2;
  };
  const other = (ch: string) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase());
  const isLetter = (ch: string | undefined) => ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
  const quantifier = /\{\d+(?:,\d*)?\}/y;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const n = escapeLength(i);
      out += source.slice(i, i + n);
      i += n;
    } else if (c === '[') {
      let j = i + 1;
      let body = '';
      let extra = '';
      if (source[j] === '^') {
        body += '^';
        j++;
      }
      while (j < source.length && source[j] !== ']') {
        if (source[j] === '\\') {
          const n = escapeLength(j);
          body += source.slice(j, j + n);
          j += n;
          continue;
        }
        const a = source[j]!;
        if (source[j + 1] === '-' && source[j + 2] !== undefined && source[j + 2] !== ']') {
          const b = source[j + 2]!;
          body += `${a}-${b}`;
          if (isLetter(a) && isLetter(b) && (a === a.toLowerCase()) === (b === b.toLowerCase())) extra += `${other(a)}-${other(b)}`;
          j += 3;
          continue;
        }
        body += a;
        if (isLetter(a)) extra += other(a);
        j++;
      }
      out += `[${body}${extra}]`;
      i = j + 1;
    } else if (c === '(' && source[i + 1] === '?') {
      // group syntax: (?: (?= (?! (?<= (?<! (?<name>
      if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        const close = source.indexOf('>', i);
        out += source.slice(i, close + 1);
        i = close + 1;
      } else {
        const n = source[i + 2] === '<' ? 4 : 3;
        out += source.slice(i, i + n);
        i += n;
      }
    } else if (c === '{' && ((quantifier.lastIndex = i), quantifier.test(source))) {
      const close = source.indexOf('}', i);
      out += source.slice(i, close + 1);
      i = close + 1;
    } else if (isLetter(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

