// The peer of `bench:authproxy`: a bare fastify route answering 200 with an empty body, started
// the same way (its own process, the same Node flags), so the ratio measures only Horizon's check.
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false });
app.all('*', async () => '');
await app.listen({ host: '127.0.0.1', port });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
