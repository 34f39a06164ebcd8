// What a terminal shows after a stream of output: enough of one to judge a progress bar
// (carriage return, newline, erase line; other escape sequences are dropped).

export function screenLines(output: string): string[] {
  const lines: string[][] = [[]];
  let column = 0;
  for (let i = 0; i < output.length; i++) {
    const c = output[i]!;
    const line = lines[lines.length - 1]!;
    if (c === '\x1b') {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: it reads terminal escape sequences, which start with ESC
      const match = /^\x1b\[([?\d;]*)([A-Za-z])/.exec(output.slice(i));
      if (!match) continue;
      if (match[2] === 'K' && match[1] === '2') line.length = 0;
      i += match[0].length - 1;
    } else if (c === '\r') {
      column = 0;
    } else if (c === '\n') {
      lines.push([]);
      column = 0;
    } else {
      line[column++] = c;
    }
  }
  const text = lines.map((chars) => Array.from(chars, (c) => c ?? ' ').join('').trimEnd());
  while (text.length > 0 && text[text.length - 1] === '') text.pop();
  return text;
}
