/**
 * espeak-ng writing to stdout cannot seek back, so its WAV header says "unknown length"
 * (0x7FFFF000-ish sizes). Browsers and tools want the real sizes: they are set here from the
 * bytes at hand.
 */
export function fixWavSizes(wav: Buffer): Buffer {
  if (
    wav.length < 12 ||
    wav.toString('latin1', 0, 4) !== 'RIFF' ||
    wav.toString('latin1', 8, 12) !== 'WAVE'
  ) {
    throw new RangeError('not a WAV file');
  }
  const out = Buffer.from(wav);
  out.writeUInt32LE(out.length - 8, 4);
  const data = findChunk(out, 'data');
  if (data === null) throw new RangeError('the WAV file has no data chunk');
  out.writeUInt32LE(out.length - data.offset - 8, data.offset + 4);
  return out;
}

/** Duration in seconds from the fmt chunk's byte rate and the data chunk's size. */
export function wavSeconds(wav: Buffer): number {
  const fmt = findChunk(wav, 'fmt ');
  const data = findChunk(wav, 'data');
  if (fmt === null || data === null) throw new RangeError('not a WAV file with fmt and data chunks');
  const byteRate = wav.readUInt32LE(fmt.offset + 8 + 8);
  return data.size / byteRate;
}

function findChunk(wav: Buffer, id: string): { offset: number; size: number } | null {
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const size = wav.readUInt32LE(offset + 4);
    if (wav.toString('latin1', offset, offset + 4) === id) return { offset, size };
    offset += 8 + size + (size % 2);
  }
  return null;
}
