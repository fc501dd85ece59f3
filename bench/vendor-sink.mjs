// Stands in for every vendor during the benchmarks: drains the body and answers 204, the way
// each connector reads as success; an OAuth token endpoint (`.../token`) answers with a token.
import { createServer } from 'node:http';

let requests = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests++;
    if (req.url?.endsWith('/token')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"bench-token","expires_in":3600}');
    else res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'count') process.send?.({ requests });
});
