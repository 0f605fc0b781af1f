/**
 * The error of every configuration step (environment, YAML file, loading). Its message lists every
 * problem found, one per line, so an operator fixes them all in one pass; `problems` holds the same lines.
 */
import { HeraldError } from '../errors.ts';

export class ConfigError extends HeraldError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options: { cause?: unknown } = {}) {
    super('config', problems.join('\n'), options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
