/** Contract files → domain contracts (SPEC §4). */
export { type ContractError, formatContractError } from "./contract-error.js";
export {
  type ContractRegistry,
  contractSetProblem,
  createContractRegistry,
  type ReloadResult,
} from "./contract-registry.js";
export {
  type ContractFile,
  type LoadContractSetResult,
  loadContractSet,
  revisionOf,
} from "./load-contract-set.js";
export { MAX_CONTRACT_BYTES } from "./read-yaml.js";
