/**
 * Blobs: content-addressed (sha256) storage for put-files, scripts, retrieved files and memory
 * dumps. One small interface so that replicas may share a volume, PostgreSQL chunks or S3 later;
 * the filesystem store is the default. Bytes are always streamed, never held whole in memory.
 */
import type { Readable } from 'node:stream';

export interface BlobStore {
  /**
   * Stream bytes in and learn their digest. Callers (API uploads, retrieved files) rarely know the
   * digest up front, so the store computes it; the blob becomes visible only once complete
   * (temp file, fsync, atomic rename) so a reader never sees half a file. `expectedSha256` /
   * `maxBytes` let a caller refuse bad or oversized input without leaving anything behind.
   */
  put(source: Readable, opts?: { expectedSha256?: string; maxBytes?: number }): Promise<{ sha256: string; size: number }>;

  /**
   * Adopt a file already written in `tempDir` (a resumable upload assembled over several
   * requests), so its bytes are not copied again; `known` skips re-hashing when the caller has
   * already verified the digest.
   */
  importFile(tempPath: string, known?: { sha256: string; size: number }): Promise<{ sha256: string; size: number }>;

  /** Whether a blob exists and how big it is, without opening it (download size, dedupe). */
  stat(sha256: string): Promise<{ size: number } | undefined>;

  /** Read a blob, or the inclusive byte range [start, end] of it, so downloads can resume. */
  open(sha256: string, range?: { start: number; end?: number }): Promise<Readable>;

  /** Absolute path of the blob file, for tools that need a path (e.g. 7-Zip); FS store only. */
  path(sha256: string): string;

  /** Remove a blob (retention, deleted put-files); removing a missing blob is not an error. */
  delete(sha256: string): Promise<void>;

  /** Directory for in-progress uploads: on the store's filesystem, so adopting them is a rename. */
  readonly tempDir: string;
}

export { isSha256, assertSha256, hashFile } from './digest.ts';
export { createFsBlobStore } from './fs-blob-store.ts';
export { BlobIndex, type BlobRecord } from './blob-index.ts';
export { BlobCollector, type CollectResult } from './blob-collector.ts';
