/**
 * An RFC 4180 reader (header and records, comma-separated, quoted fields with "" escapes, CRLF or
 * LF), record by record with the line each starts on: a malformed record is an error, and reading
 * goes on at the next line. No dependency: the files are MNOs' CDRs, read once each.
 */
export type CsvRow = { line: number; fields: string[] } | { line: number; error: string };

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export const newlinesIn = (text: string, from: number, to: number) => {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/** RFC 4180 records, each with the line it starts on; a malformed one is an error and reading goes on at the next line. */
export function* csvRows(text: string): Generator<CsvRow> {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    record: for (;;) {
      let field = '';
      if (text.charCodeAt(i) === QUOTE) {
        i++;
        let from = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            line += newlinesIn(text, i, n);
            i = n;
            error = 'a quoted field is not closed (it runs to the end of the file)';
            break record;
          }
          line += newlinesIn(text, i, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            field += text.slice(from, q + 1);
            i = q + 2;
            from = i;
            continue;
          }
          field += text.slice(from, q);
          i = q + 1;
          break;
        }
        const c = text.charCodeAt(i);
        if (!(i >= n || c === COMMA || c === LF || (c === CR && text.charCodeAt(i + 1) === LF))) {
          error = 'text after the closing quote of a quoted field';
          break record;
        }
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF) break;
          if (c === QUOTE) {
            i = j;
            error = 'a quote inside an unquoted field';
            break record;
          }
        }
        const end = j < n && j > i && text.charCodeAt(j - 1) === CR ? j - 1 : j;
        field = text.slice(i, end);
        i = j;
      }
      fields.push(field);
      if (i >= n) break;
      if (text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      if (text.charCodeAt(i) === CR) i++;
      i++; // the LF
      line++;
      break;
    }
    if (error !== undefined) {
      const next = i >= n ? -1 : text.indexOf('\n', i);
      i = next === -1 ? n : next + 1;
      if (next !== -1) line++;
      yield { line: start, error };
      continue;
    }
    if (fields.length === 1 && fields[0]!.trim() === '') continue; // a blank line
    yield { line: start, fields };
  }
}

