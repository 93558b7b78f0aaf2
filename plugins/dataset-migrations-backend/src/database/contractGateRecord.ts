import type { ContractOverride } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * The run checkpoint naming the contract request that last passed the readers'
 * gate and the override it carried, written just before the engine's contract. A
 * retry by another request that finds the previous version gone (dropped by that
 * contract, its record lost with its worker) records it with this override.
 */
export const CONTRACT_GATE = 'contract-gate';

export interface ContractGateRecord {
  requestId: string;
  override?: ContractOverride;
}
