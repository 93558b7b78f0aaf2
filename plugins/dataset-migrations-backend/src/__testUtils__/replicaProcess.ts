/**
 * Entry point of a backend replica child process, started by `spawnReplica()` with
 * `node --require @backstage/cli-node/config/nodeTransform.cjs` (test-only).
 */
import { runReplicaProcess } from './replica';

runReplicaProcess().catch(error => {
  console.error(error);
  process.exit(1);
});
