import { Worker } from 'node:worker_threads';

/** How often the worker moves the write-ahead log into the database file. */
const CHECKPOINT_EVERY_MS = 250;
/**
 * The serving connection still checkpoints by itself once the log passes this size: a safety net
 * should the worker stop, never reached while it runs.
 */
export const FALLBACK_AUTOCHECKPOINT_BYTES = 64 * 1024 * 1024;

// The worker's whole program: its own connection, checkpointing on a timer. PASSIVE never waits
// for (or blocks) the serving connection's readers and writers.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

/**
 * Checkpoints of a SQLite database in WAL mode, off the event loop. A checkpoint copies the log
 * into the database file and syncs it to disk; done by the serving connection it stalls every
 * request for as long (a fan-out's results are tens of megabytes of log). Here a worker thread with
 * its own connection does it while the serving thread goes on.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, driverPath: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver: driverPath, everyMs: CHECKPOINT_EVERY_MS } });
    this.worker.on('error', () => {
      /* the serving connection's own autocheckpoint takes over */
    });
    this.worker.unref();
  }

  /** Lets the worker close its connection (a second or so at most), then ends it. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      // Not unref'd: a process that is closing the store waits for this, whatever else it holds.
      const timer = setTimeout(resolve, 1000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.worker.postMessage('stop');
    });
    await this.worker.terminate();
  }
}
