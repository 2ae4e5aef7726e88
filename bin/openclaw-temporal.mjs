#!/usr/bin/env node
// The `openclaw-temporal` bin of package.json: runs bin/openclaw-temporal.ts through tsx (the project has no build
// step), from any working directory.
import { register } from 'tsx/esm/api';

register();
await import('./openclaw-temporal.ts');
