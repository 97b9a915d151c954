import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildGatewaySchema, printGatewaySchema } from '../graphql/schema.js';

// `npm run schema`: writes the SDL that schema-driven code generation reads.
const target = path.resolve('schema/schema.graphql');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, printGatewaySchema(await buildGatewaySchema()));
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
