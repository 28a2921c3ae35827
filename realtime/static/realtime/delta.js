// Delta updates: the browser half of realtime/delta.py (docs/protocol.md, "Delta updates").
//
// A document's canonical text is JSON.stringify(document). An edit is an array read left to
// right with a cursor c in the old text, from 0: a string is written out as is; an integer
// `skip` followed by an integer `n` (n >= 0) copies old.slice(c + skip, c + skip + n) and leaves
// the cursor after it. The checksum is Adler-32 of the new text's UTF-16LE bytes. Anything that
// does not fit throws a Doubt: the copy held here is not the one the server edited.

/** The patch does not fit (or is not understood): start again from a snapshot. */
export class Doubt extends Error {
  constructor(reason) {
    super(reason);
    this.name = "Doubt";
    this.resync = true; // LiveSocket reconnects for a fresh snapshot on an error carrying this
  }
}

/** Adler-32 of the UTF-16LE bytes of a string (as zlib.adler32(text.encode("utf-16-le"))). */
export function checksum(text) {
  let a = 1;
  let b = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    a = (a + (unit & 0xff)) % 65521;
    b = (b + a) % 65521;
    a = (a + (unit >>> 8)) % 65521;
    b = (b + a) % 65521;
  }
  return b * 65536 + a;
}

/** The text `edit` turns `old` into; throws Doubt when it does not fit `old`. */
export function applyEdit(old, edit) {
  if (!Array.isArray(edit)) throw new Doubt("an edit is an array");
  const out = [];
  let cursor = 0;
  for (let i = 0; i < edit.length; i += 1) {
    const item = edit[i];
    if (typeof item === "string") {
      out.push(item);
      continue;
    }
    const length = edit[i + 1];
    if (!Number.isInteger(item) || !Number.isInteger(length)) {
      throw new Doubt("an edit item that is neither text nor a (skip, length) copy");
    }
    i += 1;
    const start = cursor + item;
    if (start < 0 || length < 0 || start + length > old.length) {
      throw new Doubt("an edit copies past the end of the text");
    }
    out.push(old.slice(start, start + length));
    cursor = start + length;
  }
  return out.join("");
}

/** The document `edit` turns `document` into, checked against `sum`; throws Doubt. */
export function applyDocumentEdit(document, edit, sum) {
  const text = applyEdit(JSON.stringify(document), edit);
  if (checksum(text) !== sum) throw new Doubt("the edited document's checksum differs");
  try {
    return JSON.parse(text);
  } catch {
    throw new Doubt("the edited document is not JSON");
  }
}
