/** For channel tests: a real HTTP server on 127.0.0.1 that records every request, and can go down and come back. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * @example
 * const receiver = await startRecordingReceiver({ status: 202 });
 * await fetch(receiver.url + '/hook', { method: 'POST', body: '{}' });
 * receiver.requests[0].body // '{}'
 * await receiver.down(); await receiver.up();   // same port: a receiver that was down comes back
 */
export interface RecordingReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The status answered from now on (default 200); an error status answers with the request echoed back. */
  status: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startRecordingReceiver(options: { status?: number } = {}): Promise<RecordingReceiver> {
  const requests: RecordedRequest[] = [];
  let server: Server | undefined;
  let port = 0;
  const receiver: RecordingReceiver = {
    get url() { return `http://127.0.0.1:${port}`; },
    requests,
    status: options.status ?? 200,
    async down() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async up() {
      if (server) return;
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
          requests.push(recorded);
          // An error answer echoes the request, as some receivers do: what a channel keeps of it must still hold no secret.
          const answer = receiver.status >= 400 ? JSON.stringify({ error: 'refused', echo: recorded }) : 'ok';
          res.writeHead(receiver.status, { 'content-type': receiver.status >= 400 ? 'application/json' : 'text/plain' }).end(answer);
        });
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
      port = (server.address() as AddressInfo).port;
    },
    close() { return receiver.down(); },
  };
  await receiver.up();
  return receiver;
}
