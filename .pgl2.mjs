import { PGlite } from '@electric-sql/pglite';
const time = async (label, f) => { const t=performance.now(), c=process.cpuUsage(); const r = await f(); const u=process.cpuUsage(c); console.log(label, (performance.now()-t|0)+'ms wall', ((u.user+u.system)/1000|0)+'ms cpu'); return r; };
const a = await time('plain', async () => { const a = new PGlite(); await a.waitReady; return a; });
const dump = await time('dump', () => a.dumpDataDir('none'));
console.log('dump size', dump.size);
await time('from dump', async () => { const b = new PGlite({ loadDataDir: dump }); await b.waitReady; await b.query('select 1'); return b; });
await time('from dump 2', async () => { const b = new PGlite({ loadDataDir: dump }); await b.waitReady; await b.query('select 1'); return b; });
await time('plain 2', async () => { const a = new PGlite(); await a.waitReady; return a; });
