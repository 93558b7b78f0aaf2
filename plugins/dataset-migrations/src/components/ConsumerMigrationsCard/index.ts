export { EntityConsumerMigrationsCard } from './EntityConsumerMigrationsCard';
