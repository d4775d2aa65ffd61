// Server-sent events read as they pass: the relay hands every chunk on to the
// CLI untouched and gives a copy to this reader, which yields the `data:` of
// each finished event. Only the event being read is held, never the stream.
import { StringDecoder } from 'node:string_decoder';

/** The longest event kept while it is read; a longer one is skipped (nothing a meter needs is that big). */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;

export class SseReader {
  private readonly decoder = new StringDecoder('utf8');
  private line = '';
  private data: string[] = [];
  private size = 0;
  private skipping = false;

  constructor(private readonly onData: (data: string) => void) {}

  push(chunk: Buffer): void {
    this.feed(this.decoder.write(chunk));
  }

  end(): void {
    this.feed(this.decoder.end());
    this.feed('\n\n');
  }

  private feed(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      this.takeLine((this.line + text.slice(start, newline)).replace(/\r$/, ''));
      this.line = '';
      start = newline + 1;
    }
    this.line += text.slice(start);
    if (this.line.length > MAX_EVENT_CHARS) {
      this.line = '';
      this.skipping = true;
    }
  }

  private takeLine(line: string): void {
    if (line === '') {
      if (this.data.length && !this.skipping) this.onData(this.data.join('\n'));
      this.data = [];
      this.size = 0;
      this.skipping = false;
      return;
    }
    if (this.skipping || !line.startsWith('data:')) return;
    const value = line.slice(line.startsWith('data: ') ? 6 : 5);
    this.size += value.length;
    if (this.size > MAX_EVENT_CHARS) {
      this.skipping = true;
      this.data = [];
      return;
    }
    this.data.push(value);
  }
}
