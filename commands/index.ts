/** Every command group Herald offers; the one list adapters and registration read. */
import type { CommandGroupDefinition } from '../src/commands/definition.ts';
import { feedCommand } from './feed.ts';

export const commandGroups: readonly CommandGroupDefinition[] = [feedCommand];
