import { createHash } from 'node:crypto';

/** The id git gives a file's content (`git hash-object`), so an approval names exactly what was posted. */
export function gitBlobId(content: Buffer | string): string {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}
