#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader: `npm ci` alone leaves a working command.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
