export { PlanView, CompatibilityChip } from './PlanView';
