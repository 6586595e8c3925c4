import { Readable, Writable } from "node:stream";

/** Captures what a command writes, for tests. */
export function captured(): { stream: Writable; text(): string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** A standard input that yields `text` and ends. */
export function stdinOf(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}
