import { createMemoryStore } from '@nemid-sim/server-verifier';
import { storeConformanceSuite } from './conformance.js';

storeConformanceSuite('memory', async () => createMemoryStore());
