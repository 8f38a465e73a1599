import autocannon from 'autocannon';

/** Requests per second of one URL under steady load (after a short warm-up). */
export async function requestsPerSecond(url: string, opts: { headers?: Record<string, string>; seconds?: number; connections?: number } = {}): Promise<number> {
  const run = (duration: number) =>
    autocannon({ url, headers: opts.headers, connections: opts.connections ?? 16, duration, pipelining: 1 });
  await run(2);
  const result = await run(opts.seconds ?? 8);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}
