/**
 * The ceiling for bench/ingest: a bare node:http server that reads the body and answers 202, run
 * as its own process exactly like Tollgate is. Prints "listening <port>" when ready.
 */
import { createServer } from "node:http";

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = '{"status":"accepted","id":"x","duplicate":false}';
    res.writeHead(202, { "content-type": "application/json", "content-length": String(body.length) });
    res.end(body);
  });
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
