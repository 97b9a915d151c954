import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/process.js';

/**
 * schema/schema.graphql serves schema-driven code generation: @graphql-codegen's client preset
 * generates typed documents for a frontend's operations, and that frontend code compiles.
 */
describe('code generation from schema/schema.graphql', () => {
  it('generates a typed client whose operations validate and compile', async () => {
    const out = path.join(PROJECT_ROOT, 'test/codegen/generated');
    fs.rmSync(out, { recursive: true, force: true });
    await generate(
      {
        schema: path.join(PROJECT_ROOT, 'schema/schema.graphql'),
        documents: path.join(PROJECT_ROOT, 'test/codegen/client.ts'),
        generates: {
          [`${out}/`]: {
            preset: 'client',
            config: { scalars: { DateTimeISO: 'string', JSON: 'unknown' }, useTypeImports: true },
            presetConfig: { fragmentMasking: false },
          },
        },
        emitLegacyCommonJSImports: false,
        silent: true,
      },
      true,
    );
    expect(fs.readFileSync(path.join(out, 'graphql.ts'), 'utf8')).toContain('export type StartExportMutation');

    const tsc = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(PROJECT_ROOT, 'test/codegen/tsconfig.json')], {
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);
});
