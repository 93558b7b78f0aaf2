export { ConsumersPanel } from './ConsumersPanel';
