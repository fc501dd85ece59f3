// Stands in for GA4 and the webhook during the ingest benchmark: drains the body, answers 204.
import { createServer } from 'node:http';

let requests = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests++;
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'count') process.send?.({ requests });
});
