// Tests here run real PostgreSQL, graphile-worker, git and sandboxed processes,
// and CI runs the suites side by side on two cores: Jest's 5 s default fails a
// test for the machine's pace, not for what it asserts. Tests that need longer
// say so themselves.
jest.setTimeout(60_000);
