/**
 * Reads the tar archives datasets ship in with `tar-stream` (ustar and GNU headers, GNU long names, pax paths), so
 * unpacking a download needs no external `tar` program. This wrapper only collects the entries into memory and
 * turns the library's errors into ones that name the archive.
 */
import tar from 'tar-stream';

export interface TarEntry {
  name: string;
  /** tar-stream's name for the header's type: 'file', 'directory', 'contiguous-file', 'symlink', … */
  type: string;
  data: Uint8Array;
}

function describe(source: string, e: Error): Error {
  if (/^Invalid tar header/.test(e.message)) return new Error(`${source} is not a tar archive (a header's checksum or format is wrong)`);
  if (/^Unexpected end of data/.test(e.message)) return new Error(`${source} is not a tar archive, or is truncated (it ends inside a header or an entry)`);
  return new Error(`${source} could not be read as a tar archive (${e.message})`);
}

/** Every entry of an uncompressed tar archive; rejects when the bytes are not a tar archive or are cut short. */
export function readTar(buf: Uint8Array, source = 'archive'): Promise<TarEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: TarEntry[] = [];
    // allowUnknownFormat: old (pre-POSIX) headers carry no magic; the checksum still rejects bytes that are not tar.
    const extract = tar.extract({ allowUnknownFormat: true });
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      extract.destroy();
      reject(describe(source, e));
    };
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', fail);
      stream.on('end', () => {
        entries.push({ name: header.name, type: header.type ?? 'file', data: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on('error', fail);
    extract.on('finish', () => {
      if (settled) return;
      settled = true;
      resolve(entries);
    });
    extract.end(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  });
}
