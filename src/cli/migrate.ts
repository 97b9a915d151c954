import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { createLogger } from '../logger.js';

// `npm run migrate`: brings the schema up to date (the gateway also does this on every start).
const config = loadConfig(process.env);
const database = await openDatabase(config, createLogger(config, { to: 'stderr' }));
await database.close();
