/** The I/O side of lab slides: every labs/<id>/lab.json, parsed by the shared definition. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLabDefinition, type LabDefinition } from '../protocol/lab-definition.ts';
import { DeckError } from './manifest.ts';

export function loadLabDefinitions(root: string): Map<string, LabDefinition> {
  const labsDir = join(root, 'labs');
  const labs = new Map<string, LabDefinition>();
  if (!existsSync(labsDir)) return labs;
  for (const name of readdirSync(labsDir).sort()) {
    const file = join(labsDir, name, 'lab.json');
    if (!existsSync(file)) continue;
    const where = `labs/${name}/lab.json`;
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new DeckError(where, 0, `not valid JSON (${(error as Error).message})`);
    }
    labs.set(name, parseLabDefinition(value, name, join(labsDir, name), where, []));
  }
  return labs;
}
