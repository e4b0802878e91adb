import { inject, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDatabase } from '../../db/database';

describe('a pooled connection lost', () => {
  it('when Postgres ends an idle pooled connection, then the process lives on, is told, and the next query gets a new connection', async () => {
    const lost: Error[] = [];
    const application = `victim-${process.pid}-${Date.now()}`;
    const db = createDatabase({
      url: inject('databaseUrl'),
      max: 1,
      application,
      onIdleError: (e) => lost.push(e),
    });
    const admin = createDatabase({ url: inject('databaseUrl'), max: 1 });
    try {
      const before = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
      // As a Postgres restart, an administrator or a proxy's idle timeout would.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${application}`.execute(
        admin,
      );
      for (let i = 0; i < 100 && !lost.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lost.map((e) => e.message)).toEqual([expect.stringContaining('terminating connection')]);
      const after = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
      expect(after.rows[0]!.pid).not.toBe(before.rows[0]!.pid);
    } finally {
      await db.destroy();
      await admin.destroy();
    }
  });

  it('when Postgres ends a connection inside a transaction, then the transaction fails, the process lives on, and later queries get a new connection', async () => {
    const application = `busy-${process.pid}-${Date.now()}`;
    const db = createDatabase({ url: inject('databaseUrl'), max: 1, application, onIdleError: () => {} });
    const admin = createDatabase({ url: inject('databaseUrl'), max: 1 });
    try {
      // The connection is checked out between two statements when Postgres ends it (a restart in
      // the middle of a chunk's transaction): node-postgres emits the loss on the client itself.
      const transaction = db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${application}`.execute(
          admin,
        );
        await new Promise((r) => setTimeout(r, 300));
        await sql`select 2`.execute(trx);
      });
      await expect(transaction).rejects.toThrow();
      const next = await sql<{ n: number }>`select 3 as n`.execute(db);
      expect(next.rows[0]!.n).toBe(3);
    } finally {
      await db.destroy();
      await admin.destroy();
    }
  });
});
