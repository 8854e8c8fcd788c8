// Worker entry when the sources run as TypeScript (tsx): register the loader, then run the worker.
import { register } from 'tsx/esm/api';

register();
await import('./migrate-worker.ts');
