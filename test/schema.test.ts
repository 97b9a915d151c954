import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildGatewaySchema, printGatewaySchema } from '../src/graphql/schema.js';

describe('schema/schema.graphql', () => {
  it('is the SDL of the current resolvers (run `npm run schema` after changing them)', async () => {
    const committed = fs.readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(printGatewaySchema(await buildGatewaySchema())).toBe(committed);
  });
});
