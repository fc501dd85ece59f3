import Fastify from '/work/main/node_modules/fastify/fastify.js';
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/v1/track', async (req, reply) => { JSON.parse(req.body); return reply.code(200).send({ accepted: 1, rejected: [] }); });
await app.listen({ port: 18999, host: '127.0.0.1' });
