import { databaseIdentity } from './databaseIdentity';

describe('databaseIdentity', () => {
  it('is one for every spelling node-postgres resolves to one database', () => {
    const one = databaseIdentity({
      connectionString: 'postgresql://migrator:x@db.example.com:5432/warehouse',
    });
    for (const connection of [
      { host: 'DB.Example.com.', user: 'admin', database: 'warehouse' },
      { host: 'db.example.com', port: 5432, database: 'warehouse' },
      { connectionString: 'postgres://other@DB.EXAMPLE.COM/warehouse' },
    ])
      expect(databaseIdentity(connection)).toBe(one);
  });

  it('takes loopback addresses, localhost and Unix sockets for the machine itself', () => {
    const local = databaseIdentity({ host: 'localhost', database: 'w' });
    for (const host of ['127.0.0.1', '::1', '[::1]', '/var/run/postgresql'])
      expect(databaseIdentity({ host, database: 'w' })).toBe(local);
  });

  it('tells apart another host, port or database, and a database named by its user by default', () => {
    const base = { host: 'db', port: 5432, user: 'u', database: 'w' };
    const one = databaseIdentity(base);
    for (const other of [
      { ...base, host: 'db2' },
      { ...base, port: 5433 },
      { ...base, database: 'W' },
      { ...base, database: undefined },
    ])
      expect(databaseIdentity(other)).not.toBe(one);
    expect(databaseIdentity({ ...base, database: undefined })).toBe(
      databaseIdentity({ ...base, database: 'u' }),
    );
  });
});
