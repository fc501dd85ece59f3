// The floor under the relay: only the work no relay that keeps Palisade's promises can skip, on
// bare node:http in one thread. Per message and destination (two, as in the relay row): HMAC-SHA256
// masks of the user id, the anonymous id and the message id (and the email for the GA4-like one),
// the payload as JSON, AES-256-GCM, an INSERT; every request that arrives while a commit is being
// prepared shares it (WAL, synchronous=FULL), and the answer goes out after the commit. No
// validation, no URL or user-agent reduction, no allowlists, no vendor mapping, no delivery: the
// relay does all of those on top, so it cannot be as fast as this; how close it comes is the
// measure of its own overhead.
import Database from 'better-sqlite3';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'palisade-floor-'));
const db = new Database(join(dir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE outbox (id INTEGER PRIMARY KEY, destination_id TEXT NOT NULL, event_id TEXT NOT NULL, payload BLOB NOT NULL)');
const insert = db.prepare('INSERT INTO outbox (destination_id, event_id, payload) VALUES (?, ?, ?)');
const commit = db.transaction((rows) => {
  for (const row of rows) insert.run(row[0], row[1], row[2]);
});

const dataKey = randomBytes(32);
const destinations = [
  { id: 'ga4', key: randomBytes(32), maskEmail: true },
  { id: 'hook', key: randomBytes(32), maskEmail: false },
];
const mask = (key, value) => createHmac('sha256', key).update(String(value)).digest('base64url');
function seal(json) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function rowsOf(message) {
  return destinations.map((d) => {
    const eventId = mask(d.key, `message:${message.messageId}`);
    const payload = {
      eventId,
      event: message.event,
      userId: mask(d.key, message.userId),
      anonymousId: mask(d.key, message.anonymousId),
      properties: { service_line: message.properties?.service_line, ...(d.maskEmail ? { email: mask(d.key, message.properties?.email) } : {}) },
    };
    return [d.id, eventId, seal(JSON.stringify(payload))];
  });
}

let waiting = [];
function flush() {
  const batch = waiting;
  waiting = [];
  commit(batch.flatMap((w) => w.rows));
  for (const w of batch) w.res.writeHead(200, { 'content-type': 'application/json' }).end(`{"accepted":${w.n},"rejected":[]}`);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let messages;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      messages = Array.isArray(body.batch) ? body.batch : [body];
    } catch {
      res.writeHead(400).end();
      return;
    }
    waiting.push({ res, n: messages.length, rows: messages.flatMap(rowsOf) });
    if (waiting.length === 1) setImmediate(flush);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
process.on('SIGTERM', () => process.exit(0));
