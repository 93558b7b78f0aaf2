export { EntityDatasetCard } from './EntityDatasetCard';
