// The fairness benchmark's control (its own process, so that its CPU is its own): a bare
// node:http server that reads each request's JSON body and answers the 429 the ingest gives a
// project over its quota. k6 flooding it loads the two cores as A's flood does, while nothing
// of the platform (admission, Kafka, the consumer) sees a request: B's latency during this
// flood is what the machine alone costs B. Prints its port, then serves until SIGTERM.
import { createServer } from 'node:http';

const refusal = JSON.stringify({
  code: 'RATE_LIMITED',
  message: 'project project-a is over its quota',
  scope: 'project',
  projectId: 'project-a',
});

/** A flood's reports are a few hundred bytes; a body past this is refused, not buffered. */
const MAX_BODY_BYTES = 1024 * 1024;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  req.on('error', () => res.destroy());
  req.on('data', (c: Buffer) => {
    bytes += c.length;
    if (bytes <= MAX_BODY_BYTES) chunks.push(c);
  });
  req.on('end', () => {
    if (bytes > MAX_BODY_BYTES) {
      res.writeHead(413, { 'content-type': 'application/json' }).end('{"code":"BODY_TOO_LARGE"}');
      return;
    }
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"MALFORMED_JSON"}');
      return;
    }
    res
      .writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' })
      .end(refusal);
  });
});
server.on('error', (err) => {
  process.stderr.write(`refusing-server: ${err.message}\n`);
  process.exit(1);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
let counted = false;
server.on('request', () => {
  // The bench waits for this line: B starts with the control flood's first request.
  if (!counted) process.stdout.write('flooded\n');
  counted = true;
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
