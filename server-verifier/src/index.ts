export { applyFailure, createMemoryStore, MemoryStore } from './store/memory-store.js';
export type * from './store/store.js';
